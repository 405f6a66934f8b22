package io.cinnabar.commands;

import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.zset.MemberVisitor;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Doubles;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** ZRANDMEMBER and ZSCAN (Redis's zrandmemberCommand and scanGenericCommand for zsets). */
final class ZRandScan {
  private ZRandScan() {}

  private static final byte[] WITHSCORES = Bytes.ascii("withscores");
  private static final byte[] EMPTY_SCAN = Bytes.ascii("*2\r\n$1\r\n0\r\n*0\r\n");

  static void zrandmember(Client c) {
    Request r = c.req;
    Reply out = c.reply;
    if (r.argc == 2) {
      ZSet z = SortedSetCommands.readOrReply(c, 1, out::nullBulk);
      if (z != null) {
        z.random((b, o, l, s) -> out.bulk(b, o, l));
      }
      return;
    }
    if (!HashRandomScan.randomCountOk(c, WITHSCORES)) {
      return;
    }
    long l = Args.toLong(r, 2);
    boolean withScores = r.argc == 4;
    ZSet z = SortedSetCommands.readOrReply(c, 1, out::emptyArray);
    if (z == null) {
      return;
    }
    if (l == 0) {
      out.emptyArray();
      return;
    }
    boolean pairs = withScores && out.protocol() > 2;
    MemberVisitor emit =
        (b, o, len, s) -> {
          if (pairs) {
            out.array(2);
          }
          out.bulk(b, o, len);
          if (withScores) {
            SortedSetCommands.score(out, s);
          }
        };
    if (l < 0) {
      long count = -l;
      out.array(withScores && !pairs ? count * 2 : count);
      for (long i = 0; i < count; i++) {
        z.random(emit);
      }
      return;
    }
    int size = z.size();
    if (l >= size) {
      ZRangeCommands.reply(out, z, 0, size - 1, true, withScores); // Redis walks from the tail
      return;
    }
    int count = (int) l;
    int[] chosen = HashRandomScan.distinctIndexes(count, size);
    Arrays.sort(chosen); // emitted in ascending rank order
    out.array(withScores && !pairs ? count * 2L : count);
    for (int rank : chosen) {
      z.range(rank, rank, false, emit);
    }
  }

  /** ZSCAN key cursor [MATCH pattern] [COUNT count]. */
  static void zscan(Client c) {
    long[] cursorOut = new long[1];
    if (!ScanCommands.parseCursorOrReply(c, 2, cursorOut)) {
      return;
    }
    Request r = c.req;
    ZSet z = SortedSetCommands.readOrReply(c, 1, () -> c.reply.raw(EMPTY_SCAN));
    if (z == null) {
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
    MemberVisitor collect =
        (b, off, len, s) -> {
          seen[0] += 2;
          if (!usePattern || Glob.match(r.bufs[pi], r.offs[pi], r.lens[pi], b, off, len, false)) {
            items.add(Arrays.copyOfRange(b, off, off + len));
            items.add(Doubles.format(s));
          }
        };
    long cursor = cursorOut[0];
    if (z.isListpack()) {
      cursor = z.scanStep(cursor, collect);
    } else {
      long maxIterations = count * 10;
      do {
        cursor = z.scanStep(cursor, collect);
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
