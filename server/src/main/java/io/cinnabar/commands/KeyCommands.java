package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueCopy;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.Arrays;

/**
 * Generic key commands (Redis's db.c): DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, COPY, MOVE,
 * TOUCH, RANDOMKEY. Registers the rest of the generic family too: {@link ExpireCommands}, {@link
 * ScanCommands} and {@link ObjectCommand}. Every key is reached through Database's lookups, so a
 * key whose TTL has passed is deleted before any command can see it.
 */
public final class KeyCommands {
  private KeyCommands() {}

  private static final String MULTI_SHARD = "request_policy:multi_shard response_policy:agg_sum";

  public static void register(CommandTable t) {
    t.add(
        command("del", -2)
            .flags("write")
            .acl("keyspace")
            .keys(range("RM delete", 1, -1, 1, 0))
            .tips(MULTI_SHARD)
            .doc(
                "Delete a key",
                "1.0.0",
                "generic",
                "O(N) where N is the number of keys that will be removed. When a key to remove"
                    + " holds a value other than a string, the individual complexity for this key"
                    + " is O(M) where M is the number of elements in the list, set, sorted set or"
                    + " hash. Removing a single key that holds a string value is O(1).")
            .handler(KeyCommands::del));
    t.add(
        command("unlink", -2)
            .flags("write fast")
            .acl("keyspace")
            .keys(range("RM delete", 1, -1, 1, 0))
            .tips(MULTI_SHARD)
            .doc(
                "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but"
                    + " non blocking.",
                "4.0.0",
                "generic",
                "O(1) for each key removed regardless of its size. Then the command does O(N)"
                    + " work in a different thread in order to reclaim memory, where N is the number"
                    + " of allocations the deleted objects where composed of.")
            .handler(KeyCommands::del));
    t.add(
        command("exists", -2)
            .flags("readonly fast")
            .acl("keyspace")
            .keys(range("RO", 1, -1, 1, 0))
            .tips(MULTI_SHARD)
            .doc(
                "Determine if a key exists",
                "1.0.0",
                "generic",
                "O(N) where N is the number of keys to check.")
            .handler(KeyCommands::exists));
    t.add(
        command("type", 2)
            .flags("readonly fast")
            .acl("keyspace")
            .keys(single("RO", 1))
            .doc("Determine the type stored at key", "1.0.0", "generic", "O(1)")
            .handler(KeyCommands::type));
    t.add(
        command("rename", 3)
            .flags("write")
            .acl("keyspace")
            .keys(single("RW access delete", 1), single("OW update", 2))
            .doc("Rename a key", "1.0.0", "generic", "O(1)")
            .handler(c -> rename(c, false)));
    t.add(
        command("renamenx", 3)
            .flags("write fast")
            .acl("keyspace")
            .keys(single("RW access delete", 1), single("OW insert", 2))
            .doc("Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)")
            .handler(c -> rename(c, true)));
    t.add(
        command("copy", -3)
            .flags("write denyoom")
            .acl("keyspace")
            .keys(single("RO access", 1), single("OW update", 2))
            .doc(
                "Copy a key",
                "6.2.0",
                "generic",
                "O(N) worst case for collections, where N is the number of nested items. O(1) for"
                    + " string values.")
            .handler(KeyCommands::copy));
    t.add(
        command("move", 3)
            .flags("write fast")
            .acl("keyspace")
            .keys(single("RW access update", 1))
            .doc("Move a key to another database", "1.0.0", "generic", "O(1)")
            .handler(KeyCommands::move));
    t.add(
        command("touch", -2)
            .flags("readonly fast")
            .acl("keyspace")
            .keys(range("RO", 1, -1, 1, 0))
            .tips(MULTI_SHARD)
            .doc(
                "Alters the last access time of a key(s). Returns the number of existing keys"
                    + " specified.",
                "3.2.1",
                "generic",
                "O(N) where N is the number of keys that will be touched.")
            .handler(KeyCommands::touch));
    t.add(
        command("randomkey", 1)
            .flags("readonly")
            .acl("keyspace")
            .tips("request_policy:all_shards nondeterministic_output")
            .doc("Return a random key from the keyspace", "1.0.0", "generic", "O(1)")
            .handler(KeyCommands::randomkey));
    ScanCommands.register(t);
    ExpireCommands.register(t);
    ObjectCommand.register(t);
  }

  private static final byte[] SAME_OBJECT =
      Bytes.ascii("ERR source and destination objects are the same");
  private static final byte[] REPLACE = Bytes.ascii("replace");
  private static final byte[] DB = Bytes.ascii("db");

