package io.cinnabar.type.zset;

import java.util.Arrays;

/**
 * The compact encoding of a small sorted set, like Redis's listpack: one byte[] of entries kept in
 * (score, member) order, each a varint member length, the member bytes and the 8-byte score. All
 * operations are linear, which is fast for the at most zset-max-listpack-entries it holds.
 */
final class ZListpack {
  byte[] buf;
  int used;
  int count;

  ZListpack(int capacity) {
    buf = new byte[Math.max(capacity, 8)];
  }

  ZListpack(ZListpack o) {
    buf = Arrays.copyOf(o.buf, Math.max(o.used, 8));
    used = o.used;
    count = o.count;
  }

  private int header(int p) {
    int v = 0;
    int shift = 0;
    while (true) {
      int b = buf[p++];
      v |= (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  /** Member length of the entry at p. */
  int len(int p) {
    return header(p) >>> 1;
  }

  /** Offset of the member bytes of the entry at p. */
  int data(int p) {
    while (buf[p] < 0) {
      p++;
    }
    return p + 1;
  }

  double score(int p) {
    int h = header(p);
    int s = data(p) + (h >>> 1);
    if ((h & 1) != 0) {
      long v = 0;
      int shift = 0;
      while (true) {
        int b = buf[s++];
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return (double) ((v >>> 1) ^ -(v & 1));
        }
        shift += 7;
      }
    }
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (buf[s + i] & 0xff);
    }
    return Double.longBitsToDouble(bits);
  }

  int next(int p) {
    int h = header(p);
    int s = data(p) + (h >>> 1);
    if ((h & 1) == 0) {
      return s + 8;
    }
    while (buf[s] < 0) {
      s++;
    }
    return s + 1;
  }

  /** Small integral scores are stored as zigzag varints (as Redis's listpack stores integers). */
  private static boolean compact(double score) {
    return score == Math.rint(score) && Math.abs(score) < (1L << 50) && !Double.isInfinite(score);
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Position of the entry at rank i. */
  int at(long i) {
    int p = 0;
    for (; i > 0; i--) {
      p = next(p);
    }
    return p;
  }

  int find(byte[] b, int off, int len) {
    for (int p = 0; p < used; p = next(p)) {
      int l = len(p);
      int d = data(p);
      if (l == len && Arrays.equals(buf, d, d + l, b, off, off + len)) {
        return p;
      }
    }
    return -1;
  }

  /** Rank of the entry at position target. */
  long rankOf(int target) {
    long r = 0;
    for (int p = 0; p < target; p = next(p)) {
      r++;
    }
    return r;
  }

  static int compare(double s1, byte[] b1, int o1, int l1, double s2, byte[] b2, int o2, int l2) {
    if (s1 < s2) {
      return -1;
    }
    if (s1 > s2) {
      return 1;
    }
    return Arrays.compareUnsigned(b1, o1, o1 + l1, b2, o2, o2 + l2);
  }

  void insert(byte[] b, int off, int len, double score) {
    int p = 0;
    while (p < used) {
      int d = data(p);
      int l = len(p);
      if (compare(score(p), buf, d, l, score, b, off, len) > 0) {
        break;
      }
      p = next(p);
    }
    insertAt(p, b, off, len, score);
  }

  /** Appends an entry that sorts after every entry here (loading a sorted payload). */
  void append(byte[] b, int off, int len, double score) {
    insertAt(used, b, off, len, score);
  }

  /** Makes room for {@code bytes} more bytes of entries at once. */
  void reserve(int bytes) {
    if (used + bytes > buf.length) {
      buf = Arrays.copyOf(buf, (used + bytes + 7) & ~7);
    }
  }

  /** The bytes an entry takes. */
  static int entrySize(int len, double score) {
    int header = (len << 1) | (compact(score) ? 1 : 0);
    long v = (long) score;
    return varintSize(header) + len + (compact(score) ? varintSize((v << 1) ^ (v >> 63)) : 8);
  }

  private void insertAt(int p, byte[] b, int off, int len, double score) {
    if (score == 0) {
      score = 0.0; // Redis stores listpack scores as text, where -0 becomes "0"
    }
    boolean small = compact(score);
    long zig = 0;
    if (small) {
      long v = (long) score;
      zig = (v << 1) ^ (v >> 63);
    }
    int header = (len << 1) | (small ? 1 : 0);
    int size = varintSize(header) + len + (small ? varintSize(zig) : 8);
    if (used + size > buf.length) {
      // Grow to fit, as a listpack reallocates on insert: no spare room kept in small sets.
      buf = Arrays.copyOf(buf, (used + size + 7) & ~7);
    }
    System.arraycopy(buf, p, buf, p + size, used - p);
    int v = header;
    while (v >= 0x80) {
      buf[p++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    buf[p++] = (byte) v;
    System.arraycopy(b, off, buf, p, len);
    p += len;
    if (small) {
      while (zig >= 0x80 || zig < 0) {
        buf[p++] = (byte) (zig | 0x80);
        zig >>>= 7;
      }
      buf[p] = (byte) zig;
    } else {
      long bits = Double.doubleToRawLongBits(score);
      for (int i = 7; i >= 0; i--) {
        buf[p + i] = (byte) bits;
        bits >>>= 8;
      }
    }
    used += size;
    count++;
  }

  void removeAt(int p) {
    int end = next(p);
    System.arraycopy(buf, end, buf, p, used - end);
    used -= end - p;
    count--;
    if (buf.length > 2 * used + 64) {
      buf = Arrays.copyOf(buf, (used + 7) & ~7);
    }
  }

  void visit(int p, MemberVisitor v) {
    v.visit(buf, data(p), len(p), score(p));
  }

  /** Entry positions, for walking backwards. */
  int[] positions() {
    int[] out = new int[count];
    int i = 0;
    for (int p = 0; p < used; p = next(p)) {
      out[i++] = p;
    }
    return out;
  }

  int maxMemberLen() {
    int m = 0;
    for (int p = 0; p < used; p = next(p)) {
      m = Math.max(m, len(p));
    }
    return m;
  }
}
