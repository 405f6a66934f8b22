package io.cinnabar.util;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Linear-time duplicate detection for byte strings (loading a hash's fields or a sorted set's
 * members from RDB or RESTORE, where a repeated one makes the payload invalid): an open-addressing
 * table of indexes sized to the input, compared by content only on equal hash slots.
 */
public final class Distinct {
  private Distinct() {}

  /** True when {@code at(0) .. at(n - 1)} are pairwise different. */
  public static boolean all(int n, IntFunction<byte[]> at) {
    if (n < 2) {
      return true;
    }
    if (n > 1 << 26) {
      java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) {
        if (!seen.add(java.nio.ByteBuffer.wrap(at.apply(i)))) {
          return false;
        }
      }
      return true;
    }
    int cap = Integer.highestOneBit(n) << 2; // at least 2n: short probe runs
    int mask = cap - 1;
    int[] table = new int[cap]; // index + 1; 0 is empty
    for (int i = 0; i < n; i++) {
      byte[] b = at.apply(i);
      int h = Arrays.hashCode(b);
      int p = (h ^ (h >>> 16)) & mask;
      while (table[p] != 0) {
        if (Arrays.equals(at.apply(table[p] - 1), b)) {
          return false;
        }
        p = (p + 1) & mask;
      }
      table[p] = i + 1;
    }
    return true;
  }
}
