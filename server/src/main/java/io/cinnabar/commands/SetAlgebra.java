package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keynum;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.util.Bytes;
import java.util.Arrays;
import java.util.Comparator;

/**
 * SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD (t_set.c sinterGenericCommand and
 * sunionDiffGenericCommand). Every source key is type-checked before anything is computed; a
 * missing key is an empty set. Results are built with setTypeAdd semantics from an empty intset, so
 * a stored result gets the encoding Redis would give it.
 */
final class SetAlgebra {
  private SetAlgebra() {}

  private static final byte[] LIMIT = Bytes.ascii("limit");
  private static final byte[] NUMKEYS = Bytes.ascii("ERR numkeys should be greater than 0");
  private static final byte[] TOO_MANY_KEYS =
      Bytes.ascii("ERR Number of keys can't be greater than number of args");
  private static final byte[] LIMIT_NEGATIVE = Bytes.ascii("ERR LIMIT can't be negative");

  static void register(CommandTable t) {
    read(t, "sinter", SetAlgebra::sinter);
    read(t, "sunion", c -> unionDiff(c, 1, null, true));
    read(t, "sdiff", c -> unionDiff(c, 1, null, false));
    store(t, "sinterstore", "RW update", SetAlgebra::sinterstore);
    store(t, "sunionstore", "OW update", c -> unionDiff(c, 2, "sunionstore", true));
    store(t, "sdiffstore", "OW update", c -> unionDiff(c, 2, "sdiffstore", false));
    t.add(
        command("sintercard", -3)
            .flags("readonly movablekeys")
            .acl("set")
            .keys(keynum("RO access", 1, 0, 1, 1))
            .doc(
                "Intersect multiple sets and return the cardinality of the result",
                "7.0.0",
                "set",
                "O(N*M) worst case where N is the cardinality of the smallest set and M is the"
                    + " number of sets.")
            .handler(SetAlgebra::sintercard));
  }

  private static void read(CommandTable t, String name, CommandHandler h) {
    t.add(
        command(name, -2)
            .flags("readonly")
            .acl("set")
            .keys(range("RO access", 1, -1, 1, 0))
            .tips("nondeterministic_output_order")
            .doc(SetCommands.doc(name)[0], "1.0.0", "set", SetCommands.doc(name)[2])
            .handler(h));
  }

  private static void store(CommandTable t, String name, String dstSpec, CommandHandler h) {
    t.add(
        command(name, -3)
            .flags("write denyoom")
            .acl("set")
            .keys(single(dstSpec, 1), range("RO access", 2, -1, 1, 0))
            .doc(SetCommands.doc(name)[0], "1.0.0", "set", SetCommands.doc(name)[2])
            .handler(h));
  }

