package io.cinnabar.repl;

import io.cinnabar.server.Log;
import java.util.function.LongSupplier;

/**
 * The replica side of the link to a primary, as a state machine over an injected clock and I/O
 * (Redis's syncWithMaster and the replication part of its cron): connect, PING, AUTH with
 * masteruser/masterauth, REPLCONF listening-port / ip-address / capa eof psync2, then PSYNC with
 * the cached primary's replication ID and offset (or {@code ? -1}). The primary's answer decides
 * between a full resync (the RDB follows: {@link State#TRANSFER}) and a partial one (the stream
 * continues: {@link State#CONNECTED}).
 *
 * <p>A failed attempt closes the connection and retries after a backoff that starts at {@link
 * #MIN_BACKOFF_MS} and doubles up to {@link #MAX_BACKOFF_MS} (never slower than Redis's once a
 * second); a stage that hears nothing from the primary for {@code repl-timeout} fails. Everything
 * runs on one thread: the caller feeds events ({@link #connected}, {@link #reply}, {@link
 * #disconnected}, {@link #tick}) and performs the I/O this asks for.
 */
public final class ReplicaHandshake {
  public static final long MIN_BACKOFF_MS = 100;
  public static final long MAX_BACKOFF_MS = 1000;

  /** Redis's repl_state values that a replica passes through. */
  public enum State {
    CONNECT,
    CONNECTING,
    RECEIVE_PING_REPLY,
    RECEIVE_AUTH_REPLY,
    RECEIVE_PORT_REPLY,
    RECEIVE_IP_REPLY,
    RECEIVE_CAPA_REPLY,
    RECEIVE_PSYNC_REPLY,
    TRANSFER,
    CONNECTED,
    STOPPED
  }

  /** The I/O the state machine asks for; the caller reports the outcomes back. */
  public interface Io {
    /** Starts connecting; the caller later calls {@link #connected} or {@link #disconnected}. */
    void connect(String host, int port);

    /** Sends one command (a RESP array of bulk strings). */
    void send(String... args);

    /** Closes the connection, if any; no {@link #disconnected} call is expected for it. */
    void close();
  }

  /** What the handshake concluded. */
  public interface Listener {
    /** The primary starts a full resync: the RDB payload follows on the connection. */
    void fullResync(String replId, long offset);

    /** Partial resync accepted: the stream continues. {@code replId} is the primary's ID now. */
    void continued(String replId);
  }

  /** The settings the handshake uses (masteruser, masterauth, replica-announce-*, repl-timeout). */
  public record Settings(
      String masterUser, String masterAuth, int listeningPort, String announceIp, long timeoutMs) {}

  private final String host;
  private final int port;
  private final Settings settings;
  private final LongSupplier clock;
  private final Io io;
  private final Listener listener;

  private State state = State.CONNECT;
  private long nextAttemptAt;
  private long backoff;
  private long lastIo;
  private String cachedReplId;
  private long cachedOffset = -1;
  private String lastError;

  public ReplicaHandshake(
      String host, int port, Settings settings, LongSupplier clock, Io io, Listener listener) {
    this.host = host;
    this.port = port;
    this.settings = settings;
    this.clock = clock;
    this.io = io;
    this.listener = listener;
    this.nextAttemptAt = clock.getAsLong(); // connect at once, as REPLICAOF does
  }

