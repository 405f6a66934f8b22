package io.cinnabar.type.list;

import io.cinnabar.keyspace.DeepCopyable;
import io.cinnabar.keyspace.SizedValue;
import java.util.Arrays;

/**
 * A list value as Redis 7.0's quicklist: a doubly linked list of compact {@link Node}s, each one
 * byte[] of length-prefixed entries, bounded by {@code list-max-listpack-size} (negative: bytes per
 * node, -1 = 4 KB ... -5 = 64 KB; positive: entries per node, at most 8 KB). Push and pop at either
 * end are O(1); access by index walks nodes from the nearer end, then entries inside one node.
 */
public final class QuickList implements SizedValue, DeepCopyable {
  /** Receives elements; returns false to stop the walk. */
  public interface Visitor {
    boolean visit(byte[] buf, int off, int len);
  }

  private static final int SAFETY_LIMIT = 8192;
  private static final int[] LEVELS = {4096, 8192, 16384, 32768, 65536};
  private static final long HEADER_BYTES = 48;

  private final int fill;
  private final int maxBytes;
  Node head;
  Node tail;
  private long size;
  private int nodes;
  private long capacity;

  public QuickList(int fill) {
    this.fill = fill;
    this.maxBytes = fill < 0 ? LEVELS[Math.min(-fill, LEVELS.length) - 1] : SAFETY_LIMIT;
  }

  public long size() {
    return size;
  }

  /** Number of nodes (for tests and DEBUG). */
  public int nodeCount() {
    return nodes;
  }

  public int fill() {
    return fill;
  }

  @Override
  public long memoryBytes() {
    return HEADER_BYTES + nodes * Node.OVERHEAD + capacity;
  }

  @Override
  public QuickList deepCopy() {
    QuickList q = new QuickList(fill);
    for (Node n = head; n != null; n = n.next) {
      q.linkAfter(q.tail, new Node(Arrays.copyOfRange(n.buf, n.start, n.end), n.count));
    }
    q.size = size;
    return q;
  }

  // ---- node bookkeeping

  private boolean allowInsert(Node n, int entryBytes) {
    if (n == null) {
      return false;
    }
    if (n.count == 0) {
      return true;
    }
    int newBytes = n.used() + entryBytes;
    if (fill < 0) {
      return newBytes <= maxBytes;
    }
    return n.count < fill && newBytes <= SAFETY_LIMIT;
  }

  private void linkAfter(Node at, Node n) {
    n.prev = at;
    n.next = at == null ? head : at.next;
    if (n.next != null) {
      n.next.prev = n;
    } else {
      tail = n;
    }
    if (at != null) {
      at.next = n;
    } else {
      head = n;
    }
    nodes++;
    capacity += n.buf.length;
  }

  private void linkBefore(Node at, Node n) {
    linkAfter(at == null ? tail : at.prev, n);
  }

  private void unlink(Node n) {
    if (n.prev != null) {
      n.prev.next = n.next;
    } else {
      head = n.next;
    }
    if (n.next != null) {
      n.next.prev = n.prev;
    } else {
      tail = n.prev;
    }
    nodes--;
    capacity -= n.buf.length;
  }

  /** Shrinks a node that will take no more pushes to its exact size. */
  private void trim(Node n) {
    if (n != null && n.buf.length > n.used()) {
      capacity -= n.buf.length;
      n.compact(0, 0);
      capacity += n.buf.length;
    }
  }

  /** Drops the free room of the end nodes (after a bulk push, when no more may come). */
  public void trimEnds() {
    trim(head);
    if (tail != head) {
      trim(tail);
    }
  }

  private void grow(Node n, int front, int back) {
    capacity -= n.buf.length;
    n.makeRoom(front, back, maxBytes);
    capacity += n.buf.length;
  }

  // ---- ends

  public void pushTail(byte[] b, int off, int len) {
    int sz = Node.entrySize(len);
    if (!allowInsert(tail, sz)) {
      trim(tail);
      linkAfter(tail, new Node(new byte[Math.min(Math.max(sz, 64), Math.max(sz, maxBytes))]));
    }
    Node n = tail;
    if (n.buf.length - n.end < sz) {
      grow(n, 0, sz);
    }
    n.end = Node.write(n.buf, n.end, b, off, len);
    n.count++;
    size++;
  }

