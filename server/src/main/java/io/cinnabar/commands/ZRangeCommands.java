package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Doubles;

/**
 * The range commands of sorted sets (Redis's zrangeGenericCommand and friends): ZRANGE in all its
 * forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*. Every range is resolved to an interval of
 * ascending ranks first, then walked in the requested direction.
 */
final class ZRangeCommands {
  private ZRangeCommands() {}

  static final int AUTO = 0;
  static final int RANK = 1;
  static final int SCORE = 2;
  static final int LEX = 3;

  private static final byte[] WITHSCORES = Bytes.ascii("withscores");
  private static final byte[] LIMIT = Bytes.ascii("limit");
  private static final byte[] REV = Bytes.ascii("rev");
  private static final byte[] BYLEX = Bytes.ascii("bylex");
  private static final byte[] BYSCORE = Bytes.ascii("byscore");
  private static final byte[] LIMIT_RANK =
      Bytes.ascii(
          "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  private static final byte[] LEX_SCORES =
      Bytes.ascii("ERR syntax error, WITHSCORES not supported in combination with BYLEX");

  /** A parsed score or lex interval (zrangespec / zlexrangespec). */
  static final class Spec {
    boolean lex;
    double min;
    double max;
    boolean minex;
    boolean maxex;
    int minKind; // lex: -1 for "-", 1 for "+", 0 for a value at argument minArg (+1 offset)
    int maxKind;
    int minArg;
    int maxArg;

    /**
     * zslIsInLexRange: false when the last member is below min or the first above max. It decides
     * the mixed-score cases where a plain count would not match Redis.
     */
    boolean lexMayOverlap(ZSet z, Request r) {
      if (!lex || z.size() == 0) {
        return true;
      }
      boolean[] ok = {true};
      z.range(z.size() - 1, z.size() - 1, false, (b, o, l, s) -> ok[0] = gteMin(b, o, l, r));
      z.range(0, 0, false, (b, o, l, s) -> ok[0] &= lteMax(b, o, l, r));
      return ok[0];
    }

    boolean gteMin(byte[] b, int o, int l, Request r) {
      if (minKind != 0) {
        return minKind < 0;
      }
      int c = compare(b, o, l, r, minArg);
      return minex ? c > 0 : c >= 0;
    }

    boolean lteMax(byte[] b, int o, int l, Request r) {
      if (maxKind != 0) {
        return maxKind > 0;
      }
      int c = compare(b, o, l, r, maxArg);
      return maxex ? c < 0 : c <= 0;
    }

    private static int compare(byte[] b, int o, int l, Request r, int arg) {
      return java.util.Arrays.compareUnsigned(
          b, o, o + l, r.bufs[arg], r.offs[arg] + 1, r.offs[arg] + r.lens[arg]);
    }

    /** Number of members below the interval's start. */
    long lo(ZSet z, Request r) {
      if (!lex) {
        return z.countBelow(min, minex);
      }
      if (minKind != 0) {
        return minKind < 0 ? 0 : z.size();
      }
      return z.lexCountBelow(r.bufs[minArg], r.offs[minArg] + 1, r.lens[minArg] - 1, minex);
    }

    /** Number of members up to the interval's end. */
    long hi(ZSet z, Request r) {
      if (!lex) {
        return z.countBelow(max, !maxex);
      }
      if (maxKind != 0) {
        return maxKind < 0 ? 0 : z.size();
      }
      return z.lexCountBelow(r.bufs[maxArg], r.offs[maxArg] + 1, r.lens[maxArg] - 1, !maxex);
    }
  }

  /** zslParseRange; null if either bound is not a float. */
  static Spec parseScore(Request r, int minArg, int maxArg) {
    Spec s = new Spec();
    s.minex = r.lens[minArg] > 0 && r.bufs[minArg][r.offs[minArg]] == '(';
    s.maxex = r.lens[maxArg] > 0 && r.bufs[maxArg][r.offs[maxArg]] == '(';
    int a = s.minex ? 1 : 0;
    int b = s.maxex ? 1 : 0;
    s.min = Doubles.parseLenient(r.bufs[minArg], r.offs[minArg] + a, r.lens[minArg] - a);
    s.max = Doubles.parseLenient(r.bufs[maxArg], r.offs[maxArg] + b, r.lens[maxArg] - b);
    return Double.isNaN(s.min) || Double.isNaN(s.max) ? null : s;
  }

  /** zslParseLexRange; null if either item is not "-", "+", "[x" or "(x". */
  static Spec parseLex(Request r, int minArg, int maxArg) {
    Spec s = new Spec();
    s.lex = true;
    s.minArg = minArg;
    s.maxArg = maxArg;
    int k1 = lexItem(r, minArg);
    int k2 = lexItem(r, maxArg);
    if (k1 == Integer.MIN_VALUE || k2 == Integer.MIN_VALUE) {
      return null;
    }
    s.minKind = k1 == 2 ? 0 : k1;
    s.maxKind = k2 == 2 ? 0 : k2;
    s.minex = k1 == 2 && r.bufs[minArg][r.offs[minArg]] == '(';
    s.maxex = k2 == 2 && r.bufs[maxArg][r.offs[maxArg]] == '(';
    return s;
  }

  private static int lexItem(Request r, int i) {
    if (r.lens[i] == 0) {
      return Integer.MIN_VALUE;
    }
    byte c = r.bufs[i][r.offs[i]];
    if (c == '+' || c == '-') {
      return r.lens[i] == 1 ? (c == '+' ? 1 : -1) : Integer.MIN_VALUE;
    }
    return c == '(' || c == '[' ? 2 : Integer.MIN_VALUE;
  }

  /** Replies ranks from..to (ascending, inclusive), walked descending when rev. */
  static void reply(Reply out, ZSet z, long from, long to, boolean rev, boolean withScores) {
    long n = Math.max(0, to - from + 1);
    boolean pairs = withScores && out.protocol() > 2;
    out.array(withScores && !pairs ? 2 * n : n);
    z.range(
        from,
        to,
        rev,
        (b, o, l, s) -> {
          if (pairs) {
            out.array(2);
          }
          out.bulk(b, o, l);
          if (withScores) {
            SortedSetCommands.score(out, s);
          }
        });
  }

  /** zrangeGenericCommand: the source key is at argStart, a ZRANGESTORE destination at 1. */
  static void zrange(Client c, int argStart, boolean store, int type, int dir) {
    Request r = c.req;
    int minArg = argStart + 1;
    int maxArg = argStart + 2;
    boolean withScores = false;
    long offset = 0;
    long limit = -1;
    for (int j = argStart + 3; j < r.argc; j++) {
      int left = r.argc - j - 1;
      if (!store && r.is(j, WITHSCORES)) {
        withScores = true;
      } else if (r.is(j, LIMIT) && left >= 2) {
        if (!Args.longOrReply(c, j + 1) || !Args.longOrReply(c, j + 2)) {
          return;
        }
        offset = Args.toLong(r, j + 1);
        limit = Args.toLong(r, j + 2);
        j += 2;
      } else if (dir == AUTO && r.is(j, REV)) {
        dir = -1;
      } else if (type == AUTO && r.is(j, BYLEX)) {
        type = LEX;
      } else if (type == AUTO && r.is(j, BYSCORE)) {
        type = SCORE;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    boolean rev = dir == -1;
    if (type == AUTO) {
      type = RANK;
    }
    if (limit != -1 && type == RANK) {
      c.reply.errorBytes(LIMIT_RANK);
      return;
    }
    if (withScores && type == LEX) {
      c.reply.errorBytes(LEX_SCORES);
      return;
    }
    if (rev && type != RANK) {
      int t = maxArg;
      maxArg = minArg;
      minArg = t;
    }
    long start = 0;
    long end = 0;
    Spec spec = null;
    if (type == RANK) {
      if (!Args.longOrReply(c, minArg) || !Args.longOrReply(c, maxArg)) {
        return;
      }
      start = Args.toLong(r, minArg);
      end = Args.toLong(r, maxArg);
    } else {
      spec = type == SCORE ? parseScore(r, minArg, maxArg) : parseLex(r, minArg, maxArg);
      if (spec == null) {
        c.reply.errorBytes(
            type == SCORE ? SortedSetCommands.RANGE_NOT_FLOAT : SortedSetCommands.LEX_RANGE);
        return;
      }
    }
    Entry e = StringCommands.lookupRead(c, argStart);
    if (e == null) {
      if (store) {
        c.reply.integer(0);
        SortedSetCommands.deleteResult(c, 1);
      } else {
        c.reply.emptyArray();
      }
      return;
    }
    if (e.type() != io.cinnabar.keyspace.ValueType.ZSET) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    ZSet z = (ZSet) e.value();
    long[] iv =
        type == RANK
            ? rankInterval(z.size(), start, end, rev)
            : interval(z, r, spec, offset, limit, rev);
    if (!store) {
      reply(c.reply, z, iv[0], iv[1], rev, withScores);
      return;
    }
    long n = Math.max(0, iv[1] - iv[0] + 1);
    if (n == 0) {
      c.reply.integer(0);
      SortedSetCommands.deleteResult(c, 1);
      return;
    }
    ZSet dst = ZSet.listpack();
    long maxE = SortedSetCommands.maxEntries(c);
    long maxV = SortedSetCommands.maxValue(c);
    z.range(iv[0], iv[1], rev, (b, o, l, s) -> dst.add(s, b, o, l, 0, maxE, maxV, null));
    SortedSetCommands.storeResult(c, 1, dst, "zrangestore");
    c.reply.integer(n);
  }

  /** Ascending ranks for a ZRANGE start..end (rank form); empty when from > to. */
  static long[] rankInterval(long llen, long start, long end, boolean rev) {
    if (start < 0) {
      start = llen + start;
    }
    if (end < 0) {
      end = llen + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= llen) {
      return new long[] {0, -1};
    }
    if (end >= llen) {
      end = llen - 1;
    }
    return rev ? new long[] {llen - 1 - end, llen - 1 - start} : new long[] {start, end};
  }

  /** Ascending ranks of a score or lex interval after LIMIT offset count. */
  static long[] interval(ZSet z, Request r, Spec spec, long offset, long limit, boolean rev) {
    if (!spec.lexMayOverlap(z, r)) {
      return new long[] {0, -1};
    }
    if (spec.lex && z.isListpack()) {
      return lexListpack(z, r, spec, offset, limit, rev);
    }
    long lo = spec.lo(z, r);
    long hi = spec.hi(z, r); // exclusive
    long n = hi - lo;
    if (n <= 0 || offset < 0 || offset >= n) {
      return new long[] {0, -1};
    }
    long count = limit < 0 ? n - offset : Math.min(limit, n - offset);
    if (rev) {
      return new long[] {hi - offset - count, hi - 1 - offset};
    }
    return new long[] {lo + offset, lo + offset + count - 1};
  }

  /**
   * A lex interval on a listpack walked exactly as Redis walks it (zzlFirstInLexRange /
   * zzlLastInLexRange, then OFFSET skipped unchecked, then members taken while in range), so that
   * sets with mixed scores give Redis's answer too.
   */
  private static long[] lexListpack(
      ZSet z, Request r, Spec spec, long offset, long limit, boolean rev) {
    int n = z.size();
    byte[][] ms = new byte[n][];
    int[] k = {0};
    z.forEach((b, o, l, s) -> ms[k[0]++] = java.util.Arrays.copyOfRange(b, o, o + l));
    long[] empty = {0, -1};
    if (offset < 0) {
      return empty;
    }
    if (!rev) {
      int start = 0;
      while (start < n && !spec.gteMin(ms[start], 0, ms[start].length, r)) {
        start++;
      }
      if (start == n || !spec.lteMax(ms[start], 0, ms[start].length, r)) {
        return empty;
      }
      long i = start + offset;
      long from = i;
      long taken = 0;
      while (i < n
          && (limit < 0 || taken < limit)
          && spec.lteMax(ms[(int) i], 0, ms[(int) i].length, r)) {
        i++;
        taken++;
      }
      return taken == 0 ? empty : new long[] {from, i - 1};
    }
    int end = n - 1;
    while (end >= 0 && !spec.lteMax(ms[end], 0, ms[end].length, r)) {
      end--;
    }
    if (end < 0 || !spec.gteMin(ms[end], 0, ms[end].length, r)) {
      return empty;
    }
    long i = end - offset;
    long to = i;
    long taken = 0;
    while (i >= 0
        && (limit < 0 || taken < limit)
        && spec.gteMin(ms[(int) i], 0, ms[(int) i].length, r)) {
      i--;
      taken++;
    }
    return taken == 0 ? empty : new long[] {i + 1, to};
  }

  static void zcount(Client c, boolean lex) {
    Request r = c.req;
    Spec spec = lex ? parseLex(r, 2, 3) : parseScore(r, 2, 3);
    if (spec == null) {
      c.reply.errorBytes(lex ? SortedSetCommands.LEX_RANGE : SortedSetCommands.RANGE_NOT_FLOAT);
      return;
    }
    ZSet z = SortedSetCommands.readOrReply(c, 1, () -> c.reply.integer(0));
    if (z == null) {
      return;
    }
    if (lex && z.isListpack()) {
      long[] iv = interval(z, r, spec, 0, -1, false);
      c.reply.integer(iv[1] - iv[0] + 1);
    } else {
      c.reply.integer(spec.lexMayOverlap(z, r) ? Math.max(0, spec.hi(z, r) - spec.lo(z, r)) : 0);
    }
  }

  /** ZREMRANGEBYRANK / BYSCORE / BYLEX (zremrangeGenericCommand). */
  static void zremrange(Client c, int type) {
    Request r = c.req;
    long start = 0;
    long end = 0;
    Spec spec = null;
    if (type == RANK) {
      if (!Args.longOrReply(c, 2) || !Args.longOrReply(c, 3)) {
        return;
      }
      start = Args.toLong(r, 2);
      end = Args.toLong(r, 3);
    } else {
      spec = type == SCORE ? parseScore(r, 2, 3) : parseLex(r, 2, 3);
      if (spec == null) {
        c.reply.errorBytes(
            type == SCORE ? SortedSetCommands.RANGE_NOT_FLOAT : SortedSetCommands.LEX_RANGE);
        return;
      }
    }
    Entry e = SortedSetCommands.writeTarget(c, 1);
    if (e == SortedSetCommands.WRONG) {
      return;
    }
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    ZSet z = (ZSet) e.value();
    long[] iv =
        type == RANK
            ? rankInterval(z.size(), start, end, false)
            : interval(z, r, spec, 0, -1, false);
    long n = Math.max(0, iv[1] - iv[0] + 1);
    if (n > 0) {
      long before = z.memoryBytes();
      z.removeRange(iv[0], iv[1], null);
      String event =
          type == RANK ? "zremrangebyrank" : type == SCORE ? "zremrangebyscore" : "zremrangebylex";
      SortedSetCommands.changed(c, e, z, before, event, 1);
      c.server.keyspace.stats().dirty += n;
    }
    c.reply.integer(n);
  }
}
