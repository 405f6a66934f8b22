package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.hash.Hash;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Glob;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** HRANDFIELD (t_hash.c hrandfieldCommand) and HSCAN (db.c scanGenericCommand for hashes). */
final class HashRandomScan {
  private HashRandomScan() {}

  private static final byte[] WITHVALUES = Bytes.ascii("withvalues");
  private static final byte[] RANGE =
      Bytes.ascii(
          "ERR value is out of range, value must between -9223372036854775807 and"
              + " 9223372036854775807");
  private static final byte[] OUT_OF_RANGE = Bytes.ascii("ERR value is out of range");
  private static final byte[] EMPTY_SCAN = Bytes.ascii("*2\r\n$1\r\n0\r\n*0\r\n");

  static void register(CommandTable t) {
    t.add(
        command("hrandfield", -2)
            .flags("readonly")
            .acl("hash")
            .keys(single("RO access", 1))
            .tips("nondeterministic_output")
            .doc(
                "Get one or multiple random fields from a hash",
                "6.2.0",
                "hash",
                "O(N) where N is the number of fields returned")
            .handler(HashRandomScan::hrandfield));
    t.add(
        command("hscan", -3)
            .flags("readonly")
            .acl("hash")
            .keys(single("RO access", 1))
            .tips("nondeterministic_output")
            .doc(
                "Incrementally iterate hash fields and associated values",
                "2.8.0",
                "hash",
                "O(1) for every call. O(N) for a complete iteration, including enough command"
                    + " calls for the cursor to return back to 0. N is the number of elements"
                    + " inside the collection..")
            .handler(HashRandomScan::hscan));
  }

  /**
   * The count argument of HRANDFIELD/ZRANDMEMBER key count [WITHVALUES|WITHSCORES] (argument 2, the
   * option {@code with} as argument 3), checked in Redis's order; false after replying.
   */
  static boolean randomCountOk(Client c, byte[] with) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2)) {
      return false;
    }
    long l = Args.toLong(r, 2);
    if (l == Long.MIN_VALUE) {
      c.reply.errorBytes(RANGE);
      return false;
    }
    if (r.argc > 4 || (r.argc == 4 && !r.is(3, with))) {
      c.reply.errorBytes(Errors.SYNTAX);
      return false;
    }
    if (r.argc == 4 && (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2)) {
      c.reply.errorBytes(OUT_OF_RANGE);
      return false;
    }
    return true;
  }

  static void hrandfield(Client c) {
    Request r = c.req;
    Reply out = c.reply;
    if (r.argc == 2) {
      Hash h = HashCommands.readOrReply(c, out::nullBulk);
      if (h != null) {
        h.random((fb, fo, fl, vb, vo, vl) -> out.bulk(fb, fo, fl));
      }
      return;
    }
    if (!randomCountOk(c, WITHVALUES)) {
      return;
    }
    long l = Args.toLong(r, 2);
    boolean withValues = r.argc == 4;
    Hash h = HashCommands.readOrReply(c, out::emptyArray);
    if (h == null) {
      return;
    }
    if (l == 0) {
      out.emptyArray();
      return;
    }
    boolean pairs = withValues && out.protocol() > 2;
    io.cinnabar.type.hash.PairVisitor emit =
        (fb, fo, fl, vb, vo, vl) -> {
          if (pairs) {
            out.array(2);
          }
          out.bulk(fb, fo, fl);
          if (withValues) {
            out.bulk(vb, vo, vl);
          }
        };
    if (l < 0) {
      long count = -l;
      out.array(withValues && !pairs ? count * 2 : count);
      for (long i = 0; i < count; i++) {
        h.random(emit);
      }
      return;
    }
    int size = h.size();
    int count = (int) Math.min(l, size);
    out.array(withValues && !pairs ? count * 2L : count);
    if (!h.isListpack() && count * 3L <= size) {
      // Few of many (Redis's case 4): random picks until count distinct ones, O(count).
      Set<ByteBuffer> seen = new HashSet<>();
      while (seen.size() < count) {
        h.random(
            (fb, fo, fl, vb, vo, vl) -> {
              if (seen.add(ByteBuffer.wrap(Arrays.copyOfRange(fb, fo, fo + fl)))) {
                emit.visit(fb, fo, fl, vb, vo, vl);
              }
            });
      }
      return;
    }
    // Choose which positions to return; emit them in iteration order (as Redis's listpack case).
    boolean[] chosen = new boolean[size];
    for (int i : distinctIndexes(count, size)) {
      chosen[i] = true;
    }
    int[] pos = {0};
    h.forEach(
        (fb, fo, fl, vb, vo, vl) -> {
          if (chosen[pos[0]++]) {
            emit.visit(fb, fo, fl, vb, vo, vl);
          }
        });
  }

  /**
   * {@code count} distinct random integers below {@code size} (count at most size), unordered: a
   * partial Fisher-Yates over all of them when count is a large part of size, else random draws
   * into a set, so a few out of millions cost a few, not millions.
   */
  static int[] distinctIndexes(int count, int size) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int[] out = new int[count];
    if (count * 3L > size) {
      int[] idx = new int[size];
      for (int i = 0; i < size; i++) {
        idx[i] = i;
      }
      for (int i = 0; i < count; i++) {
        int j = i + rnd.nextInt(size - i);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      System.arraycopy(idx, 0, out, 0, count);
      return out;
    }
    Set<Integer> seen = new HashSet<>();
    for (int n = 0; n < count; ) {
      int v = rnd.nextInt(size);
      if (seen.add(v)) {
        out[n++] = v;
      }
    }
    return out;
  }

  /** HSCAN key cursor [MATCH pattern] [COUNT count]. */
  static void hscan(Client c) {
    long[] cursorOut = new long[1];
    if (!ScanCommands.parseCursorOrReply(c, 2, cursorOut)) {
      return;
    }
    Request r = c.req;
    Hash h = HashCommands.readOrReply(c, () -> c.reply.raw(EMPTY_SCAN));
    if (h == null) {
      return;
    }
    ScanOptions o = ScanOptions.parseOrReply(c, 3, false);
    if (o == null) {
      return;
    }
    long count = o.count();
    int patIdx = o.matchArg();
    boolean usePattern =
        patIdx > 0 && !(r.lens[patIdx] == 1 && r.bufs[patIdx][r.offs[patIdx]] == '*');
    List<byte[]> items = new ArrayList<>();
    int pi = patIdx;
    io.cinnabar.type.hash.PairVisitor collect =
        (fb, fo, fl, vb, vo, vl) -> {
          if (!usePattern || Glob.match(r.bufs[pi], r.offs[pi], r.lens[pi], fb, fo, fl, false)) {
            items.add(Arrays.copyOfRange(fb, fo, fo + fl));
            items.add(Arrays.copyOfRange(vb, vo, vo + vl));
          }
        };
    long cursor = cursorOut[0];
    if (h.isListpack()) {
      cursor = h.scanStep(cursor, collect);
    } else {
      // Redis counts fields and values against COUNT, before filtering by pattern.
      long maxIterations = count * 10;
      long[] seen = {0};
      io.cinnabar.type.hash.PairVisitor counting =
          (fb, fo, fl, vb, vo, vl) -> {
            seen[0] += 2;
            collect.visit(fb, fo, fl, vb, vo, vl);
          };
      do {
        cursor = h.scanStep(cursor, counting);
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
