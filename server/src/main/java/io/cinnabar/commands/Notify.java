package io.cinnabar.commands;

import io.cinnabar.server.Client;

/**
 * What a write does for each key it changes, as Redis's signalModifiedKey plus notifyKeyspaceEvent:
 * WATCHes on the key fail and the keyspace event is raised. Both cost a field test when nothing is
 * watched and notifications are off.
 */
public final class Notify {
  private Notify() {}

  /** The client's database: {@code key} changed, raising {@code event} of class {@code type}. */
  public static void changed(Client c, byte[] key, int type, String event) {
    c.server.signalModifiedKey(c.db, key);
    c.server.notifyKeyspaceEvent(type, event, key, c.db.id());
  }

  /** The key at argument {@code i} changed (copied only when someone listens). */
  public static void changedArg(Client c, int i, int type, String event) {
    if (!c.server.watches.isEmpty() || c.server.config.notifyKeyspaceEvents != 0) {
      changed(c, c.req.copy(i), type, event);
    }
  }

  /** A keyspace event only (the key was signalled already, or is signalled by the caller). */
  public static void event(Client c, byte[] key, int type, String event) {
    c.server.notifyKeyspaceEvent(type, event, key, c.db.id());
  }
}
