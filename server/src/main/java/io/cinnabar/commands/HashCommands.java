package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.hash.Hash;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.LongDouble;
import io.cinnabar.util.Numbers;

/**
 * Hash commands (Redis's t_hash.c). Values are {@link Hash}es; the entry's encoding follows the
 * hash's so OBJECT ENCODING matches. HRANDFIELD and HSCAN live in {@link HashRandomScan}.
 */
public final class HashCommands {
  private HashCommands() {}

  private static final byte[] NOT_INTEGER = Bytes.ascii("ERR hash value is not an integer");
  private static final byte[] NOT_FLOAT = Bytes.ascii("ERR hash value is not a float");
  private static final byte[] NAN_INCR = Bytes.ascii("ERR value is NaN or Infinity");
  private static final byte[] NAN_RESULT =
      Bytes.ascii("ERR increment would produce NaN or Infinity");

  public static void register(CommandTable t) {
    write(
        t,
        "hset",
        -4,
        "write denyoom fast",
        "RW update",
        "Set the string value of a hash field",
        "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command"
            + " is called with multiple field/value pairs.",
        c -> hset(c, false));
    write(
        t,
        "hsetnx",
        4,
        "write denyoom fast",
        "RW insert",
        "Set the value of a hash field, only if the field does not exist",
        "O(1)",
        HashCommands::hsetnx);
    write(
        t,
        "hmset",
        -4,
        "write denyoom fast",
        "RW update",
        "Set multiple hash fields to multiple values",
        "O(N) where N is the number of fields being set.",
        c -> hset(c, true));
    write(
        t,
        "hdel",
        -3,
        "write fast",
        "RW delete",
        "Delete one or more hash fields",
        "O(N) where N is the number of fields to be removed.",
        HashCommands::hdel);
    write(
        t,
        "hincrby",
        4,
        "write denyoom fast",
        "RW access update",
        "Increment the integer value of a hash field by the given number",
        "O(1)",
        HashCommands::hincrby);
    t.add(
        command("hincrbyfloat", 4)
            .flags("write denyoom fast")
            .acl("hash")
            .keys(single("RW access update", 1))
            .doc(
                "Increment the float value of a hash field by the given amount",
                "2.6.0",
                "hash",
                "O(1)")
            .handler(HashCommands::hincrbyfloat));
    read(
        t,
        "hget",
        3,
        "readonly fast",
        "RO access",
        "Get the value of a hash field",
        "O(1)",
        HashCommands::hget);
    read(
        t,
        "hmget",
        -3,
        "readonly fast",
        "RO access",
        "Get the values of all the given hash fields",
        "O(N) where N is the number of fields being requested.",
        HashCommands::hmget);
    read(
        t,
        "hlen",
        2,
        "readonly fast",
        "RO",
        "Get the number of fields in a hash",
        "O(1)",
        HashCommands::hlen);
    t.add(
        command("hstrlen", 3)
            .flags("readonly fast")
            .acl("hash")
            .keys(single("RO", 1))
            .doc("Get the length of the value of a hash field", "3.2.0", "hash", "O(1)")
            .handler(HashCommands::hstrlen));
    read(
        t,
        "hexists",
        3,
        "readonly fast",
        "RO",
        "Determine if a hash field exists",
        "O(1)",
        HashCommands::hexists);
    all(t, "hgetall", "Get all the fields and values in a hash", c -> getAll(c, true, true));
    all(t, "hkeys", "Get all the fields in a hash", c -> getAll(c, true, false));
    all(t, "hvals", "Get all the values in a hash", c -> getAll(c, false, true));
    HashRandomScan.register(t);
  }

  private static void write(
      CommandTable t,
      String name,
      int arity,
      String flags,
      String spec,
      String summary,
      String complexity,
      io.cinnabar.command.CommandHandler h) {
    t.add(
        command(name, arity)
            .flags(flags)
            .acl("hash")
            .keys(single(spec, 1))
            .doc(summary, "2.0.0", "hash", complexity)
            .handler(h));
  }

  private static void read(
      CommandTable t,
      String name,
      int arity,
      String flags,
      String spec,
      String summary,
      String complexity,
      io.cinnabar.command.CommandHandler h) {
    write(t, name, arity, flags, spec, summary, complexity, h);
  }

  private static void all(
      CommandTable t, String name, String summary, io.cinnabar.command.CommandHandler h) {
    t.add(
        command(name, 2)
            .flags("readonly")
            .acl("hash")
            .keys(single("RO access", 1))
            .tips("nondeterministic_output_order")
            .doc(summary, "2.0.0", "hash", "O(N) where N is the size of the hash.")
            .handler(h));
  }