  public void pushHead(byte[] b, int off, int len) {
    int sz = Node.entrySize(len);
    if (!allowInsert(head, sz)) {
      trim(head);
      int cap = Math.min(Math.max(sz, 64), Math.max(sz, maxBytes));
      Node n = new Node(new byte[cap]);
      n.start = n.end = cap;
      linkBefore(head, n);
    }
    Node n = head;
    if (n.start < sz) {
      grow(n, sz, 0);
    }
    n.start -= sz;
    Node.write(n.buf, n.start, b, off, len);
    n.count++;
    size++;
  }

  public void push(boolean atHead, byte[] b) {
    if (atHead) {
      pushHead(b, 0, b.length);
    } else {
      pushTail(b, 0, b.length);
    }
  }

  /** Removes and returns the first element, or null if empty. */
  public byte[] popHead() {
    Node n = head;
    if (n == null) {
      return null;
    }
    byte[] v = n.get(n.start);
    removeAt(n, n.start);
    return v;
  }

  public byte[] popTail() {
    Node n = tail;
    if (n == null) {
      return null;
    }
    int p = n.prev(n.end);
    byte[] v = n.get(p);
    removeAt(n, p);
    return v;
  }

  public byte[] pop(boolean atHead) {
    return atHead ? popHead() : popTail();
  }

  /** Removes the entry at byte offset p of node n; drops the node if it empties. */
  private void removeAt(Node n, int p) {
    n.remove(p);
    size--;
    if (n.count == 0) {
      unlink(n);
    }
  }

  // ---- access by index

  /**
   * Node holding element {@code index} (0 &le; index &lt; size); {@code base[0]} = its first index.
   */
  private Node nodeOf(long index, long[] base) {
    if (index < size / 2) {
      long b = 0;
      for (Node n = head; ; n = n.next) {
        if (index < b + n.count) {
          base[0] = b;
          return n;
        }
        b += n.count;
      }
    }
    long b = size;
    for (Node n = tail; ; n = n.prev) {
      b -= n.count;
      if (index >= b) {
        base[0] = b;
        return n;
      }
    }
  }

  private static int offsetIn(Node n, int i) {
    if (i < n.count / 2) {
      int p = n.start;
      for (int k = 0; k < i; k++) {
        p = n.next(p);
      }
      return p;
    }
    int p = n.end;
    for (int k = n.count; k > i; k--) {
      p = n.prev(p);
    }
    return p;
  }

  /** Element at a zero-based index (already normalized), or null when out of range. */
  public byte[] get(long index) {
    if (index < 0 || index >= size) {
      return null;
    }
    long[] base = new long[1];
    Node n = nodeOf(index, base);
    return n.get(offsetIn(n, (int) (index - base[0])));
  }

  /** Replaces the element at a normalized index; false when out of range. */
  public boolean set(long index, byte[] v) {
    if (index < 0 || index >= size) {
      return false;
    }
    long[] base = new long[1];
    Node n = nodeOf(index, base);
    int p = offsetIn(n, (int) (index - base[0]));
    int old = n.next(p) - p;
    int sz = Node.entrySize(v.length);
    if (sz > old && n.buf.length - n.end < sz - old) {
      int shift = n.start;
      grow(n, 0, sz - old);
      p += n.start - shift;
    }
    n.replace(p, old, v);
    afterInsert(n);
    return true;
  }

  /** Splits a node that grew past its limit by a middle insert. */
  private void afterInsert(Node n) {
    if (n.count > 1 && (n.used() > maxBytes || (fill > 0 && n.count > fill))) {
      int half = n.count / 2;
      int p = n.start;
      for (int k = 0; k < half; k++) {
        p = n.next(p);
      }
      Node right = new Node(Arrays.copyOfRange(n.buf, p, n.end), n.count - half);
      capacity -= n.buf.length;
      n.end = p;
      n.count = half;
      n.compact(0, 0);
      capacity += n.buf.length;
      linkAfter(n, right);
      afterInsert(n);
      afterInsert(right);
    }
  }

  /**
   * Merges a node that shrank with its already visited neighbour (the previous one when walking
   * towards the tail) when both fit in one node, so a walk in progress stays valid.
   */
  private void afterRemove(Node n, boolean forward) {
    if (n.count == 0) {
      unlink(n);
    } else if (forward && n.prev != null && fits(n.prev, n)) {
      merge(n.prev, n);
    } else if (!forward && n.next != null && fits(n, n.next)) {
      merge(n, n.next);
    }
  }

  private boolean fits(Node a, Node b) {
    int bytes = a.used() + b.used();
    return fill < 0 ? bytes <= maxBytes : a.count + b.count <= fill && bytes <= SAFETY_LIMIT;
  }

