package io.cinnabar.server;

import io.cinnabar.keyspace.Database;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WATCH registry (Redis's db->watched_keys): per database index, each watched key and the
 * clients watching it. A modification of a watched key marks those clients' transactions dirty and
 * drops all their watches, as Redis's touchWatchedKey.
 */
public final class Watches {
  /** A watched key of one database; byte[] content equality. */
  record Key(int db, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.db == db && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
      return db * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return db + ":" + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  private final Map<Key, List<Client>> watchers = new HashMap<>();

  public boolean isEmpty() {
    return watchers.isEmpty();
  }

  /** WATCH: {@code c} watches {@code key} of {@code db} (once, however often it is given). */
  public void watch(Client c, Database db, byte[] key) {
    Transaction tx = c.transaction();
    Key k = new Key(db.id(), key);
    if (tx.watched.contains(k)) {
      return;
    }
    tx.watched.add(k);
    watchers.computeIfAbsent(k, x -> new ArrayList<>(2)).add(c);
  }

  /** UNWATCH, EXEC, DISCARD, RESET and disconnection: {@code c} watches nothing any more. */
  public void unwatchAll(Client c) {
    Transaction tx = c.tx;
    if (tx == null || tx.watched.isEmpty()) {
      return;
    }
    for (Key k : tx.watched) {
      List<Client> l = watchers.get(k);
      if (l != null) {
        l.remove(c);
        if (l.isEmpty()) {
          watchers.remove(k);
        }
      }
    }
    tx.watched.clear();
  }

  /** A key changed: every client watching it gets a dirty transaction. */
  void touch(int db, byte[] key) {
    List<Client> l = watchers.get(new Key(db, key));
    if (l != null) {
      dirty(l);
    }
  }

  private void dirty(List<Client> l) {
    for (Client c : l.toArray(new Client[0])) {
      c.tx.dirtyCas = true;
      unwatchAll(c);
    }
  }

  /**
   * FLUSHDB/FLUSHALL/SWAPDB (Redis's touchAllWatchedKeysInDb): watched keys of {@code emptied} that
   * exist there, or in {@code replacedWith} (the database swapped in, or null), are touched. Called
   * before the change.
   */
  void touchAll(Database emptied, Database replacedWith) {
    if (watchers.isEmpty()) {
      return;
    }
    List<Key> hit = new ArrayList<>();
    for (Key k : watchers.keySet()) {
      if (k.db == emptied.id()
          && (emptied.peek(k.key) != null
              || (replacedWith != null && replacedWith.peek(k.key) != null))) {
        hit.add(k);
      }
    }
    for (Key k : hit) {
      List<Client> l = watchers.get(k);
      if (l != null) {
        dirty(l);
      }
    }
  }
}
