package io.cinnabar.type.zset;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The large encoding of a sorted set (Redis's zskiplist plus its member dict): a skiplist ordered
 * by (score, member) with spans for ranks, and an open-addressing index from member to node. Nodes
 * keep their level-0 links in fields (level-0 spans are always 1) and only the quarter of nodes
 * taller than one level carry arrays, which keeps a member near 90 bytes.
 */
final class SkipList {
  static final int MAX_LEVEL = 32;

  static final class Node {
    final byte[] member;
    double score;
    Node backward;
    Node next;
    Node[] up; // forward pointers of levels 1.. (null for a level-1 node)
    int[] upSpan;

    Node(byte[] member, double score, int level) {
      this.member = member;
      this.score = score;
      if (level > 1) {
        up = new Node[level - 1];
        upSpan = new int[level - 1];
      }
    }

    int level() {
      return up == null ? 1 : up.length + 1;
    }
  }

  /** Per-thread search paths, so an insert or delete allocates nothing but its node. */
  private static final class Scratch {
    final Node[] update = new Node[MAX_LEVEL];
    final int[] rank = new int[MAX_LEVEL];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  final Node header = new Node(null, 0, MAX_LEVEL);
  Node tail;
  int length;
  int level = 1;
  private Node[] table = new Node[16];
  private int tableUsed;
  long bytes = 64 + 2 * arrayBytes(4 * (MAX_LEVEL - 1)) + arrayBytes(4 * 16);

  static long arrayBytes(long payload) {
    return (16 + payload + 7) & ~7L;
  }

  private static long nodeBytes(Node n) {
    long b = 40 + arrayBytes(n.member.length);
    if (n.up != null) {
      b += 2 * arrayBytes(4L * n.up.length);
    }
    return b;
  }

  private static Node fwd(Node x, int i) {
    return i == 0 ? x.next : x.up[i - 1];
  }

  private static void setFwd(Node x, int i, Node n) {
    if (i == 0) {
      x.next = n;
    } else {
      x.up[i - 1] = n;
    }
  }

  private static int span(Node x, int i) {
    return i == 0 ? 1 : x.upSpan[i - 1];
  }

  private static void setSpan(Node x, int i, int s) {
    if (i > 0) {
      x.upSpan[i - 1] = s;
    }
  }

  static int cmp(byte[] a, byte[] b, int off, int len) {
    return Arrays.compareUnsigned(a, 0, a.length, b, off, off + len);
  }

  /** True if node f sorts before (score, member). */
  private static boolean before(Node f, double score, byte[] m) {
    return f.score < score || (f.score == score && cmp(f.member, m, 0, m.length) < 0);
  }

  private static int randomLevel() {
    int lvl = 1;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (lvl < MAX_LEVEL && (r.nextInt() & 0xFFFF) < (0xFFFF >> 2)) {
      lvl++;
    }
    return lvl;
  }

  /** Inserts a member that is not present. */
  Node insert(byte[] member, double score) {
    Scratch sc = SCRATCH.get();
    Node[] update = sc.update;
    int[] rank = sc.rank;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      Node f;
      while ((f = fwd(x, i)) != null && before(f, score, member)) {
        rank[i] += span(x, i);
        x = f;
      }
      update[i] = x;
    }
    int lvl = randomLevel();
    if (lvl > level) {
      for (int i = level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = header;
        setSpan(header, i, length);
      }
      level = lvl;
    }
    x = new Node(member, score, lvl);
    for (int i = 0; i < lvl; i++) {
      setFwd(x, i, fwd(update[i], i));
      setFwd(update[i], i, x);
      if (i > 0) {
        setSpan(x, i, span(update[i], i) - (rank[0] - rank[i]));
        setSpan(update[i], i, rank[0] - rank[i] + 1);
      }
    }
    for (int i = lvl; i < level; i++) {
      setSpan(update[i], i, span(update[i], i) + 1);
    }
    x.backward = update[0] == header ? null : update[0];
    if (x.next != null) {
      x.next.backward = x;
    } else {
      tail = x;
    }
    length++;
    Arrays.fill(update, null); // the scratch must not keep a deleted list reachable
    indexPut(x);
    bytes += nodeBytes(x);
    return x;
  }

  private Node[] updateFor(Node n) {
    Node[] update = SCRATCH.get().update;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null && f != n && before(f, n.score, n.member)) {
        x = f;
      }
      update[i] = x;
    }
    return update;
  }

  private void unlink(Node x, Node[] update) {
    for (int i = 0; i < level; i++) {
      if (fwd(update[i], i) == x) {
        setSpan(update[i], i, span(update[i], i) + span(x, i) - 1);
        setFwd(update[i], i, fwd(x, i));
      } else {
        setSpan(update[i], i, span(update[i], i) - 1);
      }
    }
    if (x.next != null) {
      x.next.backward = x.backward;
    } else {
      tail = x.backward;
    }
    while (level > 1 && fwd(header, level - 1) == null) {
      level--;
    }
    length--;
    indexRemove(x);
    bytes -= nodeBytes(x);
  }

  void delete(Node n) {
    Node[] update = updateFor(n);
    unlink(n, update);
    Arrays.fill(update, null);
  }

  /** Changes a node's score, moving it if its position changes; returns the live node. */
  Node updateScore(Node x, double score) {
    if ((x.backward == null || x.backward.score < score)
        && (x.next == null || x.next.score > score)) {
      x.score = score;
      return x;
    }
    delete(x);
    return insert(x.member, score);
  }

  /** 1-based rank of a node in the list. */
  long rank(Node n) {
    long r = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null
          && (f == n
              || f.score < n.score
              || (f.score == n.score && cmp(f.member, n.member, 0, n.member.length) <= 0))) {
        r += span(x, i);
        x = f;
        if (x == n) {
          return r;
        }
      }
    }
    return r;
  }

  /** The node at a 1-based rank, or null. */
  Node at(long rank) {
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null && traversed + span(x, i) <= rank) {
        traversed += span(x, i);
        x = f;
      }
      if (traversed == rank) {
        return x == header ? null : x;
      }
    }
    return null;
  }

  /** How many elements have a score below s (or at most s when inclusive). */
  long countBelow(double s, boolean inclusive) {
    long r = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null && (inclusive ? f.score <= s : f.score < s)) {
        r += span(x, i);
        x = f;
      }
    }
    return r;
  }

  /** How many members sort below the slice (or at most equal when inclusive), by bytes only. */
  long lexCountBelow(byte[] b, int off, int len, boolean inclusive) {
    long r = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null) {
        int c = cmp(f.member, b, off, len);
        if (inclusive ? c > 0 : c >= 0) {
          break;
        }
        r += span(x, i);
        x = f;
      }
    }
    return r;
  }

  /** Removes the elements of 1-based ranks start..end, visiting each first. */
  void deleteRange(long start, long end, MemberVisitor v) {
    Node[] update = new Node[MAX_LEVEL];
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      Node f;
      while ((f = fwd(x, i)) != null && traversed + span(x, i) < start) {
        traversed += span(x, i);
        x = f;
      }
      update[i] = x;
    }
    traversed++;
    x = x.next;
    while (x != null && traversed <= end) {
      Node next = x.next;
      if (v != null) {
        v.visit(x.member, 0, x.member.length, x.score);
      }
      unlink(x, update);
      traversed++;
      x = next;
    }
  }

  // ---- member index: open addressing with linear probing, no boxing

  static int hash(byte[] b, int off, int len) {
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    return h ^ (h >>> 13);
  }

  Node find(byte[] b, int off, int len) {
    int mask = table.length - 1;
    for (int i = hash(b, off, len) & mask; ; i = (i + 1) & mask) {
      Node n = table[i];
      if (n == null) {
        return null;
      }
      if (n.member.length == len && Arrays.equals(n.member, 0, len, b, off, off + len)) {
        return n;
      }
    }
  }

  private void indexPut(Node x) {
    if ((tableUsed + 1) * 4L > table.length * 3L) {
      resize(table.length * 2);
    }
    place(table, x);
    tableUsed++;
  }

  private static void place(Node[] t, Node x) {
    int mask = t.length - 1;
    int i = hash(x.member, 0, x.member.length) & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = x;
  }

  private void resize(int cap) {
    Node[] old = table;
    table = new Node[cap];
    for (Node n : old) {
      if (n != null) {
        place(table, n);
      }
    }
    bytes += 4L * (cap - old.length);
  }

  private void indexRemove(Node x) {
    int mask = table.length - 1;
    int i = hash(x.member, 0, x.member.length) & mask;
    while (table[i] != x) {
      i = (i + 1) & mask;
    }
    table[i] = null;
    tableUsed--;
    for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
      Node n = table[j];
      int k = hash(n.member, 0, n.member.length) & mask;
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        table[i] = n;
        table[j] = null;
        i = j;
      }
    }
    if (table.length > 16 && tableUsed * 8L < table.length) {
      resize(table.length / 2);
    }
  }

  /**
   * One ZSCAN step with Redis's reverse-binary cursor over home slots: visits the members whose
   * hash maps to slot {@code cursor & mask} (they lie in the probe run starting there), returns the
   * next cursor, 0 when done. As with Redis's dict, a member present for the whole scan is returned
   * at least once even if the index grows or shrinks between calls.
   */
  long scan(long cursor, MemberVisitor v) {
    int mask = table.length - 1;
    int home = (int) (cursor & mask);
    for (int i = home; table[i] != null; i = (i + 1) & mask) {
      Node n = table[i];
      if ((hash(n.member, 0, n.member.length) & mask) == home) {
        v.visit(n.member, 0, n.member.length, n.score);
      }
    }
    cursor |= ~(long) mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }
}