  /**
   * Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): lazy expiry and hit/miss statistics, but the
   * access clock is left alone (EXISTS, TYPE, TTL, OBJECT, SCAN TYPE).
   */
  static Entry lookupNoTouch(Client c, Database db, byte[] b, int off, int len) {
    return lookupNoTouch(c, db, b, off, len, true);
  }

  /** As above; OBJECT passes {@code notify} false (Redis's LOOKUP_NONOTIFY: no "keymiss"). */
  static Entry lookupNoTouch(Client c, Database db, byte[] b, int off, int len, boolean notify) {
    Entry e = db.lookupWrite(b, off, len, c.server.now());
    if (e == null) {
      c.server.keyspace.stats().misses++;
      if (notify) {
        db.missed(b, off, len);
      }
    } else {
      c.server.keyspace.stats().hits++;
    }
    return e;
  }

  static Entry lookupNoTouch(Client c, int i) {
    return lookupNoTouch(c, i, true);
  }

  static Entry lookupNoTouch(Client c, int i, boolean notify) {
    Request r = c.req;
    return lookupNoTouch(c, c.db, r.bufs[i], r.offs[i], r.lens[i], notify);
  }

  /** DEL and UNLINK: UNLINK frees nothing in the background here, so both delete in place. */
  static void del(Client c) {
    Request r = c.req;
    long now = c.server.now();
    long n = 0;
    for (int i = 1; i < r.argc; i++) {
      Entry e = c.db.lookupWrite(r.bufs[i], r.offs[i], r.lens[i], now);
      if (e != null) {
        c.db.delete(e);
        Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "del");
        n++;
      }
    }
    c.server.keyspace.stats().dirty += n;
    c.reply.integer(n);
  }

  static void exists(Client c) {
    long n = 0;
    for (int i = 1; i < c.req.argc; i++) {
      if (lookupNoTouch(c, i) != null) {
        n++;
      }
    }
    c.reply.integer(n);
  }

  private static final byte[][] TYPE_REPLIES = new byte[8][];

  static {
    for (byte t = 0; t < TYPE_REPLIES.length; t++) {
      TYPE_REPLIES[t] = Bytes.ascii("+" + ValueType.typeName(t) + "\r\n");
    }
  }

  private static final byte[] NONE = Bytes.ascii("+none\r\n");

  static void type(Client c) {
    Entry e = lookupNoTouch(c, 1);
    if (e == null) {
      c.reply.raw(NONE);
    } else if (e.type() >= 0 && e.type() < TYPE_REPLIES.length) {
      c.reply.raw(TYPE_REPLIES[e.type()]);
    } else {
      c.reply.simple(ValueType.typeName(e.type()));
    }
  }

  static void touch(Client c) {
    Request r = c.req;
    long now = c.server.now();
    int lru = c.server.lruClock();
    long n = 0;
    for (int i = 1; i < r.argc; i++) {
      if (c.db.lookupRead(r.bufs[i], r.offs[i], r.lens[i], now, lru) != null) {
        n++;
      }
    }
    c.reply.integer(n);
  }

  static void randomkey(Client c) {
    Entry e = c.server.slotMigrations.randomVisibleKey(c.db, c.server.now());
    if (e == null) {
      c.reply.nullBulk();
    } else {
      c.reply.bulk(e.key());
    }
  }

  /** RENAME / RENAMENX: the value, its TTL and its access clock move to the new name. */
  static void rename(Client c, boolean nx) {
    Request r = c.req;
    Database db = c.db;
    long now = c.server.now();
    boolean sameKey =
        Arrays.equals(
            r.bufs[1],
            r.offs[1],
            r.offs[1] + r.lens[1],
            r.bufs[2],
            r.offs[2],
            r.offs[2] + r.lens[2]);
    Entry src = db.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now);
    if (src == null) {
      c.reply.errorBytes(Errors.NO_SUCH_KEY);
      return;
    }
    if (sameKey) {
      if (nx) {
        c.reply.integer(0);
      } else {
        c.reply.ok();
      }
      return;
    }
    Entry dst = db.lookupWrite(r.bufs[2], r.offs[2], r.lens[2], now);
    if (dst != null) {
      if (nx) {
        c.reply.integer(0);
        return;
      }
      db.delete(dst);
    }
    byte[] to = r.copy(2);
    moveEntry(db, src, db, to);
    c.server.keyspace.stats().dirty++;
    c.server.signalModifiedKey(db, src.key());
    c.server.signalModifiedKey(db, to);
    Notify.event(c, src.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "rename_from");
    Notify.event(c, to, io.cinnabar.config.KeyspaceEvents.GENERIC, "rename_to");
    if (nx) {
      c.reply.integer(1);
    } else {
      c.reply.ok();
    }
  }

  /** Re-adds the value of {@code e} (with its TTL and clock) as {@code key} in {@code to}. */
  private static void moveEntry(Database from, Entry e, Database to, byte[] key) {
    long expire = e.expireAt();
    from.delete(e);
    Entry n = to.add(key, e.value(), e.type(), e.encoding(), e.lru());
    if (expire >= 0) {
      to.setExpire(n, expire);
    }
  }

  /**
   * A DB index argument as Redis's getIntFromObjectOrReply then selectDb: returns the database, or
   * null after replying the error.
   */
  private static Database dbOrReply(Client c, int i) {
    Request r = c.req;
    if (!Args.isLong(r, i)) {
      c.reply.errorBytes(Errors.NOT_INTEGER);
      return null;
    }
    long id = Args.toLong(r, i);
    if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
      c.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
      return null;
    }
    if (id < 0 || id >= c.server.keyspace.databases()) {
      c.reply.errorBytes(Errors.DB_INDEX);
      return null;
    }
    return c.server.keyspace.db((int) id);
  }

  private static boolean clusterEnabled(Client c) {
    return c.server.config.getBool("cluster-enabled");
  }

  /** MOVE key db: moves the key with its TTL; 0 if it is missing here or exists there. */
  static void move(Client c) {
    if (clusterEnabled(c)) {
      c.reply.error("ERR MOVE is not allowed in cluster mode");
      return;
    }
    Request r = c.req;
    Database src = c.db;
    Database dst = dbOrReply(c, 2);
    if (dst == null) {
      return;
    }
    if (src == dst) {
      c.reply.errorBytes(SAME_OBJECT);
      return;
    }
    long now = c.server.now();
    Entry e = src.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now);
    if (e == null || dst.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now) != null) {
      c.reply.integer(0);
      return;
    }
    moveEntry(src, e, dst, e.key());
    c.server.keyspace.stats().dirty++;
    c.server.signalModifiedKey(src, e.key());
    c.server.signalModifiedKey(dst, e.key());
    c.server.notifyKeyspaceEvent(
        io.cinnabar.config.KeyspaceEvents.GENERIC, "move_from", e.key(), src.id());
    c.server.notifyKeyspaceEvent(
        io.cinnabar.config.KeyspaceEvents.GENERIC, "move_to", e.key(), dst.id());
    c.reply.integer(1);
  }

  /** COPY source destination [DB index] [REPLACE]: a deep copy, keeping the TTL. */
  static void copy(Client c) {
    Request r = c.req;
    Database src = c.db;
    Database dst = c.db;
    boolean replace = false;
    for (int i = 3; i < r.argc; i++) {
      if (r.is(i, REPLACE)) {
        replace = true;
      } else if (r.is(i, DB) && i + 1 < r.argc) {
        dst = dbOrReply(c, ++i);
        if (dst == null) {
          return;
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    if (clusterEnabled(c) && (src.id() != 0 || dst.id() != 0)) {
      c.reply.error("ERR Copying to another database is not allowed in cluster mode");
      return;
    }
    boolean sameKey =
        Arrays.equals(
            r.bufs[1],
            r.offs[1],
            r.offs[1] + r.lens[1],
            r.bufs[2],
            r.offs[2],
            r.offs[2] + r.lens[2]);
    if (src == dst && sameKey) {
      c.reply.errorBytes(SAME_OBJECT);
      return;
    }
    long now = c.server.now();
    Entry e = src.lookupRead(r.bufs[1], r.offs[1], r.lens[1], now, c.server.lruClock());
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    long expire = e.expireAt();
    Entry old = dst.lookupWrite(r.bufs[2], r.offs[2], r.lens[2], now);
    if (old != null) {
      if (!replace) {
        c.reply.integer(0);
        return;
      }
      dst.delete(old);
    }
    Entry n =
        dst.add(r.copy(2), ValueCopy.of(e.value()), e.type(), e.encoding(), c.server.lruClock());
    if (expire >= 0) {
      dst.setExpire(n, expire);
    }
    c.server.keyspace.stats().dirty++;
    c.server.signalModifiedKey(dst, n.key());
    c.server.notifyKeyspaceEvent(
        io.cinnabar.config.KeyspaceEvents.GENERIC, "copy_to", n.key(), dst.id());
    c.reply.integer(1);
  }
}
