package io.cinnabar.type.hash;

import java.util.Arrays;

/**
 * The compact encoding of a small hash, like Redis's listpack: one byte[] of field, value, field,
 * value... each prefixed by its length as a varint (7 bits per byte, low bits first). Lookups are
 * linear, which is fast for the few dozen entries this holds; new fields are appended and updates
 * rewrite in place, so iteration order is insertion order as in Redis.
 */
final class Listpack {
  byte[] buf;
  int used;
  int count; // pairs

  Listpack(int capacity) {
    buf = new byte[capacity];
  }

  Listpack(Listpack o) {
    buf = Arrays.copyOf(o.buf, o.used);
    used = o.used;
    count = o.count;
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Length of the element starting at p (its varint header is decoded). */
  int len(int p) {
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

  /** Offset of the payload of the element at p. */
  int data(int p) {
    while (buf[p] < 0) {
      p++;
    }
    return p + 1;
  }

  /** The position after the element at p. */
  int next(int p) {
    int l = len(p);
    return data(p) + l;
  }

  /** Position of the field equal to the slice, or -1. */
  int find(byte[] b, int off, int len) {
    int p = 0;
    while (p < used) {
      int l = len(p);
      int d = data(p);
      if (l == len && Arrays.equals(buf, d, d + l, b, off, off + len)) {
        return p;
      }
      p = d + l;
      p = next(p);
    }
    return -1;
  }

  private void ensure(int extra) {
    if (used + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(used + extra, buf.length + (buf.length >> 1)));
    }
  }

  private int write(int p, byte[] b, int off, int len) {
    int v = len;
    while (v >= 0x80) {
      buf[p++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    buf[p++] = (byte) v;
    System.arraycopy(b, off, buf, p, len);
    return p + len;
  }

  void append(byte[] f, int fo, int fl, byte[] v, int vo, int vl) {
    ensure(varintSize(fl) + fl + varintSize(vl) + vl);
    int p = write(used, f, fo, fl);
    used = write(p, v, vo, vl);
    count++;
  }

  /** Replaces the value of the field at position fp. */
  void replaceValue(int fp, byte[] v, int vo, int vl) {
    int vp = next(fp);
    int end = next(vp);
    int newSize = varintSize(vl) + vl;
    int delta = newSize - (end - vp);
    if (delta > 0) {
      ensure(delta);
    }
    System.arraycopy(buf, end, buf, end + delta, used - end);
    used += delta;
    write(vp, v, vo, vl);
  }

  /** Removes the pair whose field is at fp. */
  void removeAt(int fp) {
    int end = next(next(fp));
    System.arraycopy(buf, end, buf, fp, used - end);
    used -= end - fp;
    count--;
  }

  void forEach(PairVisitor v) {
    int p = 0;
    while (p < used) {
      int fl = len(p);
      int fd = data(p);
      int vp = fd + fl;
      int vl = len(vp);
      int vd = data(vp);
      v.visit(buf, fd, fl, buf, vd, vl);
      p = vd + vl;
    }
  }

  /** Visits the i-th pair (0-based). */
  void visitAt(int i, PairVisitor v) {
    int p = 0;
    for (; i > 0; i--) {
      p = next(next(p));
    }
    int fl = len(p);
    int fd = data(p);
    int vp = fd + fl;
    v.visit(buf, fd, fl, buf, data(vp), len(vp));
  }
}
