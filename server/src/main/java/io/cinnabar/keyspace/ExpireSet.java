package io.cinnabar.keyspace;

import java.util.Arrays;

/**
 * The keys of a database that have a time to live, in a dense array: add and remove are O(1) (a
 * removed slot is filled by the last element) and a uniformly random sample is one array read,
 * which is what the active expiry cycle needs.
 */
final class ExpireSet {
  private ExpiringEntry[] items = new ExpiringEntry[16];
  private int size;

  int size() {
    return size;
  }

  void add(ExpiringEntry e) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    e.expireSlot = size;
    items[size++] = e;
  }

  void remove(ExpiringEntry e) {
    int i = e.expireSlot;
    if (i < 0) {
      return;
    }
    ExpiringEntry last = items[--size];
    items[i] = last;
    last.expireSlot = i;
    items[size] = null;
    e.expireSlot = -1;
    if (items.length > 64 && size < items.length / 8) {
      items = Arrays.copyOf(items, items.length / 2);
    }
  }

  ExpiringEntry get(int i) {
    return items[i];
  }

  void clear() {
    items = new ExpiringEntry[16];
    size = 0;
  }
}
