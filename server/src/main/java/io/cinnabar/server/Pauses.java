package io.cinnabar.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client pauses by purpose, as Redis 7.0's pause_purpose: CLIENT PAUSE, a shutdown hand-over and a
 * manual failover each hold their own pause. Clients are held while any of them is active, and only
 * for writes when every active one is a write pause. Ending one (CLIENT UNPAUSE, SHUTDOWN ABORT,
 * the end of the failover) leaves the others in force. The effective pause is kept in {@link
 * ServerContext#pauseEndMs} and {@link ServerContext#pauseWritesOnly}, which the dispatcher reads
 * per command. Keyspace thread only.
 */
public final class Pauses {
  /**
   * Why clients are paused (Redis's PAUSE_BY_CLIENT_COMMAND, _DURING_SHUTDOWN, _DURING_FAILOVER).
   */
  public enum Purpose {
    CLIENT,
    SHUTDOWN,
    FAILOVER
  }

  private final ServerContext server;
  private final long[] end = new long[Purpose.values().length]; // ms; 0 when not paused
  private final boolean[] writesOnly = new boolean[Purpose.values().length];

  Pauses(ServerContext server) {
    this.server = server;
  }

  /**
   * Pauses for {@code purpose} until {@code endMs}. A pause already active for the same purpose is
   * extended, never shortened, and stays a pause of all commands if either is (Redis's
   * pauseClients).
   */
  public void pause(Purpose purpose, long endMs, boolean writesOnlyWanted) {
    int i = purpose.ordinal();
    long now = System.currentTimeMillis();
    if (end[i] > now) {
      end[i] = Math.max(end[i], endMs);
      writesOnly[i] &= writesOnlyWanted;
    } else {
      end[i] = endMs;
      writesOnly[i] = writesOnlyWanted;
    }
    server.loop().schedule(this::update, Math.max(0, endMs - now) + 1, TimeUnit.MILLISECONDS);
    update();
  }

  /** Ends the pause of {@code purpose}; the others stay. */
  public void unpause(Purpose purpose) {
    end[purpose.ordinal()] = 0;
    update();
  }

  /**
   * Recomputes the effective pause. When it got less strict (ended, or all commands → writes only),
   * the held clients run their commands again: those still paused are held again.
   */
  private void update() {
    long now = System.currentTimeMillis();
    long effectiveEnd = 0;
    boolean onlyWrites = true;
    for (int i = 0; i < end.length; i++) {
      if (end[i] <= now) {
        end[i] = 0;
        continue;
      }
      effectiveEnd = Math.max(effectiveEnd, end[i]);
      onlyWrites &= writesOnly[i];
    }
    boolean wasAll = server.pauseEndMs > 0 && !server.pauseWritesOnly;
    server.pauseEndMs = effectiveEnd;
    server.pauseWritesOnly = effectiveEnd > 0 && onlyWrites;
    if (effectiveEnd == 0 || (wasAll && onlyWrites)) {
      List<Client> held = new ArrayList<>(server.pausedClients);
      server.pausedClients.clear();
      for (Client c : held) {
        if (!c.isClosed()) {
          c.unblock();
        }
      }
    }
  }
}
