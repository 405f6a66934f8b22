package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Numbers;

/** String commands (Redis's t_string.c). Values are byte[]; the encoding is tracked as Redis's. */
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
  }

  /** The encoding Redis's tryObjectEncoding gives a string value. */
  public static byte encodingFor(byte[] v) {
    if (v.length <= 20 && Numbers.isLong(v, 0, v.length)) {
      return ValueType.ENC_INT;
    }
    return v.length <= ValueType.EMBSTR_LIMIT ? ValueType.ENC_EMBSTR : ValueType.ENC_RAW;
  }

  static void get(Client c) {
    Request r = c.req;
    Entry e = c.db.lookupRead(r.bufs[1], r.offs[1], r.lens[1], c.server.now(), c.server.lruClock());
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

  static final int F_NX = 1;
  static final int F_XX = 2;
  static final int F_GET = 4;
  static final int F_KEEPTTL = 8;
  static final int F_EX = 16;
  static final int F_PX = 32;
  static final int F_EXAT = 64;
  static final int F_PXAT = 128;
  static final int F_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

  /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]. */
  static void set(Client c) {
    Request r = c.req;
    int flags = 0;
    int expireArg = -1;
    for (int i = 3; i < r.argc; i++) {
      boolean hasNext = i + 1 < r.argc;
      if (r.is(i, NX) && (flags & F_XX) == 0) {
        flags |= F_NX;
      } else if (r.is(i, XX) && (flags & F_NX) == 0) {
        flags |= F_XX;
      } else if (r.is(i, GET)) {
        flags |= F_GET;
      } else if (r.is(i, KEEPTTL) && (flags & F_EXPIRE) == 0) {
        flags |= F_KEEPTTL;
      } else if (hasNext && (flags & (F_EXPIRE | F_KEEPTTL)) == 0 && expireFlag(r, i) != 0) {
        flags |= expireFlag(r, i);
        expireArg = ++i;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    long when = -1;
    if (expireArg > 0) {
      when = expireAtOrReply(c, expireArg, flags, "set");
      if (when < 0) {
        return;
      }
    }
    setGeneric(c, r, flags, when);
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

  /** The shared body of SET and its variants. {@code when} is an absolute ms expiry or -1. */
  static void setGeneric(Client c, Request r, int flags, long when) {
    Database db = c.db;
    long now = c.server.now();
    Entry e = db.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now);
    if ((flags & F_GET) != 0) {
      if (e != null && e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      if (e == null) {
        c.reply.nullBulk();
      } else {
        c.reply.bulk((byte[]) e.value());
      }
    }
    if (((flags & F_NX) != 0 && e != null) || ((flags & F_XX) != 0 && e == null)) {
      if ((flags & F_GET) == 0) {
        c.reply.nullBulk();
      }
      return;
    }
    byte[] value = r.copy(2);
    byte enc = encodingFor(value);
    if (e == null) {
      e = db.add(r.copy(1), value, ValueType.STRING, enc, c.server.lruClock());
    } else {
      db.overwrite(e, value, ValueType.STRING, enc);
      if ((flags & F_KEEPTTL) == 0 && e.expireAt() >= 0) {
        e = db.persist(e);
      }
    }
    if (when >= 0) {
      db.setExpire(e, when);
    }
    c.server.keyspace.stats().dirty++;
    if ((flags & F_GET) == 0) {
      c.reply.ok();
    }
  }
}
