package io.cinnabar.command;

/** A reusable list of argument indexes that hold keys. */
public final class KeyPositions {
  private int[] idx = new int[8];
  private int size;

  public void clear() {
    size = 0;
  }

  public void add(int i) {
    if (size == idx.length) {
      idx = java.util.Arrays.copyOf(idx, size * 2);
    }
    idx[size++] = i;
  }

  public int size() {
    return size;
  }

  public int get(int i) {
    return idx[i];
  }
}
