package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SPOP, SRANDMEMBER (t_set.c, with Redis 7.0's count cases) and SSCAN (db.c for sets). */
final class SetRandomScan {
  private SetRandomScan() {}

  /** Redis's SPOP_MOVE_STRATEGY_MUL: when to rebuild the set instead of popping one by one. */
  private static final int SPOP_MOVE_STRATEGY_MUL = 5;

  private static final byte[] MUST_BE_POSITIVE =
      Bytes.ascii("ERR value is out of range, must be positive");
  private static final byte[] RANGE =
      Bytes.ascii(
          "ERR value is out of range, value must between -9223372036854775807 and"
              + " 9223372036854775807");
  private static final byte[] EMPTY_SCAN = Bytes.ascii("*2\r\n$1\r\n0\r\n*0\r\n");

  static void register(CommandTable t) {
    t.add(
        command("spop", -2)
            .flags("write fast")
            .acl("set")
            .keys(single("RW access delete", 1))
            .tips("nondeterministic_output")
            .doc(
                "Remove and return one or multiple random members from a set",
                "1.0.0",
                "set",
                "Without the count argument O(1), otherwise O(N) where N is the value of the"
                    + " passed count.")
            .handler(SetRandomScan::spop));
    t.add(
        command("srandmember", -2)
            .flags("readonly")
            .acl("set")
            .keys(single("RO access", 1))
            .tips("nondeterministic_output")
            .doc(
                "Get one or multiple random members from a set",
                "1.0.0",
                "set",
                "Without the count argument O(1), otherwise O(N) where N is the absolute value of"
                    + " the passed count.")
            .handler(SetRandomScan::srandmember));
    t.add(
        command("sscan", -3)
            .flags("readonly")
            .acl("set")
            .keys(single("RO access", 1))
            .tips("nondeterministic_output")
            .doc(
                "Incrementally iterate Set elements",
                "2.8.0",
                "set",
                "O(1) for every call. O(N) for a complete iteration, including enough command"
                    + " calls for the cursor to return back to 0. N is the number of elements"
                    + " inside the collection..")
            .handler(SetRandomScan::sscan));
  }

  static void spop(Client c) {
    Request r = c.req;
    if (r.argc == 3) {
      spopCount(c);
      return;
    }
    if (r.argc > 3) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    Entry e = SetCommands.writeTarget(c, 1);
    if (e == SetCommands.WRONG) {
      return;
    }
    if (e == null) {
      c.reply.nullBulk();
      return;
    }
    SetValue s = (SetValue) e.value();
    long before = s.memoryBytes();
    byte[] m = s.random().clone();
    s.remove(m);
    byte[] key = e.key();
    Propagate.as(c, Propagate.SREM, key, m);
    SetCommands.event(c, KeyspaceEvents.SET, "spop", key);
    if (s.size() == 0) {
      c.db.delete(e);
      SetCommands.event(c, KeyspaceEvents.GENERIC, "del", key);
    } else {
      SetCommands.changed(c, e, s, before);
    }
    c.server.signalModifiedKey(c.db, key);
    c.server.keyspace.stats().dirty++;
    c.reply.bulk(m);
  }

  private static void spopCount(Client c) {
    Request r = c.req;
    long count = io.cinnabar.util.Numbers.parseLongOr(r.bufs[2], r.offs[2], r.lens[2], -1);
    if (count < 0) {
      c.reply.errorBytes(MUST_BE_POSITIVE);
      return;
    }
    Entry e = SetCommands.writeTarget(c, 1);
    if (e == SetCommands.WRONG) {
      return;
    }
    if (e == null || count == 0) {
      c.reply.set(0);
      return;
    }
    SetValue s = (SetValue) e.value();
    int size = s.size();
    byte[] key = e.key();
    SetCommands.event(c, KeyspaceEvents.SET, "spop", key);
    c.server.keyspace.stats().dirty += Math.min(count, size);
    Reply out = c.reply;
    if (count >= size) {
      // Case 1: the whole set, replied as SUNION would, and the key goes.
      SetValue all = SetValue.intset();
      long max = SetCommands.maxIntset(c);
      s.forEach((b, o, l) -> all.add(b, o, l, max));
      out.set(all.size());
      all.forEach(out::bulk);
      c.db.delete(e);
      Propagate.as(c, Propagate.DEL, key);
      SetCommands.event(c, KeyspaceEvents.GENERIC, "del", key);
      c.server.signalModifiedKey(c.db, key);
      return;
    }
    long before = s.memoryBytes();
    long remaining = size - count;
    out.set(count);
    if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
      // Case 2: few to pop, pop them one by one.
      for (long i = 0; i < count; i++) {
        byte[] m = s.random().clone();
        s.remove(m);
        out.bulk(m);
        Propagate.also(c, Propagate.SREM, key, m);
      }
      SetCommands.changed(c, e, s, before);
    } else {
      // Case 3: most go; move the few that stay into a new set (setTypeCreate from the first,
      // so a hashtable of integers becomes an intset again) and reply what is left behind.
      long max = SetCommands.maxIntset(c);
      SetValue kept = null;
      for (long i = 0; i < remaining; i++) {
        byte[] m = s.random().clone();
        if (kept == null) {
          kept = SetValue.createFor(m, 0, m.length);
        }
        kept.add(m, max);
        s.remove(m);
      }
      boolean on = Propagate.on(c);
      s.forEach(
          (b, o, l) -> {
            out.bulk(b, o, l);
            if (on) {
              Propagate.also(c, Propagate.SREM, key, java.util.Arrays.copyOfRange(b, o, o + l));
            }
          });
      c.db.adjustMemory(s.memoryBytes() - before);
      c.db.overwrite(e, kept, e.type(), kept.encoding());
    }
    c.server.signalModifiedKey(c.db, key);
  }

  static void srandmember(Client c) {
    Request r = c.req;
    Reply out = c.reply;
    if (r.argc > 3) {
      out.errorBytes(Errors.SYNTAX);
      return;
    }
    if (r.argc == 2) {
      SetValue s = SetCommands.readOrReply(c, 1, out::nullBulk);
      if (s != null) {
        out.bulk(s.random());
      }
      return;
    }
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long l = Args.toLong(r, 2);
    if (l == Long.MIN_VALUE) {
      out.errorBytes(RANGE);
      return;
    }
    SetValue s = SetCommands.readOrReply(c, 1, out::emptyArray);
    if (s == null) {
      return;
    }
    if (l == 0) {
      out.emptyArray();
      return;
    }
    if (l < 0 || l == 1) {
      long count = Math.abs(l);
      out.array(count);
      for (long i = 0; i < count; i++) {
        out.bulk(s.random());
      }
      return;
    }
    int size = s.size();
    if (l >= size) {
      out.array(size);
      s.forEach(out::bulk);
      return;
    }
    int count = (int) l;
    if (count * 3L <= size) {
      // Few of many (Redis's case 4): draw until enough distinct members.
      java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
      out.array(count);
      while (seen.size() < count) {
        byte[] m = s.random();
        if (seen.add(java.nio.ByteBuffer.wrap(m))) {
          out.bulk(m);
        }
      }
      return;
    }
    // Most of them (case 3): a partial Fisher-Yates over the member list.
    byte[][] all = s.toArray();
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    out.array(count);
    for (int i = 0; i < count; i++) {
      int j = i + rnd.nextInt(size - i);
      byte[] t = all[i];
      all[i] = all[j];
      all[j] = t;
      out.bulk(all[i]);
    }
  }

  /** SSCAN key cursor [MATCH pattern] [COUNT count]. */
  static void sscan(Client c) {
    long[] cursorOut = new long[1];
    if (!ScanCommands.parseCursorOrReply(c, 2, cursorOut)) {
      return;
    }
    Request r = c.req;
    SetValue s = SetCommands.readOrReply(c, 1, () -> c.reply.raw(EMPTY_SCAN));
    if (s == null) {
      return;
    }
    ScanOptions o = ScanOptions.parseOrReply(c, 3, false);
    if (o == null) {
      return;
    }
    long count = o.count();
    int pi = o.matchArg();
    boolean usePattern = pi > 0 && !(r.lens[pi] == 1 && r.bufs[pi][r.offs[pi]] == '*');
    List<byte[]> items = new ArrayList<>();
    long[] seen = {0};
    io.cinnabar.type.set.MemberVisitor collect =
        (b, off, len) -> {
          seen[0]++;
          if (!usePattern || Glob.match(r.bufs[pi], r.offs[pi], r.lens[pi], b, off, len, false)) {
            items.add(Arrays.copyOfRange(b, off, off + len));
          }
        };
    long cursor = cursorOut[0];
    if (s.isIntset()) {
      cursor = s.scanStep(cursor, collect);
    } else {
      long maxIterations = count * 10;
      do {
        cursor = s.scanStep(cursor, collect);
      } while (cursor != 0 && maxIterations-- != 0 && seen[0] < count);
    }
    c.reply.array(2);
    c.reply.bulk(Bytes.ascii(Long.toUnsignedString(cursor)));
    c.reply.array(items.size());
    for (byte[] b : items) {
      c.reply.bulk(b);
    }
  }
}
