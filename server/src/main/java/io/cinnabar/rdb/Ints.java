package io.cinnabar.rdb;

/** Redis's string2ll for the encoders: only canonical decimal forms count as integers. */
final class Ints {
  /** Returned for anything that is not a canonical 64-bit decimal. */
  static final long NOT_A_NUMBER = Long.MIN_VALUE + 0x5eed;

  private Ints() {}

  static long parseCanonical(byte[] s, int off, int len) {
    if (len == 0 || len > 20) {
      return NOT_A_NUMBER;
    }
    if (len == 1 && s[off] == '0') {
      return 0;
    }
    int p = off;
    int end = off + len;
    boolean neg = s[p] == '-';
    if (neg && ++p == end) {
      return NOT_A_NUMBER;
    }
    if (s[p] < '1' || s[p] > '9') {
      return NOT_A_NUMBER;
    }
    long v = 0; // accumulated negatively to reach Long.MIN_VALUE
    for (; p < end; p++) {
      int d = s[p] - '0';
      if (d < 0 || d > 9) {
        return NOT_A_NUMBER;
      }
      if (v < (Long.MIN_VALUE + d) / 10) {
        return NOT_A_NUMBER;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) {
        return NOT_A_NUMBER;
      }
      v = -v;
    }
    return v == NOT_A_NUMBER ? NOT_A_NUMBER : v;
  }
}
