package io.cinnabar.type.hash;

import io.cinnabar.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hashtable encoding of a large hash: chained buckets (a power of two) of small nodes, each
 * holding its field and value in one byte[] (field length varint, field, value) so a pair costs one
 * node and one array. Grows at load 1 and shrinks below 1/10 (Redis's htNeedsResize), and like
 * Redis's dict rehashes incrementally: while a resize is under way two tables exist and every
 * lookup or write moves one bucket, so no single command pays for a million-field hash's resize.
 * {@link #scan} uses Redis's reverse-binary cursor, which stays valid across resizes.
 */
final class HashTable {
  static final class Node {
    byte[] kv;
    final int hash;
    Node next;

    Node(byte[] kv, int hash, Node next) {
      this.kv = kv;
      this.hash = hash;
      this.next = next;
    }

    int fieldLen() {
      int v = 0;
      int shift = 0;
      int p = 0;
      while (true) {
        int b = kv[p++];
        v |= (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
        shift += 7;
      }
    }

    int fieldOff() {
      int p = 0;
      while (kv[p] < 0) {
        p++;
      }
      return p + 1;
    }

    boolean fieldIs(byte[] b, int off, int len) {
      int fo = fieldOff();
      return fieldLen() == len && Arrays.equals(kv, fo, fo + len, b, off, off + len);
    }

    void visit(PairVisitor v) {
      int fo = fieldOff();
      int fl = fieldLen();
      v.visit(kv, fo, fl, kv, fo + fl, kv.length - fo - fl);
    }
  }

  private static final int INITIAL = 4;

  /** The table; while rehashing, the old one, emptied from bucket {@link #rehashIdx} upwards. */
  private Node[] t0 = new Node[INITIAL];

  /** The new table while rehashing, else null. */
  private Node[] t1;

  /** Next bucket of t0 to move, or -1 when not rehashing. */
  private int rehashIdx = -1;

  /** Pairs still in t0 while rehashing (the resize ends when it reaches 0). */
  private int old0;

  int size;
  long payloadBytes; // sum of kv array sizes

  static byte[] pack(byte[] f, int fo, int fl, byte[] v, int vo, int vl) {
    int h = Listpack.varintSize(fl);
    byte[] kv = new byte[h + fl + vl];
    int p = 0;
    int x = fl;
    while (x >= 0x80) {
      kv[p++] = (byte) (x | 0x80);
      x >>>= 7;
    }
    kv[p++] = (byte) x;
    System.arraycopy(f, fo, kv, p, fl);
    System.arraycopy(v, vo, kv, p + fl, vl);
    return kv;
  }

  static long arrayBytes(int len) {
    return (16 + len + 7) & ~7L;
  }

  Node find(byte[] b, int off, int len) {
    rehashStep();
    int h = Bytes.hash(b, off, len);
    Node n = find(t0, h, b, off, len);
    if (n == null && t1 != null) {
      n = find(t1, h, b, off, len);
    }
    return n;
  }

  private static Node find(Node[] t, int h, byte[] b, int off, int len) {
    for (Node n = t[h & (t.length - 1)]; n != null; n = n.next) {
      if (n.hash == h && n.fieldIs(b, off, len)) {
        return n;
      }
    }
    return null;
  }

  /** Sets the pair; true if the field is new. */
  boolean put(byte[] f, int fo, int fl, byte[] v, int vo, int vl) {
    Node n = find(f, fo, fl);
    byte[] kv = pack(f, fo, fl, v, vo, vl);
    payloadBytes += arrayBytes(kv.length);
    if (n != null) {
      payloadBytes -= arrayBytes(n.kv.length);
      n.kv = kv;
      return false;
    }
    if (t1 == null && size >= t0.length) {
      startResize(t0.length * 2);
    }
    int h = Bytes.hash(f, fo, fl);
    Node[] t = t1 != null ? t1 : t0; // new pairs go to the new table while rehashing
    int i = h & (t.length - 1);
    t[i] = new Node(kv, h, t[i]);
    size++;
    return true;
  }

  boolean remove(byte[] b, int off, int len) {
    rehashStep();
    int h = Bytes.hash(b, off, len);
    Node n = unlink(t0, h, b, off, len);
    if (n != null && t1 != null) {
      if (--old0 == 0) { // the last pair of the old table: the resize is over
        t0 = t1;
        t1 = null;
        rehashIdx = -1;
      }
    } else if (n == null && t1 != null) {
      n = unlink(t1, h, b, off, len);
    }
    if (n == null) {
      return false;
    }
    size--;
    payloadBytes -= arrayBytes(n.kv.length);
    if (t1 == null && t0.length > INITIAL && size * 10L < t0.length) {
      startResize(Math.max(INITIAL, Integer.highestOneBit(Math.max(size, 1)) * 2));
    }
    return true;
  }

  private static Node unlink(Node[] t, int h, byte[] b, int off, int len) {
    int i = h & (t.length - 1);
    Node prev = null;
    for (Node n = t[i]; n != null; prev = n, n = n.next) {
      if (n.hash == h && n.fieldIs(b, off, len)) {
        if (prev == null) {
          t[i] = n.next;
        } else {
          prev.next = n.next;
        }
        return n;
      }
    }
    return null;
  }

  private void startResize(int n) {
    if (n == t0.length) {
      return;
    }
    if (size == 0) {
      t0 = new Node[n];
      return;
    }
    t1 = new Node[n];
    rehashIdx = 0;
    old0 = size;
  }

  /** Moves one non-empty bucket of the old table (visiting at most 10 empty ones), if rehashing. */
  private void rehashStep() {
    if (t1 == null) {
      return;
    }
    Node[] from = t0;
    for (int empty = 10; from[rehashIdx] == null; ) {
      rehashIdx++;
      if (--empty == 0) {
        return; // old0 > 0, so a non-empty bucket remains further on
      }
    }
    int mask = t1.length - 1;
    for (Node x = from[rehashIdx]; x != null; ) {
      Node next = x.next;
      int i = x.hash & mask;
      x.next = t1[i];
      t1[i] = x;
      old0--;
      x = next;
    }
    from[rehashIdx++] = null;
    if (old0 == 0) {
      t0 = t1;
      t1 = null;
      rehashIdx = -1;
    }
  }

  /** Number of buckets of both tables (for memory estimates and tests). */
  int buckets() {
    return t0.length + (t1 == null ? 0 : t1.length);
  }

  boolean rehashing() {
    return t1 != null;
  }

  void forEach(PairVisitor v) {
    forEach(t0, v);
    if (t1 != null) {
      forEach(t1, v);
    }
  }

  private static void forEach(Node[] t, PairVisitor v) {
    for (Node head : t) {
      for (Node x = head; x != null; x = x.next) {
        x.visit(v);
      }
    }
  }

  /**
   * One step of Redis's dictScan: visits a bucket (and, while rehashing, its expansions in the
   * larger table) and returns the next cursor.
   */
  long scan(long cursor, PairVisitor v) {
    long c = cursor;
    if (t1 == null) {
      long mask = t0.length - 1;
      visitBucket(t0, (int) (c & mask), v);
      return next(c, mask);
    }
    Node[] small = t0.length <= t1.length ? t0 : t1;
    Node[] large = small == t0 ? t1 : t0;
    long m0 = small.length - 1;
    long m1 = large.length - 1;
    visitBucket(small, (int) (c & m0), v);
    do {
      visitBucket(large, (int) (c & m1), v);
      c = next(c, m1);
    } while ((c & (m0 ^ m1)) != 0);
    return c;
  }

  private static long next(long cursor, long mask) {
    long c = cursor | ~mask;
    c = Long.reverse(c);
    c++;
    return Long.reverse(c);
  }

  private static void visitBucket(Node[] t, int i, PairVisitor v) {
    for (Node x = t[i]; x != null; x = x.next) {
      x.visit(v);
    }
  }

  /** A uniformly chosen bucket's random node (like dictGetRandomKey); the table is not empty. */
  Node random() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Node head;
    if (t1 != null) {
      int span = t0.length + t1.length - rehashIdx; // t0's buckets below rehashIdx are empty
      do {
        int i = rehashIdx + r.nextInt(span);
        head = i >= t0.length ? t1[i - t0.length] : t0[i];
      } while (head == null);
    } else {
      do {
        head = t0[r.nextInt(t0.length)];
      } while (head == null);
    }
    int len = 0;
    for (Node x = head; x != null; x = x.next) {
      len++;
    }
    int k = r.nextInt(len);
    while (k-- > 0) {
      head = head.next;
    }
    return head;
  }

  /** A deep copy, rehashed into one table. */
  HashTable copy() {
    HashTable c = new HashTable();
    int n = INITIAL;
    while (n < size) {
      n <<= 1;
    }
    Node[] t = new Node[n];
    forEach(t0, t);
    if (t1 != null) {
      forEach(t1, t);
    }
    c.t0 = t;
    c.size = size;
    c.payloadBytes = payloadBytes;
    return c;
  }

  private static void forEach(Node[] from, Node[] to) {
    int mask = to.length - 1;
    for (Node head : from) {
      for (Node x = head; x != null; x = x.next) {
        int i = x.hash & mask;
        to[i] = new Node(x.kv.clone(), x.hash, to[i]);
      }
    }
  }

  long memoryBytes() {
    return 32 + arrayBytes(buckets() * 4) + size * 24L + payloadBytes;
  }
}
