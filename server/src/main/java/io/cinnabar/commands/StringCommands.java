package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Numbers;

/**
 * String commands that get and set whole values (Redis's t_string.c). Values are byte[]; the
 * encoding Redis would pick is tracked so OBJECT ENCODING matches. Counters live in {@link
 * StringNumbers}, partial edits and LCS in {@link StringRanges}.
 */
public final class StringCommands {
  private StringCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("get", 2)
            .flags("readonly fast")
            .acl("string")
            .keys(single("RO access", 1))
            .doc("Get the value of a key", "1.0.0", "string", "O(1)")
            .handler(StringCommands::get));
    t.add(
        command("set", -3)
            .flags("write denyoom")
            .acl("string")
            .keys(
                single("RW access update variable_flags", 1)
                    .withNotes("RW and ACCESS due to the optional `GET` argument"))
            .doc("Set the string value of a key", "1.0.0", "string", "O(1)")
            .handler(StringCommands::set));
    t.add(
        command("setnx", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("OW insert", 1))
            .doc(
                "Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)")
            .handler(StringCommands::setnx));
    t.add(
        command("setex", 4)
            .flags("write denyoom")
            .acl("string")
            .keys(single("OW update", 1))
            .doc("Set the value and expiration of a key", "2.0.0", "string", "O(1)")
            .handler(c -> setex(c, F_EX, "setex")));
    t.add(
        command("psetex", 4)
            .flags("write denyoom")
            .acl("string")
            .keys(single("OW update", 1))
            .doc("Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)")
            .handler(c -> setex(c, F_PX, "psetex")));
    t.add(
        command("getset", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc(
                "Set the string value of a key and return its old value", "1.0.0", "string", "O(1)")
            .handler(StringCommands::getset));
    t.add(
        command("getdel", 2)
            .flags("write fast")
            .acl("string")
            .keys(single("RW access delete", 1))
            .doc("Get the value of a key and delete the key", "6.2.0", "string", "O(1)")
            .handler(StringCommands::getdel));
    t.add(
        command("getex", -2)
            .flags("write fast")
            .acl("string")
            .keys(
                single("RW access update", 1).withNotes("RW and UPDATE because it changes the TTL"))
            .doc(
                "Get the value of a key and optionally set its expiration",
                "6.2.0",
                "string",
                "O(1)")
            .handler(StringCommands::getex));
    t.add(
        command("mget", -2)
            .flags("readonly fast")
            .acl("string")
            .keys(range("RO access", 1, -1, 1, 0))
            .tips("request_policy:multi_shard")
            .doc(
                "Get the values of all the given keys",
                "1.0.0",
                "string",
                "O(N) where N is the number of keys to retrieve.")
            .handler(StringCommands::mget));
    t.add(
        command("mset", -3)
            .flags("write denyoom")
            .acl("string")
            .keys(range("OW update", 1, -1, 2, 0))
            .tips("request_policy:multi_shard response_policy:all_succeeded")
            .doc(
                "Set multiple keys to multiple values",
                "1.0.1",
                "string",
                "O(N) where N is the number of keys to set.")
            .handler(c -> mset(c, false)));
    t.add(
        command("msetnx", -3)
            .flags("write denyoom")
            .acl("string")
            .keys(range("OW insert", 1, -1, 2, 0))
            .tips("request_policy:multi_shard response_policy:agg_min")
            .doc(
                "Set multiple keys to multiple values, only if none of the keys exist",
                "1.0.1",
                "string",
                "O(N) where N is the number of keys to set.")
            .handler(c -> mset(c, true)));
    StringNumbers.register(t);
    StringRanges.register(t);
  }

  /** The encoding Redis's tryObjectEncoding gives a string value. */
  public static byte encodingFor(byte[] v) {
    if (v.length <= 20 && Numbers.isLong(v, 0, v.length)) {
      return ValueType.ENC_INT;
    }
    return v.length <= ValueType.EMBSTR_LIMIT ? ValueType.ENC_EMBSTR : ValueType.ENC_RAW;
  }

  /** The key at argument i, looked up for reading (counts a hit or miss). */
  static Entry lookupRead(Client c, int i) {
    Request r = c.req;
    return c.db.lookupRead(r.bufs[i], r.offs[i], r.lens[i], c.server.now(), c.server.lruClock());
  }

  /** The key at argument i, looked up for writing; like Redis's lookupKey it refreshes the LRU. */
  static Entry lookupWrite(Client c, int i) {
    Request r = c.req;
    Entry e = c.db.lookupWrite(r.bufs[i], r.offs[i], r.lens[i], c.server.now());
    if (e != null) {
      e.setLru(c.server.lruClock());
    }
    return e;
  }

  /**
   * Stores a string value under the key at argument {@code keyArg} as Redis's setKey: a new key is
   * added; an existing one is overwritten and loses its TTL unless {@code keepTtl}. Returns the
   * entry now in the table.
   */
  /**
   * The array to store argument {@code arg} in: overwriting a string of the same length reuses the
   * old array, so a steady stream of SETs allocates nothing (stored strings are never shared: COPY
   * clones them, replies and snapshots copy their bytes out at once).
   */
  static byte[] valueFor(Client c, Entry e, int arg) {
    Request r = c.req;
    if (e != null
        && e.type() == ValueType.STRING
        && e.value() instanceof byte[] old
        && old.length == r.lens[arg]) {
      System.arraycopy(r.bufs[arg], r.offs[arg], old, 0, old.length);
      return old;
    }
    return r.copy(arg);
  }

  static Entry store(Client c, Entry e, int keyArg, byte[] value, byte enc, boolean keepTtl) {
    Database db = c.db;
    if (e == null) {
      return db.add(c.req.copy(keyArg), value, ValueType.STRING, enc, c.server.lruClock());
    }
    db.overwrite(e, value, ValueType.STRING, enc);
    if (!keepTtl && e.expireAt() >= 0) {
      e = db.persist(e);
    }
    return e;
  }

  static void get(Client c) {
    Entry e = lookupRead(c, 1);
    if (e == null) {
      c.reply.nullBulk();
    } else if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
    } else {
      c.reply.bulk((byte[]) e.value());
    }
  }

  private static final byte[] NX = Bytes.ascii("nx");
  private static final byte[] XX = Bytes.ascii("xx");
  private static final byte[] GET = Bytes.ascii("get");
  private static final byte[] EX = Bytes.ascii("ex");
  private static final byte[] PX = Bytes.ascii("px");
  private static final byte[] EXAT = Bytes.ascii("exat");
  private static final byte[] PXAT = Bytes.ascii("pxat");
  private static final byte[] KEEPTTL = Bytes.ascii("keepttl");
  private static final byte[] PERSIST = Bytes.ascii("persist");

  static final int F_NX = 1;
  static final int F_XX = 2;
  static final int F_GET = 4;
  static final int F_KEEPTTL = 8;
  static final int F_EX = 16;
  static final int F_PX = 32;
  static final int F_EXAT = 64;
  static final int F_PXAT = 128;
  static final int F_PERSIST = 256;
  static final int F_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

  /**
   * Parses SET's (from argument 3) or GETEX's (from argument 2) options as Redis's
   * parseExtendedStringArgumentsOrReply: an option conflicting with an earlier one is a syntax
   * error, but repeating the same one is not (the last expire value wins). Returns the flags with
   * the expire value's argument index in the bits above 16, or -1 after replying.
   */
  private static int parseOptions(Client c, boolean isSet) {
    Request r = c.req;
    int flags = 0;
    int expireArg = 0;
    for (int i = isSet ? 3 : 2; i < r.argc; i++) {
      int f = expireFlag(r, i);
      if (isSet && r.is(i, NX) && (flags & F_XX) == 0) {
        flags |= F_NX;
      } else if (isSet && r.is(i, XX) && (flags & F_NX) == 0) {
        flags |= F_XX;
      } else if (isSet && r.is(i, GET)) {
        flags |= F_GET;
      } else if (isSet && r.is(i, KEEPTTL) && (flags & F_EXPIRE) == 0) {
        flags |= F_KEEPTTL;
      } else if (!isSet && r.is(i, PERSIST) && (flags & F_EXPIRE) == 0) {
        flags |= F_PERSIST;
      } else if (f != 0
          && i + 1 < r.argc
          && (flags & (F_KEEPTTL | F_PERSIST | (F_EXPIRE & ~f))) == 0) {
        flags |= f;
        expireArg = ++i;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return -1;
      }
    }
    return flags | expireArg << 16;
  }

  private static int expireFlag(Request r, int i) {
    if (r.is(i, EX)) {
      return F_EX;
    } else if (r.is(i, PX)) {
      return F_PX;
    } else if (r.is(i, EXAT)) {
      return F_EXAT;
    } else if (r.is(i, PXAT)) {
      return F_PXAT;
    }
    return 0;
  }

  /**
   * The absolute expiry in ms of a relative or absolute EX/PX/EXAT/PXAT argument, or -1 after
   * replying Redis's error (not an integer, or "invalid expire time in '&lt;cmd&gt;' command").
   */
  static long expireAtOrReply(Client c, int i, int flags, String cmd) {
    if (!Args.longOrReply(c, i)) {
      return -1;
    }
    long v = Args.toLong(c.req, i);
    boolean seconds = (flags & (F_EX | F_EXAT)) != 0;
    if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
      c.reply.error("ERR invalid expire time in '" + cmd + "' command");
      return -1;
    }
    if (seconds) {
      v *= 1000;
    }
    if ((flags & (F_EX | F_PX)) != 0) {
      v += c.server.now();
      if (v <= 0) {
        c.reply.error("ERR invalid expire time in '" + cmd + "' command");
        return -1;
      }
    }
    return v;
  }

  /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]. */
  static void set(Client c) {
    int parsed = parseOptions(c, true);
    if (parsed < 0) {
      return;
    }
    int flags = parsed & 0xffff;
    long when = -1;
    if ((flags & F_EXPIRE) != 0) {
      when = expireAtOrReply(c, parsed >>> 16, flags, "set");
      if (when < 0) {
        return;
      }
    }
    setGeneric(c, flags, when, 2, false);
  }

  static void setnx(Client c) {
    setGeneric(c, F_NX, -1, 2, true);
  }

  /** SETEX/PSETEX key time value. */
  static void setex(Client c, int unit, String name) {
    long when = expireAtOrReply(c, 2, unit, name);
    if (when >= 0) {
      setGeneric(c, unit, when, 3, false);
    }
  }

  /**
   * The shared body of SET and its variants. {@code when} is an absolute ms expiry or -1. With
   * {@code intReply} (SETNX) the reply is 1 or 0 instead of OK or null.
   */
  static void setGeneric(Client c, int flags, long when, int valueArg, boolean intReply) {
    Entry e;
    if ((flags & F_GET) != 0) {
      e = lookupRead(c, 1);
      if (e == null) {
        c.reply.nullBulk();
      } else if (e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      } else {
        c.reply.bulk((byte[]) e.value());
      }
    } else {
      e = lookupWrite(c, 1);
    }
    if (((flags & F_NX) != 0 && e != null) || ((flags & F_XX) != 0 && e == null)) {
      if ((flags & F_GET) == 0) {
        if (intReply) {
          c.reply.integer(0);
        } else {
          c.reply.nullBulk();
        }
      }
      return;
    }
    byte[] value = valueFor(c, e, valueArg);
    boolean keepTtl = (flags & F_KEEPTTL) != 0 || when >= 0;
    e = store(c, e, 1, value, encodingFor(value), keepTtl);
    if (when >= 0) {
      c.db.setExpire(e, when);
    }
    c.server.keyspace.stats().dirty++;
    Notify.changed(c, e.key(), KeyspaceEvents.STRING, "set");
    if (when >= 0) {
      Notify.event(c, e.key(), KeyspaceEvents.GENERIC, "expire");
      if ((flags & F_PXAT) == 0 && Propagate.on(c)) {
        Propagate.as(c, Propagate.SET, e.key(), value, Propagate.PXAT, Propagate.num(when));
      }
    }
    if ((flags & F_GET) == 0) {
      if (intReply) {
        c.reply.integer(1);
      } else {
        c.reply.ok();
      }
    }
  }

  static void getset(Client c) {
    Entry e = lookupRead(c, 1);
    if (e == null) {
      c.reply.nullBulk();
    } else if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    } else {
      c.reply.bulk((byte[]) e.value());
    }
    byte[] value = c.req.copy(2);
    e = store(c, e, 1, value, encodingFor(value), false);
    c.server.keyspace.stats().dirty++;
    Notify.changed(c, e.key(), KeyspaceEvents.STRING, "set");
  }

  static void getdel(Client c) {
    Entry e = lookupRead(c, 1);
    if (e == null) {
      c.reply.nullBulk();
    } else if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
    } else {
      c.reply.bulk((byte[]) e.value());
      c.db.delete(e);
      c.server.keyspace.stats().dirty++;
      Notify.changed(c, e.key(), KeyspaceEvents.GENERIC, "del");
    }
  }

  /** GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]. */
  static void getex(Client c) {
    int parsed = parseOptions(c, false);
    if (parsed < 0) {
      return;
    }
    int flags = parsed & 0xffff;
    Entry e = lookupRead(c, 1);
    if (e == null) {
      c.reply.nullBulk();
      return;
    }
    if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    long when = -1;
    if ((flags & F_EXPIRE) != 0) {
      when = expireAtOrReply(c, parsed >>> 16, flags, "getex");
      if (when < 0) {
        return;
      }
    }
    c.reply.bulk((byte[]) e.value());
    if ((flags & (F_EXAT | F_PXAT)) != 0 && when <= c.server.now()) {
      // An absolute time already past deletes the key, as Redis does.
      c.db.delete(e);
      c.server.keyspace.stats().dirty++;
      Notify.changed(c, e.key(), KeyspaceEvents.GENERIC, "del");
      Propagate.as(c, Propagate.DEL, e.key());
    } else if (when >= 0) {
      Propagate.as(c, Propagate.PEXPIREAT, e.key(), Propagate.num(when));
      c.db.setExpire(e, when);
      c.server.keyspace.stats().dirty++;
      Notify.changed(c, e.key(), KeyspaceEvents.GENERIC, "expire");
    } else if ((flags & F_PERSIST) != 0 && e.expireAt() >= 0) {
      c.db.persist(e);
      Propagate.as(c, Propagate.PERSIST, e.key());
      c.server.keyspace.stats().dirty++;
      Notify.changed(c, e.key(), KeyspaceEvents.GENERIC, "persist");
    }
  }

  static void mget(Client c) {
    Request r = c.req;
    c.reply.array(r.argc - 1);
    for (int i = 1; i < r.argc; i++) {
      Entry e = lookupRead(c, i);
      if (e == null || e.type() != ValueType.STRING) {
        c.reply.nullBulk();
      } else {
        c.reply.bulk((byte[]) e.value());
      }
    }
  }

  /** MSET and MSETNX: MSETNX sets nothing (and replies 0) if any key exists. */
  static void mset(Client c, boolean nx) {
    Request r = c.req;
    if (r.argc % 2 == 0) {
      c.reply.error("ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
      return;
    }
    if (nx) {
      for (int i = 1; i < r.argc; i += 2) {
        if (lookupWrite(c, i) != null) {
          c.reply.integer(0);
          return;
        }
      }
    }
    for (int i = 1; i < r.argc; i += 2) {
      // Looked up one by one: a key given twice is overwritten by its last value.
      Entry e = lookupWrite(c, i);
      byte[] value = r.copy(i + 1);
      e = store(c, e, i, value, encodingFor(value), false);
      Notify.changed(c, e.key(), KeyspaceEvents.STRING, "set");
    }
    c.server.keyspace.stats().dirty += (r.argc - 1) / 2;
    if (nx) {
      c.reply.integer(1);
    } else {
      c.reply.ok();
    }
  }
}