  public State state() {
    return state;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The last failure, for logs and tests (null if none). */
  public String lastError() {
    return lastError;
  }

  /**
   * The replication ID and offset of the data this replica holds, offered in PSYNC so the primary
   * can continue from its backlog (null ID: ask for a full sync).
   */
  public void cachePrimary(String replId, long offset) {
    this.cachedReplId = replId;
    this.cachedOffset = offset;
  }

  /** Time passes: connect when due, fail a stage that has waited longer than repl-timeout. */
  public void tick() {
    long now = clock.getAsLong();
    switch (state) {
      case CONNECT -> {
        if (now >= nextAttemptAt) {
          state = State.CONNECTING;
          lastIo = now;
          Log.notice("Connecting to MASTER " + host + ":" + port);
          io.connect(host, port);
        }
      }
      case CONNECTED, STOPPED -> {}
      default -> {
        if (now - lastIo > settings.timeoutMs()) {
          fail(
              state == State.CONNECTING
                  ? "Timeout connecting to the MASTER..."
                  : state == State.TRANSFER
                      ? "Timeout receiving bulk data from MASTER... If the problem persists try to"
                          + " set the 'repl-timeout' parameter in redis.conf to a larger value."
                      : "Timeout during the handshake with the MASTER");
        }
      }
    }
  }

  /** The connection is up: send PING. */
  public void connected() {
    if (state != State.CONNECTING) {
      return;
    }
    Log.notice("MASTER <-> REPLICA sync started");
    lastIo = clock.getAsLong();
    state = State.RECEIVE_PING_REPLY;
    io.send("PING");
  }

  /** Bytes arrived during the transfer (or the stream): the link is alive. */
  public void dataReceived() {
    lastIo = clock.getAsLong();
  }

  /** One reply line from the primary during the handshake, without its CRLF. */
  public void reply(String line) {
    lastIo = clock.getAsLong();
    if (line.isEmpty()) {
      return; // a primary preparing the RDB sends newlines to keep the link alive
    }
    boolean error = line.charAt(0) == '-';
    switch (state) {
      case RECEIVE_PING_REPLY -> {
        // An authentication error is fine here: AUTH follows.
        if (error
            && !line.startsWith("-NOAUTH")
            && !line.startsWith("-NOPERM")
            && !line.startsWith("-ERR operation not permitted")) {
          fail("Error reply to PING from master: '" + line + "'");
          return;
        }
        Log.notice("Master replied to PING, replication can continue...");
        sendHandshake();
      }
      case RECEIVE_AUTH_REPLY -> {
        if (error) {
          fail("Unable to AUTH to MASTER: " + line);
          return;
        }
        state = State.RECEIVE_PORT_REPLY;
      }
      case RECEIVE_PORT_REPLY -> {
        if (error) {
          Log.notice("(Non critical) Master does not understand REPLCONF listening-port: " + line);
        }
        state = settings.announceIp() != null ? State.RECEIVE_IP_REPLY : State.RECEIVE_CAPA_REPLY;
      }
      case RECEIVE_IP_REPLY -> {
        if (error) {
          Log.notice("(Non critical) Master does not understand REPLCONF ip-address: " + line);
        }
        state = State.RECEIVE_CAPA_REPLY;
      }
      case RECEIVE_CAPA_REPLY -> {
        if (error) {
          Log.notice("(Non critical) Master does not understand REPLCONF capa: " + line);
        }
        sendPsync();
      }
      case RECEIVE_PSYNC_REPLY -> psyncReply(line);
      default -> {}
    }
  }

  private void sendHandshake() {
    // Pipelined as Redis 7 sends them; the replies are read one state at a time.
    if (settings.masterAuth() != null && !settings.masterAuth().isEmpty()) {
      if (settings.masterUser() != null && !settings.masterUser().isEmpty()) {
        io.send("AUTH", settings.masterUser(), settings.masterAuth());
      } else {
        io.send("AUTH", settings.masterAuth());
      }
      state = State.RECEIVE_AUTH_REPLY;
    } else {
      state = State.RECEIVE_PORT_REPLY;
    }
    io.send("REPLCONF", "listening-port", Integer.toString(settings.listeningPort()));
    if (settings.announceIp() != null) {
      io.send("REPLCONF", "ip-address", settings.announceIp());
    }
    io.send("REPLCONF", "capa", "eof", "capa", "psync2");
  }

  private void sendPsync() {
    if (cachedReplId != null) {
      long from = cachedOffset + 1;
      Log.notice("Trying a partial resynchronization (request " + cachedReplId + ":" + from + ").");
      io.send("PSYNC", cachedReplId, Long.toString(from));
    } else {
      Log.notice("Partial resynchronization not possible (no cached master)");
      io.send("PSYNC", "?", "-1");
    }
    state = State.RECEIVE_PSYNC_REPLY;
  }

  private void psyncReply(String line) {
    if (line.startsWith("+FULLRESYNC")) {
      String[] f = line.split(" ");
      if (f.length < 3 || f[1].length() != 40) {
        fail("Master replied with wrong +FULLRESYNC syntax.");
        return;
      }
      long offset;
      try {
        offset = Long.parseLong(f[2]);
      } catch (NumberFormatException e) {
        fail("Master replied with wrong +FULLRESYNC syntax.");
        return;
      }
      Log.notice("Full resync from master: " + f[1] + ":" + offset);
      state = State.TRANSFER;
      listener.fullResync(f[1], offset);
    } else if (line.startsWith("+CONTINUE")) {
      String rest = line.substring("+CONTINUE".length()).trim();
      String id = rest.length() == 40 ? rest : cachedReplId;
      Log.notice("Successful partial resynchronization with master.");
      if (!id.equals(cachedReplId)) {
        Log.notice("Master replication ID changed to " + id);
      }
      Log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
      succeed();
      listener.continued(id);
    } else if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
      retryLater("Master is currently unable to PSYNC but should be in the future: " + line);
    } else {
      fail("Unexpected reply to PSYNC from master: " + line);
    }
  }

  /** The RDB has been received and loaded: the stream follows. */
  public void transferDone() {
    if (state == State.TRANSFER) {
      Log.notice("MASTER <-> REPLICA sync: Finished with success");
      succeed();
    }
  }

  private void succeed() {
    state = State.CONNECTED;
    backoff = 0;
    lastError = null;
  }

  /** The connection dropped (or could not be made): retry after the backoff. */
  public void disconnected() {
    if (state == State.STOPPED || state == State.CONNECT) {
      return;
    }
    if (state == State.CONNECTED) {
      Log.notice("Connection with master lost.");
      state = State.CONNECT;
      nextAttemptAt = clock.getAsLong(); // reconnect at once after a working link drops
      return;
    }
    retryLater("Error condition on socket for SYNC: Connection refused or closed");
  }

  /** REPLICAOF NO ONE / another primary: stop for good. */
  public void stop() {
    if (state != State.CONNECT && state != State.STOPPED) {
      io.close();
    }
    state = State.STOPPED;
  }

  private void fail(String why) {
    Log.warning(why);
    retryLater(why);
  }

  private void retryLater(String why) {
    lastError = why;
    io.close();
    backoff = backoff == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoff * 2);
    nextAttemptAt = clock.getAsLong() + backoff;
    state = State.CONNECT;
  }

  /** When the next connection attempt is due (for tests and INFO). */
  public long nextAttemptAt() {
    return nextAttemptAt;
  }
}
