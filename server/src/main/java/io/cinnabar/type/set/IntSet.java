package io.cinnabar.type.set;

import java.util.Arrays;

/**
 * Redis's intset: a sorted array of distinct integers stored at the narrowest width (16, 32 or 64
 * bits) that holds them all; adding a wider value upgrades the whole array, nothing ever narrows
 * it. The array keeps a little spare room (1/16) so a run of adds does not copy it every time.
 */
final class IntSet {
  private short[] s;
  private int[] i;
  private long[] l;
  int count;

  IntSet() {
    s = new short[4];
  }

  IntSet(IntSet o) {
    count = o.count;
    s = o.s == null ? null : Arrays.copyOf(o.s, o.count);
    i = o.i == null ? null : Arrays.copyOf(o.i, o.count);
    l = o.l == null ? null : Arrays.copyOf(o.l, o.count);
  }

  /** 2, 4 or 8: the bytes per element. */
  int width() {
    return s != null ? 2 : i != null ? 4 : 8;
  }

  long get(int idx) {
    return s != null ? s[idx] : i != null ? i[idx] : l[idx];
  }

  private int capacity() {
    return s != null ? s.length : i != null ? i.length : l.length;
  }

  /** Binary search: the index, or -(insertion point) - 1. */
  int search(long v) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = get(mid);
      if (m < v) {
        lo = mid + 1;
      } else if (m > v) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  boolean contains(long v) {
    int w = width();
    if (w == 2 && (v < Short.MIN_VALUE || v > Short.MAX_VALUE)) {
      return false;
    }
    if (w == 4 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
      return false;
    }
    return search(v) >= 0;
  }

  private static int widthFor(long v) {
    if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      return 2;
    }
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 4 : 8;
  }

  /** Adds v; false if it was present. */
  boolean add(long v) {
    int need = widthFor(v);
    if (need > width()) {
      upgrade(need, count + 1);
    }
    int p = search(v);
    if (p >= 0) {
      return false;
    }
    p = -p - 1;
    if (count == capacity()) {
      resize(count + Math.max(4, count >> 4));
    }
    Object a = array();
    System.arraycopy(a, p, a, p + 1, count - p);
    set(p, v);
    count++;
    return true;
  }

  boolean remove(long v) {
    if (!contains(v)) {
      return false;
    }
    int p = search(v);
    Object a = array();
    System.arraycopy(a, p + 1, a, p, count - p - 1);
    count--;
    if (capacity() > 8 && count < capacity() / 2) {
      resize(count + Math.max(4, count >> 3));
    }
    return true;
  }

  private Object array() {
    return s != null ? s : i != null ? i : l;
  }

  private void set(int idx, long v) {
    if (s != null) {
      s[idx] = (short) v;
    } else if (i != null) {
      i[idx] = (int) v;
    } else {
      l[idx] = v;
    }
  }

  private void resize(int cap) {
    if (s != null) {
      s = Arrays.copyOf(s, cap);
    } else if (i != null) {
      i = Arrays.copyOf(i, cap);
    } else {
      l = Arrays.copyOf(l, cap);
    }
  }

  private void upgrade(int w, int cap) {
    if (w == 4) {
      int[] n = new int[cap];
      for (int k = 0; k < count; k++) {
        n[k] = (int) get(k);
      }
      i = n;
    } else {
      long[] n = new long[cap];
      for (int k = 0; k < count; k++) {
        n[k] = get(k);
      }
      l = n;
      i = null;
    }
    s = null;
  }

  long memoryBytes() {
    return 24 + ((16L + (long) capacity() * width() + 7) & ~7L);
  }
}
