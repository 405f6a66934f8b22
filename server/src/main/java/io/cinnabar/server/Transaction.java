package io.cinnabar.server;

import io.cinnabar.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's MULTI state and WATCHed keys (Redis's multiState and watched_keys). Created on the
 * first MULTI or WATCH and kept for the connection's life.
 */
public final class Transaction {
  /** Commands queued since MULTI, and their arguments (copied out of the query buffer). */
  public final List<CommandSpec> commands = new ArrayList<>();

  public final List<byte[][]> args = new ArrayList<>();

  /** A command was rejected while queuing: EXEC answers EXECABORT (CLIENT_DIRTY_EXEC). */
  public boolean dirtyExec;

  /** A WATCHed key was modified: EXEC answers a null array (CLIENT_DIRTY_CAS). */
  public boolean dirtyCas;

  /** Keys this client watches, as (database index, key). */
  final List<Watches.Key> watched = new ArrayList<>();

  /** Forgets the queued commands and the rejection flag (EXEC and DISCARD end here). */
  public void clearQueue() {
    commands.clear();
    args.clear();
    dirtyExec = false;
  }

  /** Bytes held by queued arguments, as CLIENT LIST's multi-mem counts them roughly. */
  public long queuedBytes() {
    long n = 0;
    for (byte[][] a : args) {
      for (byte[] b : a) {
        n += b.length;
      }
    }
    return n;
  }

  /** True when some queued command has {@code flag}. */
  public boolean anyHas(io.cinnabar.command.CommandFlag flag) {
    for (CommandSpec s : commands) {
      if (s.has(flag)) {
        return true;
      }
    }
    return false;
  }
}
