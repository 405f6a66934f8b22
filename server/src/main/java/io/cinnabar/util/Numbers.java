package io.cinnabar.util;

/**
 * Number parsing and formatting on byte slices with Redis's rules (string2ll, ll2string), so the
 * hot path never builds a String.
 */
public final class Numbers {
  private Numbers() {}

  private static final byte[] MIN_LONG = Bytes.ascii(Long.toString(Long.MIN_VALUE));

  /** True if the slice is a long in Redis's canonical form (see {@link #parseLongOr}). */
  public static boolean isLong(byte[] b, int off, int len) {
    return parseLongOr(b, off, len, 0) != 0 || (len == 1 && b[off] == '0');
  }

  /**
   * Parses a signed decimal long exactly as Redis's string2ll: no leading '+', no spaces, no
   * leading zeros (except "0" itself), no "-0", fits in 64 bits. Returns {@code orElse} if the
   * slice is not such a number; callers that must tell a parsed value equal to {@code orElse} from
   * failure use {@link #isLong}.
   */
  public static long parseLongOr(byte[] b, int off, int len, long orElse) {
    if (len == 0 || len > 20) {
      return orElse;
    }
    int i = off;
    int end = off + len;
    if (len == 1 && b[i] == '0') {
      return 0;
    }
    boolean negative = b[i] == '-';
    if (negative && ++i == end) {
      return orElse;
    }
    if (b[i] < '1' || b[i] > '9') {
      return orElse;
    }
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multmin = limit / 10;
    long result = 0;
    while (i < end) {
      int d = b[i++] - '0';
      if (d < 0 || d > 9 || result < multmin) {
        return orElse;
      }
      result *= 10;
      if (result < limit + d) {
        return orElse;
      }
      result -= d;
    }
    return negative ? result : -result;
  }

  /** Number of bytes {@link #writeLong} produces. */
  public static int longLength(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    int n = 1;
    if (v < 0) {
      n++;
      v = -v;
    }
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  /** Writes v in decimal into dst at off; returns the number of bytes written. */
  public static int writeLong(long v, byte[] dst, int off) {
    int len = longLength(v);
    if (v == Long.MIN_VALUE) {
      System.arraycopy(MIN_LONG, 0, dst, off, MIN_LONG.length);
      return len;
    }
    int pos = off + len;
    boolean neg = v < 0;
    if (neg) {
      v = -v;
    }
    do {
      dst[--pos] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    if (neg) {
      dst[off] = '-';
    }
    return len;
  }

  public static byte[] toBytes(long v) {
    byte[] b = new byte[longLength(v)];
    writeLong(v, b, 0);
    return b;
  }
}
