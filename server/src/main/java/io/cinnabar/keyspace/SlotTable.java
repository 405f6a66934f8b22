package io.cinnabar.keyspace;

import io.cinnabar.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The keys of a cluster-mode database, one {@link Dict} per hash slot (Redis 7.4's kvstore). A
 * slot's dict exists only while it holds keys, so 16384 empty slots cost one reference each. A
 * Fenwick tree over the slot sizes gives a fair random key (a slot picked with probability
 * proportional to its size) and the next non-empty slot for SCAN in O(log slots).
 */
final class SlotTable {
  static final int SLOTS = SlotHash.SLOTS;
  static final int SLOT_BITS = 14;

  private final Dict[] dicts = new Dict[SLOTS];

  /** Fenwick tree (1-based) of slot sizes. */
  private final int[] tree = new int[SLOTS + 1];

  private int size;

  /** Dicts with an incremental rehash under way, for the cron; may hold freed dicts briefly. */
  private final List<Dict> rehashing = new ArrayList<>();

  private int resizeCursor;

  int size() {
    return size;
  }

  Dict dict(int slot) {
    return dicts[slot];
  }

  Entry get(byte[] b, int off, int len) {
    Dict d = dicts[SlotHash.slot(b, off, len)];
    return d == null ? null : d.get(b, off, len);
  }

  void add(Entry e) {
    int slot = SlotHash.slot(e.key);
    Dict d = dicts[slot];
    if (d == null) {
      d = new Dict();
      dicts[slot] = d;
    }
    boolean was = d.isRehashing();
    d.add(e);
    if (!was && d.isRehashing()) {
      rehashing.add(d);
    }
    update(slot, 1);
  }

  Entry remove(byte[] key) {
    int slot = SlotHash.slot(key);
    Dict d = dicts[slot];
    Entry e = d == null ? null : d.remove(key);
    if (e != null) {
      update(slot, -1);
      if (d.size() == 0) {
        dicts[slot] = null;
      }
    }
    return e;
  }

  void replace(Entry old, Entry replacement) {
    dicts[SlotHash.slot(old.key)].replace(old, replacement);
  }

  private void update(int slot, int delta) {
    size += delta;
    for (int i = slot + 1; i <= SLOTS; i += i & -i) {
      tree[i] += delta;
    }
  }

  /** Number of keys in slots 0..slot. */
  private int prefix(int slot) {
    int s = 0;
    for (int i = slot + 1; i > 0; i -= i & -i) {
      s += tree[i];
    }
    return s;
  }

  /** The slot holding the k-th key (1-based) in slot order. */
  private int slotOfRank(int k) {
    int pos = 0;
    for (int step = SLOTS; step > 0; step >>= 1) {
      int next = pos + step;
      if (next <= SLOTS && tree[next] < k) {
        pos = next;
        k -= tree[next];
      }
    }
    return pos; // tree index pos + 1 is slot pos
  }

  /** The first non-empty slot after {@code slot}, or -1. */
  int nextSlot(int slot) {
    int before = slot < 0 ? 0 : prefix(slot);
    return before >= size ? -1 : slotOfRank(before + 1);
  }

  Entry random() {
    if (size == 0) {
      return null;
    }
    int slot = slotOfRank(ThreadLocalRandom.current().nextInt(size) + 1);
    return dicts[slot].random();
  }

  /**
   * One SCAN step: the cursor holds the slot in its low 14 bits and that slot's dict cursor above.
   * A slot is scanned to its end before the next non-empty slot starts, so Dict's guarantee holds
   * for the whole keyspace.
   */
  long scan(long cursor, Consumer<Entry> visitor) {
    int slot = (int) (cursor & (SLOTS - 1));
    long inner = cursor >>> SLOT_BITS;
    Dict d = dicts[slot];
    if (d == null) {
      inner = 0;
    } else {
      inner = d.scan(inner, visitor);
    }
    if (inner == 0) {
      slot = nextSlot(slot);
      return slot < 0 ? 0 : slot;
    }
    return (inner << SLOT_BITS) | slot;
  }

  void forEach(Consumer<Entry> visitor) {
    for (Dict d : dicts) {
      if (d != null) {
        d.forEach(visitor);
      }
    }
  }

  long buckets() {
    long n = 0;
    for (Dict d : dicts) {
      if (d != null) {
        n += d.buckets();
      }
    }
    return n;
  }

  /**
   * Background upkeep: checks a few slots for shrinking, then rehashes the dicts that are
   * rehashing, about 1 ms in all.
   */
  void cron() {
    for (int i = 0; i < 128; i++) {
      Dict d = dicts[resizeCursor];
      resizeCursor = (resizeCursor + 1) & (SLOTS - 1);
      if (d != null && !d.isRehashing()) {
        d.shrinkIfNeeded();
        if (d.isRehashing()) {
          rehashing.add(d);
        }
      }
    }
    long deadline = System.nanoTime() + 1_000_000;
    while (!rehashing.isEmpty() && System.nanoTime() < deadline) {
      Dict d = rehashing.get(rehashing.size() - 1);
      if (!d.rehashStep(100)) {
        rehashing.remove(rehashing.size() - 1);
      }
    }
  }

  boolean hasRehashing() {
    return !rehashing.isEmpty();
  }
}
