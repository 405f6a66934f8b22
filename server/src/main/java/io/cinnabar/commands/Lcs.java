package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.Arrays;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence by the
 * classic dynamic programming table, walked back from the end exactly as Redis walks it so that the
 * same subsequence and the same match ranges (last match first) are reported.
 */
final class Lcs {
  private Lcs() {}

  private static final byte[] IDX = Bytes.ascii("idx");
  private static final byte[] LEN = Bytes.ascii("len");
  private static final byte[] WITHMATCHLEN = Bytes.ascii("withmatchlen");
  private static final byte[] MINMATCHLEN = Bytes.ascii("minmatchlen");
  private static final byte[] MATCHES = Bytes.ascii("matches");
  private static final byte[] NOT_STRINGS =
      Bytes.ascii("ERR The specified keys must contain string values");
  private static final byte[] AMBIGUOUS =
      Bytes.ascii("ERR If you want both the length and indexes, please just use IDX.");
  private static final byte[] NO_MEMORY =
      Bytes.ascii("ERR Insufficient memory, failed allocating transient memory for LCS");

  static void lcs(Client c) {
    Request r = c.req;
    Entry ea = StringCommands.lookupRead(c, 1);
    Entry eb = StringCommands.lookupRead(c, 2);
    if ((ea != null && ea.type() != ValueType.STRING)
        || (eb != null && eb.type() != ValueType.STRING)) {
      c.reply.errorBytes(NOT_STRINGS);
      return;
    }
    byte[] a = ea == null ? Bytes.EMPTY : (byte[]) ea.value();
    byte[] b = eb == null ? Bytes.EMPTY : (byte[]) eb.value();
    boolean getIdx = false;
    boolean getLen = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    for (int i = 3; i < r.argc; i++) {
      if (r.is(i, IDX)) {
        getIdx = true;
      } else if (r.is(i, LEN)) {
        getLen = true;
      } else if (r.is(i, WITHMATCHLEN)) {
        withMatchLen = true;
      } else if (r.is(i, MINMATCHLEN) && i + 1 < r.argc) {
        if (!Args.longOrReply(c, i + 1)) {
          return;
        }
        minMatchLen = Math.max(0, Args.toLong(r, ++i));
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    if (getIdx && getLen) {
      c.reply.errorBytes(AMBIGUOUS);
      return;
    }
    int alen = a.length;
    int blen = b.length;
    int w = blen + 1;
    long cells = (long) (alen + 1) * w;
    if (cells > Integer.MAX_VALUE - 8 || cells * 4 > Runtime.getRuntime().maxMemory() / 2) {
      c.reply.errorBytes(NO_MEMORY);
      return;
    }
    int[] dp = new int[(int) cells];
    for (int i = 1; i <= alen; i++) {
      for (int j = 1; j <= blen; j++) {
        if (a[i - 1] == b[j - 1]) {
          dp[i * w + j] = dp[(i - 1) * w + j - 1] + 1;
        } else {
          dp[i * w + j] = Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
        }
      }
    }
    int total = dp[alen * w + blen];
    if (getLen) {
      c.reply.integer(total);
      return;
    }
    byte[] result = new byte[total];
    // Ranges as (aStart, aEnd, bStart, bEnd) quadruples, in the order found.
    long[] ranges = new long[16];
    int nranges = 0;
    int idx = total;
    int aStart = alen; // alen means "no range being tracked".
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    int i = alen;
    int j = blen;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (a[i - 1] == b[j - 1]) {
        result[idx - 1] = a[i - 1];
        if (aStart == alen) {
          aStart = i - 1;
          aEnd = i - 1;
          bStart = j - 1;
          bEnd = j - 1;
        } else if (aStart == i && bStart == j) {
          aStart--;
          bStart--;
        } else {
          emit = true;
        }
        if (aStart == 0 || bStart == 0) {
          emit = true;
        }
        idx--;
        i--;
        j--;
      } else {
        if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) {
          i--;
        } else {
          j--;
        }
        if (aStart != alen) {
          emit = true;
        }
      }
      if (emit) {
        long matchLen = aEnd - aStart + 1;
        if (getIdx && (minMatchLen == 0 || matchLen >= minMatchLen)) {
          if (nranges * 4 == ranges.length) {
            ranges = Arrays.copyOf(ranges, ranges.length * 2);
          }
          ranges[nranges * 4] = aStart;
          ranges[nranges * 4 + 1] = aEnd;
          ranges[nranges * 4 + 2] = bStart;
          ranges[nranges * 4 + 3] = bEnd;
          nranges++;
        }
        aStart = alen;
      }
    }
    if (!getIdx) {
      c.reply.bulk(result);
      return;
    }
    c.reply.map(2);
    c.reply.bulk(MATCHES);
    c.reply.array(nranges);
    for (int k = 0; k < nranges; k++) {
      long s = ranges[k * 4];
      long e = ranges[k * 4 + 1];
      c.reply.array(withMatchLen ? 3 : 2);
      c.reply.array(2);
      c.reply.integer(s);
      c.reply.integer(e);
      c.reply.array(2);
      c.reply.integer(ranges[k * 4 + 2]);
      c.reply.integer(ranges[k * 4 + 3]);
      if (withMatchLen) {
        c.reply.integer(e - s + 1);
      }
    }
    c.reply.bulk(LEN);
    c.reply.integer(total);
  }
}
