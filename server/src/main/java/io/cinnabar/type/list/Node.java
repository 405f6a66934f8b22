package io.cinnabar.type.list;

import java.util.Arrays;

/**
 * One quicklist node: entries packed in {@code buf[start, end)}, each as a varint length, the
 * bytes, and the same length again as a reversed varint so the node can be walked backwards (like a
 * listpack's backlen). Free room may sit before {@code start} (for head pushes) and after {@code
 * end} (for tail pushes).
 */
final class Node {
  /** Object header, fields and the byte[] header. */
  static final long OVERHEAD = 40 + 16;

  byte[] buf;
  int start;
  int end;
  int count;
  Node prev;
  Node next;

  /** An empty node with room {@code buf}. */
  Node(byte[] buf) {
    this.buf = buf;
  }

  /** A node holding exactly the {@code count} entries packed in {@code data}. */
  Node(byte[] data, int count) {
    this.buf = data;
    this.end = data.length;
    this.count = count;
  }

  int used() {
    return end - start;
  }

  static int varSize(int v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  static int entrySize(int len) {
    return 2 * varSize(len) + len;
  }

  /** Writes one entry at p; returns the offset after it. */
  static int write(byte[] buf, int p, byte[] b, int off, int len) {
    int v = len;
    while ((v & ~0x7f) != 0) {
      buf[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[p++] = (byte) v;
    System.arraycopy(b, off, buf, p, len);
    p += len;
    int vs = varSize(len);
    v = len;
    for (int i = 1; i <= vs; i++) {
      buf[p + vs - i] = (byte) ((v & 0x7f) | (i < vs ? 0x80 : 0));
      v >>>= 7;
    }
    return p + vs;
  }

  /** Length of the entry starting at p. */
  int lenAt(int p) {
    int v = 0;
    int shift = 0;
    while (true) {
      int b = buf[p++];
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
  }

  /** Start of the entry that ends at q. */
  int prev(int q) {
    int v = 0;
    int shift = 0;
    int p = q - 1;
    while (true) {
      int b = buf[p--];
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return q - entrySize(v);
  }

  int next(int p) {
    return p + entrySize(lenAt(p));
  }

  byte[] get(int p) {
    int len = lenAt(p);
    int d = p + varSize(len);
    return Arrays.copyOfRange(buf, d, d + len);
  }

  boolean visit(int p, QuickList.Visitor v) {
    int len = lenAt(p);
    return v.visit(buf, p + varSize(len), len);
  }

  boolean equalsAt(int p, byte[] b, int off, int len) {
    if (lenAt(p) != len) {
      return false;
    }
    int d = p + varSize(len);
    return Arrays.equals(buf, d, d + len, b, off, off + len);
  }

  /** Removes the entry at p: the first one just advances start. */
  void remove(int p) {
    int sz = next(p) - p;
    if (p == start) {
      start += sz;
    } else {
      System.arraycopy(buf, p + sz, buf, p, end - p - sz);
      end -= sz;
    }
    count--;
    if (count == 0) {
      start = end = 0;
    }
  }

  /** Inserts an entry at offset p; the caller ensured room after end. */
  void insert(int p, byte[] b, int off, int len) {
    int sz = entrySize(len);
    System.arraycopy(buf, p, buf, p + sz, end - p);
    write(buf, p, b, off, len);
    end += sz;
    count++;
  }

  /** Replaces the entry at p (old bytes long); the caller ensured room after end. */
  void replace(int p, int old, byte[] v) {
    int sz = entrySize(v.length);
    if (sz != old) {
      System.arraycopy(buf, p + old, buf, p + sz, end - p - old);
      end += sz - old;
    }
    write(buf, p, v, 0, v.length);
  }

  /** Reallocates with at least {@code front} free bytes before and {@code back} after the data. */
  void makeRoom(int front, int back, int maxBytes) {
    int used = used();
    int slack = Math.max(0, Math.min(used / 2, maxBytes - used - front - back));
    compact(front + (front > 0 ? slack : 0), back + (back > 0 || front == 0 ? slack : 0));
  }

  /** Copies the data into a new array with exactly that much free room before and after. */
  void compact(int front, int back) {
    int used = used();
    byte[] nb = new byte[front + used + back];
    System.arraycopy(buf, start, nb, front, used);
    buf = nb;
    start = front;
    end = front + used;
  }
}
