package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.LongDouble;
import io.cinnabar.util.Numbers;

/** The counter commands: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT. */
final class StringNumbers {
  private StringNumbers() {}

  private static final byte[] NAN_OR_INF =
      Bytes.ascii("ERR increment would produce NaN or Infinity");
  private static final byte[] DECREMENT_OVERFLOW = Bytes.ascii("ERR decrement would overflow");

  static void register(CommandTable t) {
    t.add(
        command("incr", 2)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc("Increment the integer value of a key by one", "1.0.0", "string", "O(1)")
            .handler(c -> incrDecr(c, 1)));
    t.add(
        command("decr", 2)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc("Decrement the integer value of a key by one", "1.0.0", "string", "O(1)")
            .handler(c -> incrDecr(c, -1)));
    t.add(
        command("incrby", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc(
                "Increment the integer value of a key by the given amount",
                "1.0.0",
                "string",
                "O(1)")
            .handler(StringNumbers::incrby));
    t.add(
        command("decrby", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc(
                "Decrement the integer value of a key by the given number",
                "1.0.0",
                "string",
                "O(1)")
            .handler(StringNumbers::decrby));
    t.add(
        command("incrbyfloat", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW access update", 1))
            .doc(
                "Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)")
            .handler(StringNumbers::incrbyfloat));
  }

  static void incrby(Client c) {
    if (Args.longOrReply(c, 2)) {
      incrDecr(c, Args.toLong(c.req, 2));
    }
  }

  static void decrby(Client c) {
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long v = Args.toLong(c.req, 2);
    if (v == Long.MIN_VALUE) {
      c.reply.errorBytes(DECREMENT_OVERFLOW);
      return;
    }
    incrDecr(c, -v);
  }

  /**
   * Adds {@code incr} to the integer at the key (0 if missing); the result is int-encoded. When the
   * new value has as many digits as the old one it is written over the old bytes: string values are
   * never shared (COPY clones, replies copy), so a counter updates without allocating.
   */
  static void incrDecr(Client c, long incr) {
    Entry e = StringCommands.lookupWrite(c, 1);
    long value = 0;
    byte[] old = null;
    if (e != null) {
      if (e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      old = (byte[]) e.value();
      value = Numbers.parseLongOr(old, 0, old.length, Long.MIN_VALUE);
      if (value == Long.MIN_VALUE && !Numbers.isLong(old, 0, old.length)) {
        c.reply.errorBytes(Errors.NOT_INTEGER);
        return;
      }
    }
    if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
        || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
      c.reply.errorBytes(Errors.OVERFLOW);
      return;
    }
    value += incr;
    if (old != null
        && e.encoding() == ValueType.ENC_INT
        && Numbers.longLength(value) == old.length) {
      Numbers.writeLong(value, old, 0);
    } else {
      StringCommands.store(c, e, 1, Numbers.toBytes(value), ValueType.ENC_INT, true);
    }
    c.server.keyspace.stats().dirty++;
    Notify.changedArg(c, 1, KeyspaceEvents.STRING, "incrby");
    c.reply.integer(value);
  }

  /** Long double arithmetic exactly as Redis (see {@link LongDouble}); the result is a string. */
  static void incrbyfloat(Client c) {
    Entry e = StringCommands.lookupWrite(c, 1);
    LongDouble value = LongDouble.ZERO;
    if (e != null) {
      if (e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      value = LongDouble.parse((byte[]) e.value());
    }
    LongDouble incr =
        value == null ? null : LongDouble.parse(c.req.bufs[2], c.req.offs[2], c.req.lens[2]);
    if (incr == null) {
      c.reply.errorBytes(Errors.NOT_FLOAT);
      return;
    }
    LongDouble sum = value.add(incr);
    if (sum == null || !sum.isFinite()) {
      c.reply.errorBytes(NAN_OR_INF);
      return;
    }
    byte[] out = sum.toHumanBytes();
    byte enc = out.length <= ValueType.EMBSTR_LIMIT ? ValueType.ENC_EMBSTR : ValueType.ENC_RAW;
    StringCommands.store(c, e, 1, out, enc, true);
    c.server.keyspace.stats().dirty++;
    Notify.changedArg(c, 1, KeyspaceEvents.STRING, "incrbyfloat");
    if (Propagate.on(c)) {
      Propagate.as(c, Propagate.SET, Propagate.arg(c, 1), out, Propagate.KEEPTTL);
    }
    c.reply.bulk(out);
  }
}
