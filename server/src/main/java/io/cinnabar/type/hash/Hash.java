package io.cinnabar.type.hash;

import io.cinnabar.keyspace.DeepCopyable;
import io.cinnabar.keyspace.SizedValue;
import io.cinnabar.keyspace.ValueType;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hash value (Redis's t_hash.c object): a {@link Listpack} while it is small, converted once and
 * for good to a {@link HashTable} when it gets more than hash-max-listpack-entries fields or a
 * field or value longer than hash-max-listpack-value bytes, exactly as Redis does.
 */
public final class Hash implements SizedValue, DeepCopyable {
  private Listpack lp;
  private HashTable ht;

  public Hash() {
    lp = new Listpack(16);
  }

  private Hash(Listpack lp, HashTable ht) {
    this.lp = lp;
    this.ht = ht;
  }

  /**
   * A hash of {@code items} (field, value, field, value...), as RDB loading and RESTORE build it:
   * in one pass at its final encoding (a listpack if it has at most {@code maxEntries} fields and
   * no part longer than {@code maxValue}, else a hashtable, as inserting them one by one would
   * end). Null if a field repeats.
   */
  public static Hash ofPairs(java.util.List<byte[]> items, long maxEntries, long maxValue) {
    int n = items.size() / 2;
    boolean compact = n <= maxEntries;
    long bytes = 0;
    for (byte[] b : items) {
      compact &= b.length <= maxValue;
      bytes += Listpack.varintSize(b.length) + b.length;
    }
    if (compact && bytes < Integer.MAX_VALUE - 16) {
      if (!io.cinnabar.util.Distinct.all(n, i -> items.get(2 * i))) {
        return null;
      }
      Listpack lp = new Listpack((int) Math.max(16, bytes));
      for (int i = 0; i < 2 * n; i += 2) {
        byte[] f = items.get(i);
        byte[] v = items.get(i + 1);
        lp.append(f, 0, f.length, v, 0, v.length);
      }
      return new Hash(lp, null);
    }
    HashTable t = new HashTable();
    for (int i = 0; i < 2 * n; i += 2) {
      byte[] f = items.get(i);
      byte[] v = items.get(i + 1);
      if (!t.put(f, 0, f.length, v, 0, v.length)) {
        return null;
      }
    }
    return new Hash(null, t);
  }

  /** ValueType.ENC_LISTPACK or ENC_HASHTABLE, for OBJECT ENCODING. */
  public byte encoding() {
    return lp != null ? ValueType.ENC_LISTPACK : ValueType.ENC_HASHTABLE;
  }

  public int size() {
    return lp != null ? lp.count : ht.size;
  }

  /** Visits the value of a field; false if the field is absent. */
  public boolean get(byte[] b, int off, int len, PairVisitor v) {
    if (lp != null) {
      int p = lp.find(b, off, len);
      if (p < 0) {
        return false;
      }
      int vp = lp.next(p);
      v.visit(b, off, len, lp.buf, lp.data(vp), lp.len(vp));
      return true;
    }
    HashTable.Node n = ht.find(b, off, len);
    if (n == null) {
      return false;
    }
    n.visit(v);
    return true;
  }

  /** The value of a field as a new array, or null. */
  public byte[] get(byte[] b, int off, int len) {
    byte[][] out = new byte[1][];
    get(
        b,
        off,
        len,
        (fb, fo, fl, vb, vo, vl) -> out[0] = java.util.Arrays.copyOfRange(vb, vo, vo + vl));
    return out[0];
  }

  public boolean contains(byte[] b, int off, int len) {
    return lp != null ? lp.find(b, off, len) >= 0 : ht.find(b, off, len) != null;
  }

  /**
   * Sets a field (Redis's hashTypeSet); converts to a hashtable first if either part is longer than
   * {@code maxValue}, and after inserting if there are more than {@code maxEntries} fields. Returns
   * true if the field is new.
   */
  public boolean set(
      byte[] f, int fo, int fl, byte[] v, int vo, int vl, long maxEntries, long maxValue) {
    if (lp != null && (fl > maxValue || vl > maxValue)) {
      convert();
    }
    if (lp == null) {
      return ht.put(f, fo, fl, v, vo, vl);
    }
    int p = lp.find(f, fo, fl);
    if (p >= 0) {
      lp.replaceValue(p, v, vo, vl);
      return false;
    }
    lp.append(f, fo, fl, v, vo, vl);
    if (lp.count > maxEntries) {
      convert();
    }
    return true;
  }

  /**
   * Converts to the hashtable encoding if any of the arguments is too long (hashTypeTryConversion).
   */
  public void tryConversion(int[] lens, int from, int to, long maxValue) {
    if (lp == null) {
      return;
    }
    for (int i = from; i < to; i++) {
      if (lens[i] > maxValue) {
        convert();
        return;
      }
    }
  }

  private void convert() {
    HashTable t = new HashTable();
    lp.forEach((fb, fo, fl, vb, vo, vl) -> t.put(fb, fo, fl, vb, vo, vl));
    ht = t;
    lp = null;
  }

  public boolean delete(byte[] b, int off, int len) {
    if (lp == null) {
      return ht.remove(b, off, len);
    }
    int p = lp.find(b, off, len);
    if (p < 0) {
      return false;
    }
    lp.removeAt(p);
    return true;
  }

  /** Visits every pair: insertion order for a listpack, table order for a hashtable. */
  public void forEach(PairVisitor v) {
    if (lp != null) {
      lp.forEach(v);
    } else {
      ht.forEach(v);
    }
  }

  /**
   * One HSCAN step: a listpack is returned whole with cursor 0 (as Redis); a hashtable visits one
   * bucket. Returns the next cursor.
   */
  public long scanStep(long cursor, PairVisitor v) {
    if (lp != null) {
      lp.forEach(v);
      return 0;
    }
    return ht.scan(cursor, v);
  }

  public boolean isListpack() {
    return lp != null;
  }

  /** Visits one random pair; the hash is not empty. */
  public void random(PairVisitor v) {
    if (lp != null) {
      lp.visitAt(ThreadLocalRandom.current().nextInt(lp.count), v);
    } else {
      ht.random().visit(v);
    }
  }

  @Override
  public long memoryBytes() {
    return 24 + (lp != null ? 24 + HashTable.arrayBytes(lp.buf.length) : ht.memoryBytes());
  }

  @Override
  public Object deepCopy() {
    return lp != null ? new Hash(new Listpack(lp), null) : new Hash(null, ht.copy());
  }
}
