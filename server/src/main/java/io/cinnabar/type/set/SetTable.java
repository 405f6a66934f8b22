package io.cinnabar.type.set;

import io.cinnabar.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hashtable encoding of a large set: linear probing over one array of member byte[]s (a power
 * of two, at most 3/4 full), so a member costs its array and one slot, with no node objects.
 * Deletion shifts later members of the run back (no tombstones), which keeps every member in the
 * contiguous run that starts at its home slot; {@link #scan} therefore visits home slots in Redis's
 * reverse-binary cursor order and keeps dictScan's guarantee across resizes.
 */
final class SetTable {
  byte[][] slots;
  int size;
  long payloadBytes; // sum of member array sizes

  SetTable(int expected) {
    int cap = 4;
    while (cap * 3L < expected * 4L) {
      cap <<= 1;
    }
    slots = new byte[cap][];
  }

  static long arrayBytes(int len) {
    return (16 + len + 7) & ~7L;
  }

  private int mask() {
    return slots.length - 1;
  }

  private int slotOf(byte[] b, int off, int len) {
    int m = mask();
    for (int p = Bytes.hash(b, off, len) & m; ; p = (p + 1) & m) {
      byte[] x = slots[p];
      if (x == null) {
        return ~p;
      }
      if (x.length == len && Arrays.equals(x, 0, len, b, off, off + len)) {
        return p;
      }
    }
  }

  boolean contains(byte[] b, int off, int len) {
    return slotOf(b, off, len) >= 0;
  }

  /** Adds a member; false if it was present. */
  boolean add(byte[] b, int off, int len) {
    int p = slotOf(b, off, len);
    if (p >= 0) {
      return false;
    }
    if ((size + 1) * 4L > slots.length * 3L) {
      resize(slots.length * 2);
      p = slotOf(b, off, len);
    }
    slots[~p] = Arrays.copyOfRange(b, off, off + len);
    size++;
    payloadBytes += arrayBytes(len);
    return true;
  }

  /** Adds a member the caller knows is absent, taking ownership of the array. */
  void addNew(byte[] m) {
    if ((size + 1) * 4L > slots.length * 3L) {
      resize(slots.length * 2);
    }
    int p = slotOf(m, 0, m.length);
    slots[~p] = m;
    size++;
    payloadBytes += arrayBytes(m.length);
  }

  boolean remove(byte[] b, int off, int len) {
    int p = slotOf(b, off, len);
    if (p < 0) {
      return false;
    }
    payloadBytes -= arrayBytes(len);
    size--;
    // Backward-shift deletion: move later members of the run into the hole when that does not
    // put them before their home slot.
    int m = mask();
    int hole = p;
    for (int j = (hole + 1) & m; slots[j] != null; j = (j + 1) & m) {
      int home = Bytes.hash(slots[j], 0, slots[j].length) & m;
      if (((j - home) & m) >= ((j - hole) & m)) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = null;
    if (slots.length > 4 && size * 10L < slots.length) {
      int cap = 4;
      while (cap * 3L < size * 4L) {
        cap <<= 1;
      }
      resize(Math.max(4, cap * 2));
    }
    return true;
  }

  private void resize(int cap) {
    byte[][] old = slots;
    slots = new byte[cap][];
    int m = cap - 1;
    for (byte[] x : old) {
      if (x != null) {
        int p = Bytes.hash(x, 0, x.length) & m;
        while (slots[p] != null) {
          p = (p + 1) & m;
        }
        slots[p] = x;
      }
    }
  }

  void forEach(MemberVisitor v) {
    for (byte[] x : slots) {
      if (x != null) {
        v.visit(x, 0, x.length);
      }
    }
  }

  /** One step of Redis's dictScan over home slots; returns the next cursor. */
  long scan(long cursor, MemberVisitor v) {
    int m = mask();
    int home = (int) (cursor & m);
    for (int j = home; slots[j] != null; j = (j + 1) & m) {
      byte[] x = slots[j];
      if ((Bytes.hash(x, 0, x.length) & m) == home) {
        v.visit(x, 0, x.length);
      }
      if (((j + 1) & m) == home) {
        break;
      }
    }
    cursor |= ~(long) m;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  /** A random member; the table is not empty. */
  byte[] random() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int m = mask();
    while (true) {
      byte[] x = slots[r.nextInt() & m];
      if (x != null) {
        return x;
      }
    }
  }

  SetTable copy() {
    SetTable c = new SetTable(0);
    c.slots = new byte[slots.length][];
    for (int k = 0; k < slots.length; k++) {
      if (slots[k] != null) {
        c.slots[k] = slots[k].clone();
      }
    }
    c.size = size;
    c.payloadBytes = payloadBytes;
    return c;
  }

  long memoryBytes() {
    return 32 + arrayBytes(slots.length * 4) + payloadBytes;
  }
}
