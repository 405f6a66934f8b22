package io.cinnabar.type.set;

import io.cinnabar.keyspace.DeepCopyable;
import io.cinnabar.keyspace.SizedValue;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.util.Numbers;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A set value (Redis 7.0's t_set.c object): an {@link IntSet} while every member is an integer
 * (string2ll rules) and there are at most set-max-intset-entries of them, else a {@link SetTable}.
 * Like Redis 7.0 it never converts back, except that a new set starts as an intset when its first
 * member is an integer (setTypeCreate).
 */
public final class SetValue implements SizedValue, DeepCopyable {
  private IntSet is;
  private SetTable ht;

  /** An unlikely parse result, rechecked with isLong: saves parsing most members twice. */
  private static final long NOT_LONG = Long.MIN_VALUE + 0x5E7;

  /** The member as a long (string2ll), or NOT_LONG when it is not one. */
  private static long asLong(byte[] b, int off, int len) {
    long v = Numbers.parseLongOr(b, off, len, NOT_LONG);
    if (v == NOT_LONG && !Numbers.isLong(b, off, len)) {
      return NOT_LONG;
    }
    return v;
  }

  private static boolean isLong(long v, byte[] b, int off, int len) {
    return v != NOT_LONG || Numbers.isLong(b, off, len);
  }

  private SetValue(IntSet is, SetTable ht) {
    this.is = is;
    this.ht = ht;
  }

  /** Redis's setTypeCreate: the encoding a new set gets from its first member. */
  public static SetValue createFor(byte[] b, int off, int len) {
    return Numbers.isLong(b, off, len) ? new SetValue(new IntSet(), null) : hashtable(0);
  }

  /** An empty intset-encoded set (createIntsetObject). */
  public static SetValue intset() {
    return new SetValue(new IntSet(), null);
  }

  /** An empty hashtable-encoded set sized for {@code expected} members. */
  public static SetValue hashtable(int expected) {
    return new SetValue(null, new SetTable(expected));
  }

  /** ValueType.ENC_INTSET or ENC_HASHTABLE, for OBJECT ENCODING. */
  public byte encoding() {
    return is != null ? ValueType.ENC_INTSET : ValueType.ENC_HASHTABLE;
  }

  public boolean isIntset() {
    return is != null;
  }

  public int size() {
    return is != null ? is.count : ht.size;
  }

  public boolean contains(byte[] b, int off, int len) {
    if (is != null) {
      long v = asLong(b, off, len);
      return isLong(v, b, off, len) && is.contains(v);
    }
    return ht.contains(b, off, len);
  }

  public boolean contains(byte[] m) {
    return contains(m, 0, m.length);
  }

  /**
   * Adds a member (setTypeAdd): an intset converts to a hashtable for a non-integer member, or
   * after the add when it holds more than {@code maxIntset} members. True if the member is new.
   */
  public boolean add(byte[] b, int off, int len, long maxIntset) {
    if (is != null) {
      long v = asLong(b, off, len);
      if (isLong(v, b, off, len)) {
        if (!is.add(v)) {
          return false;
        }
        if (is.count > maxIntset) {
          convert(is.count);
        }
        return true;
      }
      convert(is.count + 1);
    }
    return ht.add(b, off, len);
  }

  public boolean add(byte[] m, long maxIntset) {
    return add(m, 0, m.length, maxIntset);
  }

  private void convert(int expected) {
    SetTable t = new SetTable(expected);
    for (int k = 0; k < is.count; k++) {
      t.addNew(Numbers.toBytes(is.get(k)));
    }
    ht = t;
    is = null;
  }

  public boolean remove(byte[] b, int off, int len) {
    if (is != null) {
      long v = asLong(b, off, len);
      return isLong(v, b, off, len) && is.remove(v);
    }
    return ht.remove(b, off, len);
  }

  public boolean remove(byte[] m) {
    return remove(m, 0, m.length);
  }

  /** Visits every member: ascending for an intset, table order for a hashtable. */
  public void forEach(MemberVisitor v) {
    if (is != null) {
      byte[] buf = new byte[20];
      for (int k = 0; k < is.count; k++) {
        int n = Numbers.writeLong(is.get(k), buf, 0);
        v.visit(buf, 0, n);
      }
    } else {
      ht.forEach(v);
    }
  }

  /** The members as new arrays, in iteration order. */
  public byte[][] toArray() {
    byte[][] out = new byte[size()][];
    int[] n = {0};
    forEach((b, o, l) -> out[n[0]++] = java.util.Arrays.copyOfRange(b, o, o + l));
    return out;
  }

  /**
   * One SSCAN step: an intset is returned whole with cursor 0 (as Redis); a hashtable visits one
   * home slot. Returns the next cursor.
   */
  public long scanStep(long cursor, MemberVisitor v) {
    if (is != null) {
      forEach(v);
      return 0;
    }
    return ht.scan(cursor, v);
  }

  /** A random member as a new array (or the stored one for a hashtable: do not modify it). */
  public byte[] random() {
    if (is != null) {
      return Numbers.toBytes(is.get(ThreadLocalRandom.current().nextInt(is.count)));
    }
    return ht.random();
  }

  @Override
  public long memoryBytes() {
    return 24 + (is != null ? is.memoryBytes() : ht.memoryBytes());
  }

  @Override
  public Object deepCopy() {
    return is != null ? new SetValue(new IntSet(is), null) : new SetValue(null, ht.copy());
  }
}
