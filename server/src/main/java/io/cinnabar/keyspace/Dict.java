package io.cinnabar.keyspace;

import io.cinnabar.util.Bytes;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table of {@link Entry}s keyed by byte strings, looked up by slice so a read
 * allocates nothing.
 *
 * <p>It grows and shrinks by powers of two and rehashes incrementally, like Redis's dict: while a
 * resize is under way two tables exist and every operation moves a few buckets from the old to the
 * new one, so no single command pays for rehashing millions of keys. {@link #scan} uses Redis's
 * reverse-binary cursor, which guarantees that an element present during a whole iteration is
 * returned at least once even if the table grows or shrinks between calls.
 *
 * <p>Not thread safe: owned by the keyspace thread.
 */
public final class Dict {
  private static final int INITIAL_SIZE = 4;

  private Entry[] t0 = new Entry[INITIAL_SIZE];
  private Entry[] t1;
  private int used0;
  private int used1;

  /** Next bucket of t0 to move to t1, or -1 when not rehashing. */
  private int rehashIdx = -1;

  public int size() {
    return used0 + used1;
  }

  public boolean isRehashing() {
    return rehashIdx >= 0;
  }

  /** Number of buckets (both tables while rehashing), for INFO and memory estimates. */
  public long buckets() {
    return t0.length + (t1 == null ? 0 : t1.length);
  }

  public Entry get(byte[] key) {
    return get(key, 0, key.length);
  }

  public Entry get(byte[] b, int off, int len) {
    if (size() == 0) {
      return null;
    }
    if (rehashIdx >= 0) {
      rehashStep(1);
    }
    int h = Bytes.hash(b, off, len);
    for (Entry e = t0[h & (t0.length - 1)]; e != null; e = e.next) {
      if (Bytes.equals(e.key, b, off, len)) {
        return e;
      }
    }
    if (t1 != null) {
      for (Entry e = t1[h & (t1.length - 1)]; e != null; e = e.next) {
        if (Bytes.equals(e.key, b, off, len)) {
          return e;
        }
      }
    }
    return null;
  }

  /** Adds an entry whose key is not present. */
  public void add(Entry e) {
    if (rehashIdx >= 0) {
      rehashStep(1);
    } else if (used0 >= t0.length) {
      startResize(nextPow2((long) used0 + 1));
    }
    int h = Bytes.hash(e.key);
    if (t1 != null) {
      int i = h & (t1.length - 1);
      e.next = t1[i];
      t1[i] = e;
      used1++;
    } else {
      int i = h & (t0.length - 1);
      e.next = t0[i];
      t0[i] = e;
      used0++;
    }
  }

  /** Removes and returns the entry for the key, or null. */
  public Entry remove(byte[] b, int off, int len) {
    if (size() == 0) {
      return null;
    }
    if (rehashIdx >= 0) {
      rehashStep(1);
    }
    int h = Bytes.hash(b, off, len);
    Entry e = unlink(t0, h, b, off, len);
    if (e != null) {
      used0--;
      return e;
    }
    if (t1 != null) {
      e = unlink(t1, h, b, off, len);
      if (e != null) {
        used1--;
      }
    }
    return e;
  }

  public Entry remove(byte[] key) {
    return remove(key, 0, key.length);
  }

  private static Entry unlink(Entry[] t, int h, byte[] b, int off, int len) {
    int i = h & (t.length - 1);
    Entry prev = null;
    for (Entry e = t[i]; e != null; prev = e, e = e.next) {
      if (Bytes.equals(e.key, b, off, len)) {
        if (prev == null) {
          t[i] = e.next;
        } else {
          prev.next = e.next;
        }
        e.next = null;
        return e;
      }
    }
    return null;
  }

  /** Puts {@code replacement} (same key) in the place of {@code old}. */
  public void replace(Entry old, Entry replacement) {
    int h = Bytes.hash(old.key);
    if (!replaceIn(t0, h, old, replacement) && t1 != null) {
      replaceIn(t1, h, old, replacement);
    }
  }

  private static boolean replaceIn(Entry[] t, int h, Entry old, Entry replacement) {
    int i = h & (t.length - 1);
    Entry prev = null;
    for (Entry e = t[i]; e != null; prev = e, e = e.next) {
      if (e == old) {
        replacement.next = old.next;
        old.next = null;
        if (prev == null) {
          t[i] = replacement;
        } else {
          prev.next = replacement;
        }
        return true;
      }
    }
    return false;
  }

  public void clear() {
    t0 = new Entry[INITIAL_SIZE];
    t1 = null;
    used0 = used1 = 0;
    rehashIdx = -1;
  }

  /**
   * Sizes an empty table for {@code n} entries at once (an RDB's RESIZEDB hint), so loading does
   * not grow it step by step. Capped, since the hint comes from a file.
   */
  public void reserve(long n) {
    if (size() != 0 || rehashIdx >= 0) {
      return;
    }
    int target = nextPow2(Math.min(n, 1 << 24));
    if (target > t0.length) {
      t0 = new Entry[target];
    }
  }

  /** Shrinks the table when it is less than 10% full, as Redis's cron does. */
  public void shrinkIfNeeded() {
    if (rehashIdx >= 0) {
      return;
    }
    if (t0.length > INITIAL_SIZE && (long) used0 * 100 / t0.length < 10) {
      int target = nextPow2(Math.max(used0, INITIAL_SIZE));
      if (target < t0.length) {
        startResize(target);
      }
    }
  }

  private static int nextPow2(long n) {
    int s = INITIAL_SIZE;
    while (s < n && s < (1 << 30)) {
      s <<= 1;
    }
    return s;
  }

  private void startResize(int size) {
    if (size == t0.length) {
      return;
    }
    t1 = new Entry[size];
    rehashIdx = 0;
  }

  /**
   * Moves up to {@code n} non-empty buckets from the old table to the new one, visiting at most
   * {@code 10 n} empty buckets. Returns false when rehashing is complete.
   */
  public boolean rehashStep(int n) {
    if (rehashIdx < 0) {
      return false;
    }
    int emptyVisits = n * 10;
    Entry[] from = t0;
    Entry[] to = t1;
    int mask = to.length - 1;
    while (n-- > 0 && used0 != 0) {
      while (from[rehashIdx] == null) {
        rehashIdx++;
        if (--emptyVisits == 0) {
          return true;
        }
      }
      Entry e = from[rehashIdx];
      while (e != null) {
        Entry next = e.next;
        int i = Bytes.hash(e.key) & mask;
        e.next = to[i];
        to[i] = e;
        used0--;
        used1++;
        e = next;
      }
      from[rehashIdx] = null;
      rehashIdx++;
    }
    if (used0 == 0) {
      t0 = t1;
      used0 = used1;
      t1 = null;
      used1 = 0;
      rehashIdx = -1;
      return false;
    }
    return true;
  }

  /** Rehashes for about {@code millis} milliseconds (called from the cron when idle). */
  public void rehashFor(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (rehashStep(100)) {
      if (System.nanoTime() > deadline) {
        return;
      }
    }
  }

  /**
   * Visits one step of a full iteration and returns the next cursor (0 when done). Every entry
   * present from the start to the end of the iteration is visited at least once; some may be
   * visited more than once.
   */
  public long scan(long cursor, Consumer<Entry> visitor) {
    if (size() == 0) {
      return 0;
    }
    long v = cursor;
    if (t1 == null) {
      long m0 = t0.length - 1;
      visitBucket(t0, (int) (v & m0), visitor);
      v |= ~m0;
      v = Long.reverse(v);
      v++;
      v = Long.reverse(v);
    } else {
      Entry[] small = t0;
      Entry[] large = t1;
      if (small.length > large.length) {
        small = t1;
        large = t0;
      }
      long m0 = small.length - 1;
      long m1 = large.length - 1;
      visitBucket(small, (int) (v & m0), visitor);
      do {
        visitBucket(large, (int) (v & m1), visitor);
        v |= ~m1;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
      } while ((v & (m0 ^ m1)) != 0);
    }
    return v;
  }

  private static void visitBucket(Entry[] t, int i, Consumer<Entry> visitor) {
    Entry e = t[i];
    while (e != null) {
      Entry next = e.next; // the visitor may delete e (e.g. lazily expired)
      visitor.accept(e);
      e = next;
    }
  }

  /** A random entry (uniform over buckets, then over the chain), or null if empty. */
  public Entry random() {
    if (size() == 0) {
      return null;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    Entry head;
    if (t1 != null) {
      int span = t0.length + t1.length - rehashIdx;
      do {
        int i = rehashIdx + rnd.nextInt(span);
        head = i >= t0.length ? t1[i - t0.length] : t0[i];
      } while (head == null);
    } else {
      do {
        head = t0[rnd.nextInt(t0.length)];
      } while (head == null);
    }
    int len = 0;
    for (Entry e = head; e != null; e = e.next) {
      len++;
    }
    int pick = rnd.nextInt(len);
    Entry e = head;
    while (pick-- > 0) {
      e = e.next;
    }
    return e;
  }

  /** Visits every entry (no modification allowed during the walk). */
  public void forEach(Consumer<Entry> visitor) {
    for (Entry[] t : new Entry[][] {t0, t1}) {
      if (t == null) {
        continue;
      }
      for (Entry head : t) {
        for (Entry e = head; e != null; e = e.next) {
          visitor.accept(e);
        }
      }
    }
  }
}