  private void merge(Node a, Node b) {
    unlink(b);
    capacity -= a.buf.length;
    byte[] nb = new byte[a.used() + b.used()];
    System.arraycopy(a.buf, a.start, nb, 0, a.used());
    System.arraycopy(b.buf, b.start, nb, a.used(), b.used());
    a.buf = nb;
    a.start = 0;
    a.end = nb.length;
    a.count += b.count;
    capacity += nb.length;
  }

  /**
   * Inserts {@code v} before or after the first element equal to {@code pivot}; returns false if
   * there is none.
   */
  public boolean insert(byte[] pivot, int poff, int plen, byte[] v, boolean after) {
    for (Node n = head; n != null; n = n.next) {
      for (int p = n.start; p < n.end; p = n.next(p)) {
        if (n.equalsAt(p, pivot, poff, plen)) {
          int at = after ? n.next(p) : p;
          int sz = Node.entrySize(v.length);
          if (n.buf.length - n.end < sz) {
            int shift = n.start;
            grow(n, 0, sz);
            at += n.start - shift;
          }
          n.insert(at, v, 0, v.length);
          size++;
          afterInsert(n);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Removes elements equal to {@code v}: the first {@code count} from the head if count &gt; 0, the
   * last -count from the tail if count &lt; 0, all if 0. Returns how many were removed.
   */
  public long remove(byte[] v, int off, int len, long count) {
    long removed = 0;
    long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
    if (count >= 0) {
      Node n = head;
      while (n != null && removed < limit) {
        Node next = n.next;
        int p = n.start;
        boolean changed = false;
        while (p < n.end && removed < limit) {
          if (n.equalsAt(p, v, off, len)) {
            boolean first = p == n.start;
            n.remove(p);
            size--;
            removed++;
            changed = true;
            if (first) {
              p = n.start; // removing the first entry advances start instead
            }
          } else {
            p = n.next(p);
          }
        }
        if (changed) {
          afterRemove(n, true);
        }
        n = next;
      }
    } else {
      Node n = tail;
      while (n != null && removed < limit) {
        Node prev = n.prev;
        int p = n.end;
        boolean changed = false;
        while (p > n.start && removed < limit) {
          int q = n.prev(p);
          if (n.equalsAt(q, v, off, len)) {
            boolean first = q == n.start;
            n.remove(q);
            size--;
            removed++;
            changed = true;
            p = first ? n.start : q; // removing the first entry advances start instead
          } else {
            p = q;
          }
        }
        if (changed) {
          afterRemove(n, false);
        }
        n = prev;
      }
    }
    return removed;
  }

  /** Removes {@code n} elements from the head (n &le; size). */
  public void removeHead(long n) {
    while (n > 0) {
      Node h = head;
      if (h.count <= n) {
        n -= h.count;
        size -= h.count;
        unlink(h);
      } else {
        for (; n > 0; n--) {
          removeAt(h, h.start);
        }
      }
    }
  }

  /** Removes {@code n} elements from the tail (n &le; size). */
  public void removeTail(long n) {
    while (n > 0) {
      Node t = tail;
      if (t.count <= n) {
        n -= t.count;
        size -= t.count;
        unlink(t);
      } else {
        t.end = offsetIn(t, (int) (t.count - n));
        t.count -= (int) n;
        size -= n;
        n = 0;
      }
    }
  }

  /**
   * Visits elements from {@code from} (a normalized index) towards the tail, or towards the head
   * when {@code reverse}, until the visitor returns false or the list ends.
   */
  public void walk(long from, boolean reverse, Visitor v) {
    if (from < 0 || from >= size) {
      return;
    }
    long[] base = new long[1];
    Node n = nodeOf(from, base);
    int p = offsetIn(n, (int) (from - base[0]));
    if (!reverse) {
      while (n != null) {
        for (; p < n.end; p = n.next(p)) {
          if (!n.visit(p, v)) {
            return;
          }
        }
        n = n.next;
        if (n != null) {
          p = n.start;
        }
      }
    } else {
      while (n != null) {
        while (true) {
          if (!n.visit(p, v)) {
            return;
          }
          if (p == n.start) {
            break;
          }
          p = n.prev(p);
        }
        n = n.prev;
        if (n != null) {
          p = n.prev(n.end);
        }
      }
    }
  }

  /** Visits every element head to tail. */
  public void forEach(Visitor v) {
    walk(0, false, v);
  }
}