  /** The hash at argument 1 for reading: null after replying (missing or wrong type). */
  static Hash readOrReply(Client c, Runnable missing) {
    Entry e = StringCommands.lookupRead(c, 1);
    if (e == null) {
      missing.run();
      return null;
    }
    if (e.type() != ValueType.HASH) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return null;
    }
    return (Hash) e.value();
  }

  static long maxEntries(Client c) {
    return c.server.config.hashMaxListpackEntries;
  }

  static long maxValue(Client c) {
    return c.server.config.hashMaxListpackValue;
  }

  /**
   * The entry at argument 1 for writing, or null if missing; replies WRONGTYPE and returns {@link
   * #WRONG} if it is not a hash.
   */
  private static final Entry WRONG = new Entry(Bytes.EMPTY, null, (byte) -1, (byte) 0);

  private static Entry writeTarget(Client c) {
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e != null && e.type() != ValueType.HASH) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return WRONG;
    }
    return e;
  }

  /** Stores a hash that was changed: adds it if new, else accounts its size change. */
  private static void commit(Client c, Entry e, Hash h, long before) {
    if (e == null) {
      c.db.add(c.req.copy(1), h, ValueType.HASH, h.encoding(), c.server.lruClock());
    } else {
      c.db.adjustMemory(h.memoryBytes() - before);
      e.setEncoding(h.encoding());
    }
  }

  private static boolean set(Client c, Hash h, int fi, int vi, long maxEntries, long maxValue) {
    Request r = c.req;
    return h.set(
        r.bufs[fi],
        r.offs[fi],
        r.lens[fi],
        r.bufs[vi],
        r.offs[vi],
        r.lens[vi],
        maxEntries,
        maxValue);
  }

  static void hset(Client c, boolean hmset) {
    Request r = c.req;
    if (r.argc % 2 == 1) {
      c.reply.error(
          "ERR wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
      return;
    }
    Entry e = writeTarget(c);
    if (e == WRONG) {
      return;
    }
    Hash h = e == null ? new Hash() : (Hash) e.value();
    long before = e == null ? 0 : h.memoryBytes();
    long maxValue = maxValue(c);
    h.tryConversion(r.lens, 2, r.argc, maxValue);
    long maxEntries = maxEntries(c);
    int created = 0;
    for (int i = 2; i < r.argc; i += 2) {
      if (set(c, h, i, i + 1, maxEntries, maxValue)) {
        created++;
      }
    }
    commit(c, e, h, before);
    c.server.keyspace.stats().dirty += (r.argc - 2) / 2;
    Notify.changedArg(c, 1, io.cinnabar.config.KeyspaceEvents.HASH, "hset");
    if (hmset) {
      c.reply.ok();
    } else {
      c.reply.integer(created);
    }
  }

  static void hsetnx(Client c) {
    Request r = c.req;
    Entry e = writeTarget(c);
    if (e == WRONG) {
      return;
    }
    Hash h = e == null ? new Hash() : (Hash) e.value();
    if (h.contains(r.bufs[2], r.offs[2], r.lens[2])) {
      c.reply.integer(0);
      return;
    }
    long before = e == null ? 0 : h.memoryBytes();
    long maxValue = maxValue(c);
    h.tryConversion(r.lens, 2, 4, maxValue);
    set(c, h, 2, 3, maxEntries(c), maxValue);
    commit(c, e, h, before);
    c.server.keyspace.stats().dirty++;
    Notify.changedArg(c, 1, io.cinnabar.config.KeyspaceEvents.HASH, "hset");
    c.reply.integer(1);
  }

  static void hdel(Client c) {
    Request r = c.req;
    Entry e = writeTarget(c);
    if (e == WRONG) {
      return;
    }
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    Hash h = (Hash) e.value();
    long before = h.memoryBytes();
    int deleted = 0;
    for (int i = 2; i < r.argc; i++) {
      if (h.delete(r.bufs[i], r.offs[i], r.lens[i])) {
        deleted++;
        if (h.size() == 0) {
          break;
        }
      }
    }
    if (h.size() == 0) {
      c.db.delete(e);
    } else {
      commit(c, e, h, before);
    }
    c.server.keyspace.stats().dirty += deleted;
    if (deleted > 0) {
      Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.HASH, "hdel");
      if (h.size() == 0) {
        Notify.event(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "del");
      }
    }
    c.reply.integer(deleted);
  }

  /** The current value of the field at argument 2 (null if absent). */
  private static byte[] fieldValue(Client c, Hash h) {
    Request r = c.req;
    return h.get(r.bufs[2], r.offs[2], r.lens[2]);
  }

  private static void store(Client c, Entry e, Hash h, byte[] value) {
    Request r = c.req;
    long before = e == null ? 0 : h.memoryBytes();
    h.set(r.bufs[2], r.offs[2], r.lens[2], value, 0, value.length, maxEntries(c), maxValue(c));
    commit(c, e, h, before);
    c.server.keyspace.stats().dirty++;
  }

  static void hincrby(Client c) {
    if (!Args.longOrReply(c, 3)) {
      return;
    }
    long incr = Args.toLong(c.req, 3);
    Entry e = writeTarget(c);
    if (e == WRONG) {
      return;
    }
    Hash h = e == null ? new Hash() : (Hash) e.value();
    byte[] old = fieldValue(c, h);
    long value = 0;
    if (old != null) {
      if (!Numbers.isLong(old, 0, old.length)) {
        c.reply.errorBytes(NOT_INTEGER);
        return;
      }
      value = Numbers.parseLongOr(old, 0, old.length, 0);
    }
    if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
        || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
      c.reply.errorBytes(Errors.OVERFLOW);
      return;
    }
    value += incr;
    store(c, e, h, Numbers.toBytes(value));
    Notify.changedArg(c, 1, io.cinnabar.config.KeyspaceEvents.HASH, "hincrby");
    c.reply.integer(value);
  }

  static void hincrbyfloat(Client c) {
    Request r = c.req;
    LongDouble incr = LongDouble.parse(r.bufs[3], r.offs[3], r.lens[3]);
    if (incr == null) {
      c.reply.errorBytes(Errors.NOT_FLOAT);
      return;
    }
    if (!incr.isFinite()) {
      c.reply.errorBytes(NAN_INCR);
      return;
    }
    Entry e = writeTarget(c);
    if (e == WRONG) {
      return;
    }
    Hash h = e == null ? new Hash() : (Hash) e.value();
    byte[] old = fieldValue(c, h);
    LongDouble value = LongDouble.ZERO;
    if (old != null) {
      value = LongDouble.parse(old);
      if (value == null) {
        c.reply.errorBytes(NOT_FLOAT);
        return;
      }
    }
    LongDouble sum = value.add(incr);
    if (sum == null || !sum.isFinite()) {
      c.reply.errorBytes(NAN_RESULT);
      return;
    }
    byte[] out = sum.toHumanBytes();
    store(c, e, h, out);
    Notify.changedArg(c, 1, io.cinnabar.config.KeyspaceEvents.HASH, "hincrbyfloat");
    if (Propagate.on(c)) {
      Propagate.as(c, Propagate.HSET, Propagate.arg(c, 1), Propagate.arg(c, 2), out);
    }
    c.reply.bulk(out);
  }

  static void hget(Client c) {
    Reply out = c.reply;
    Hash h = readOrReply(c, out::nullBulk);
    if (h == null) {
      return;
    }
    Request r = c.req;
    if (!h.get(r.bufs[2], r.offs[2], r.lens[2], (fb, fo, fl, vb, vo, vl) -> out.bulk(vb, vo, vl))) {
      out.nullBulk();
    }
  }

  static void hmget(Client c) {
    Reply out = c.reply;
    Request r = c.req;
    Entry e = StringCommands.lookupRead(c, 1);
    if (e != null && e.type() != ValueType.HASH) {
      out.errorBytes(Errors.WRONGTYPE);
      return;
    }
    Hash h = e == null ? null : (Hash) e.value();
    out.array(r.argc - 2);
    for (int i = 2; i < r.argc; i++) {
      if (h == null
          || !h.get(
              r.bufs[i], r.offs[i], r.lens[i], (fb, fo, fl, vb, vo, vl) -> out.bulk(vb, vo, vl))) {
        out.nullBulk();
      }
    }
  }

  static void hlen(Client c) {
    Hash h = readOrReply(c, () -> c.reply.integer(0));
    if (h != null) {
      c.reply.integer(h.size());
    }
  }

  static void hstrlen(Client c) {
    Hash h = readOrReply(c, () -> c.reply.integer(0));
    if (h == null) {
      return;
    }
    Request r = c.req;
    if (!h.get(r.bufs[2], r.offs[2], r.lens[2], (fb, fo, fl, vb, vo, vl) -> c.reply.integer(vl))) {
      c.reply.integer(0);
    }
  }

  static void hexists(Client c) {
    Hash h = readOrReply(c, () -> c.reply.integer(0));
    if (h != null) {
      Request r = c.req;
      c.reply.integer(h.contains(r.bufs[2], r.offs[2], r.lens[2]) ? 1 : 0);
    }
  }

  static void getAll(Client c, boolean fields, boolean values) {
    Reply out = c.reply;
    Hash h =
        readOrReply(
            c,
            () -> {
              if (fields && values) {
                out.map(0);
              } else {
                out.emptyArray();
              }
            });
    if (h == null) {
      return;
    }
    if (fields && values) {
      out.map(h.size());
    } else {
      out.array(h.size());
    }
    h.forEach(
        (fb, fo, fl, vb, vo, vl) -> {
          if (fields) {
            out.bulk(fb, fo, fl);
          }
          if (values) {
            out.bulk(vb, vo, vl);
          }
        });
  }
}