  /**
   * The sets at arguments [from, to): missing keys are null. Null after replying WRONGTYPE. Keys
   * are looked up for writing when the command stores (as Redis, which then skips the hit stats).
   */
  private static SetValue[] sources(Client c, int from, int to, boolean write) {
    SetValue[] sets = new SetValue[to - from];
    for (int i = from; i < to; i++) {
      Entry e = write ? StringCommands.lookupWrite(c, i) : StringCommands.lookupRead(c, i);
      if (e == null) {
        continue;
      }
      if (e.type() != ValueType.SET) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return null;
      }
      sets[i - from] = (SetValue) e.value();
    }
    return sets;
  }

  private interface Sink {
    /** Takes one member of the intersection; false stops the walk. */
    boolean take(byte[] b, int off, int len);
  }

  /** Walks the intersection in the smallest set's order; returns false if some set is missing. */
  private static boolean intersect(SetValue[] sets, Sink sink) {
    for (SetValue s : sets) {
      if (s == null) {
        return false;
      }
    }
    SetValue[] sorted = sets.clone();
    Arrays.sort(sorted, Comparator.comparingInt(SetValue::size));
    boolean[] stop = {false};
    sorted[0].forEach(
        (b, o, l) -> {
          if (stop[0]) {
            return;
          }
          for (int k = 1; k < sorted.length; k++) {
            if (!sorted[k].contains(b, o, l)) {
              return;
            }
          }
          if (!sink.take(b, o, l)) {
            stop[0] = true;
          }
        });
    return true;
  }

  /** SINTER and SMEMBERS (which Redis 7.0 runs as a one-key SINTER). */
  static void sinter(Client c) {
    SetValue[] sets = sources(c, 1, c.req.argc, false);
    if (sets == null) {
      return;
    }
    if (sets.length == 1 && sets[0] != null) {
      // One set: its members straight into the reply, without a copy of each first.
      Reply r = c.reply;
      r.set(sets[0].size());
      sets[0].forEach(r::bulk);
      return;
    }
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    intersect(
        sets,
        (b, o, l) -> {
          out.add(Arrays.copyOfRange(b, o, o + l));
          return true;
        });
    Reply r = c.reply;
    r.set(out.size());
    for (byte[] m : out) {
      r.bulk(m);
    }
  }

  static void sinterstore(Client c) {
    SetValue[] sets = sources(c, 2, c.req.argc, true);
    if (sets == null) {
      return;
    }
    SetValue result = SetValue.intset();
    long max = SetCommands.maxIntset(c);
    intersect(
        sets,
        (b, o, l) -> {
          result.add(b, o, l, max);
          return true;
        });
    SetCommands.storeOrDelete(c, c.req.copy(1), result, "sinterstore");
    c.reply.integer(result.size());
  }

  static void sintercard(Client c) {
    Request r = c.req;
    long numkeys = longOrMinusOne(r, 1);
    if (numkeys < 1) {
      c.reply.errorBytes(NUMKEYS);
      return;
    }
    if (numkeys > r.argc - 2) {
      c.reply.errorBytes(TOO_MANY_KEYS);
      return;
    }
    long limit = 0;
    for (int j = 2 + (int) numkeys; j < r.argc; j++) {
      if (r.is(j, LIMIT) && j + 1 < r.argc) {
        j++;
        limit = longOrMinusOne(r, j);
        if (limit < 0) {
          c.reply.errorBytes(LIMIT_NEGATIVE);
          return;
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    SetValue[] sets = sources(c, 2, 2 + (int) numkeys, false);
    if (sets == null) {
      return;
    }
    long lim = limit;
    long[] n = {0};
    intersect(
        sets,
        (b, o, l) -> {
          n[0]++;
          return lim == 0 || n[0] < lim;
        });
    c.reply.integer(n[0]);
  }

  /** SUNION, SDIFF and (dstEvent != null) their STORE forms; sources start at {@code from}. */
  static void unionDiff(Client c, int from, String dstEvent, boolean union) {
    SetValue[] sets = sources(c, from, c.req.argc, dstEvent != null);
    if (sets == null) {
      return;
    }
    SetValue result = SetValue.intset();
    long max = SetCommands.maxIntset(c);
    if (union) {
      for (SetValue s : sets) {
        if (s != null) {
          s.forEach((b, o, l) -> result.add(b, o, l, max));
        }
      }
    } else if (sets[0] != null) {
      sets[0].forEach(
          (b, o, l) -> {
            for (int k = 1; k < sets.length; k++) {
              if (sets[k] != null && (sets[k] == sets[0] || sets[k].contains(b, o, l))) {
                return;
              }
            }
            result.add(b, o, l, max);
          });
    }
    if (dstEvent != null) {
      SetCommands.storeOrDelete(c, c.req.copy(1), result, dstEvent);
      c.reply.integer(result.size());
      return;
    }
    Reply r = c.reply;
    r.set(result.size());
    result.forEach(r::bulk);
  }

  /** The argument as a long, or -1 when it is not one (both errors here are "negative"). */
  private static long longOrMinusOne(Request r, int i) {
    return io.cinnabar.util.Numbers.parseLongOr(r.bufs[i], r.offs[i], r.lens[i], -1);
  }
}
