package io.cinnabar.type.hash;

import io.cinnabar.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hashtable encoding of a large hash: chained buckets (a power of two) of small nodes, each
 * holding its field and value in one byte[] (field length varint, field, value) so a pair costs one
 * node and one array. Resizes all at once (doubling at load 1, halving below 1/10 like Redis's
 * htNeedsResize); {@link #scan} uses Redis's reverse-binary cursor, which stays valid across
 * resizes.
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

    void visit(PairVisitor v) {
      int fo = fieldOff();
      int fl = fieldLen();
      v.visit(kv, fo, fl, kv, fo + fl, kv.length - fo - fl);
    }
  }

  Node[] table = new Node[4];
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
    int h = Bytes.hash(b, off, len);
    for (Node n = table[h & (table.length - 1)]; n != null; n = n.next) {
      if (n.hash == h) {
        int fo = n.fieldOff();
        if (n.fieldLen() == len && Arrays.equals(n.kv, fo, fo + len, b, off, off + len)) {
          return n;
        }
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
    if (size >= table.length) {
      resize(table.length * 2);
    }
    int h = Bytes.hash(f, fo, fl);
    int i = h & (table.length - 1);
    table[i] = new Node(kv, h, table[i]);
    size++;
    return true;
  }

  boolean remove(byte[] b, int off, int len) {
    int h = Bytes.hash(b, off, len);
    int i = h & (table.length - 1);
    Node prev = null;
    for (Node n = table[i]; n != null; prev = n, n = n.next) {
      if (n.hash == h) {
        int fo = n.fieldOff();
        if (n.fieldLen() == len && Arrays.equals(n.kv, fo, fo + len, b, off, off + len)) {
          if (prev == null) {
            table[i] = n.next;
          } else {
            prev.next = n.next;
          }
          size--;
          payloadBytes -= arrayBytes(n.kv.length);
          if (table.length > 4 && size * 10L < table.length) {
            resize(Math.max(4, Integer.highestOneBit(Math.max(size, 1)) * 2));
          }
          return true;
        }
      }
    }
    return false;
  }

  private void resize(int n) {
    Node[] t = new Node[n];
    for (Node head : table) {
      for (Node x = head; x != null; ) {
        Node next = x.next;
        int i = x.hash & (n - 1);
        x.next = t[i];
        t[i] = x;
        x = next;
      }
    }
    table = t;
  }

  void forEach(PairVisitor v) {
    for (Node head : table) {
      for (Node x = head; x != null; x = x.next) {
        x.visit(v);
      }
    }
  }

  /** One step of Redis's dictScan: visits a bucket (and its expansions) and returns the cursor. */
  long scan(long cursor, PairVisitor v) {
    long mask = table.length - 1;
    for (Node x = table[(int) (cursor & mask)]; x != null; x = x.next) {
      x.visit(v);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  /** A uniformly chosen bucket's random node (like dictGetRandomKey); the table is not empty. */
  Node random() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    Node head;
    do {
      head = table[r.nextInt(table.length)];
    } while (head == null);
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

  HashTable copy() {
    HashTable c = new HashTable();
    c.table = new Node[table.length];
    for (int i = 0; i < table.length; i++) {
      Node tail = null;
      for (Node x = table[i]; x != null; x = x.next) {
        Node n = new Node(x.kv.clone(), x.hash, null);
        if (tail == null) {
          c.table[i] = n;
        } else {
          tail.next = n;
        }
        tail = n;
      }
    }
    c.size = size;
    c.payloadBytes = payloadBytes;
    return c;
  }

  long memoryBytes() {
    return 32 + arrayBytes(table.length * 4) + size * 24L + payloadBytes;
  }
}
