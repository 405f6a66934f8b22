package io.cinnabar.cluster;

import java.util.Arrays;

/**
 * An immutable map from each of the 16384 slots to a node index (or {@link ClusterTopology#NONE})
 * for the routing view. It is stored as 64 chunks of 256 slots, so a copy with a few slots changed
 * (every CLUSTER SETSLOT and every gossiped slot move of a reshard publishes one) copies a chunk
 * and the chunk table, 1 KB, where a flat array would copy 32 KB. Reads cost one more load.
 */
public final class SlotMap {
  private static final int BITS = 8;
  private static final int CHUNK = 1 << BITS;
  private static final int MASK = CHUNK - 1;
  private static final short[] NONE_CHUNK = new short[CHUNK];

  static {
    Arrays.fill(NONE_CHUNK, (short) ClusterTopology.NONE);
  }

  /** Every slot unset. */
  public static final SlotMap EMPTY = new SlotMap(filled(), null);

  private final short[][] chunks;

  /** Slots per node index, when known (a derived map keeps its parent's up to date), else null. */
  private int[] counts;

  private SlotMap(short[][] chunks, int[] counts) {
    this.chunks = chunks;
    this.counts = counts;
  }

  private static short[][] filled() {
    short[][] c = new short[SlotHash.SLOTS >> BITS][];
    Arrays.fill(c, NONE_CHUNK);
    return c;
  }

  /** A map with the values of {@code flat} (one per slot), copied. */
  public static SlotMap of(short[] flat) {
    short[][] c = filled();
    for (int i = 0; i < c.length; i++) {
      short[] chunk = Arrays.copyOfRange(flat, i << BITS, (i + 1) << BITS);
      if (!Arrays.equals(chunk, NONE_CHUNK)) {
        c[i] = chunk;
      }
    }
    return new SlotMap(c, null);
  }

  public int get(int slot) {
    return chunks[slot >>> BITS][slot & MASK];
  }

  /** This map with {@code slots[k]} set to {@code values[k]}: this one if nothing changes. */
  public SlotMap with(int[] slots, int[] values, int n) {
    short[][] c = null;
    int[] cnt = counts;
    for (int k = 0; k < n; k++) {
      int slot = slots[k];
      short v = (short) values[k];
      short[][] cur = c == null ? chunks : c;
      short old = cur[slot >>> BITS][slot & MASK];
      if (old == v) {
        continue;
      }
      if (c == null) {
        c = chunks.clone();
        cnt = counts == null ? null : counts.clone();
      }
      short[] chunk = c[slot >>> BITS];
      if (chunk == chunks[slot >>> BITS] || chunk == NONE_CHUNK) {
        chunk = chunk.clone();
        c[slot >>> BITS] = chunk;
      }
      chunk[slot & MASK] = v;
      if (cnt != null) {
        if (old >= 0 && old < cnt.length) {
          cnt[old]--;
        }
        if (v >= 0 && v < cnt.length) {
          cnt[v]++;
        } else if (v >= 0) {
          cnt = null; // a node index beyond the counted ones: count again when asked
        }
      }
    }
    return c == null ? this : new SlotMap(c, cnt);
  }

  /** This map with one slot changed. */
  public SlotMap with(int slot, int value) {
    return with(new int[] {slot}, new int[] {value}, 1);
  }

  /** The number of slots mapped to each node index below {@code nodes}. */
  int[] counts(int nodes) {
    int[] cnt = counts;
    if (cnt == null || cnt.length < nodes) {
      cnt = new int[nodes];
      for (short[] chunk : chunks) {
        if (chunk == NONE_CHUNK) {
          continue;
        }
        for (short v : chunk) {
          if (v >= 0 && v < nodes) {
            cnt[v]++;
          }
        }
      }
      counts = cnt; // immutable once set; a race only computes it twice
    }
    return cnt;
  }

  /** True when every slot is unset. */
  public boolean isEmpty() {
    for (short[] chunk : chunks) {
      if (chunk != NONE_CHUNK) {
        for (short v : chunk) {
          if (v != ClusterTopology.NONE) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
