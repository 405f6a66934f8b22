package io.cinnabar.type.zset;

import io.cinnabar.keyspace.DeepCopyable;
import io.cinnabar.keyspace.SizedValue;
import io.cinnabar.keyspace.ValueType;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set value (Redis's t_zset.c object): a {@link ZListpack} while it holds at most
 * zset-max-listpack-entries members of at most zset-max-listpack-value bytes, else a {@link
 * SkipList}. It converts to the skiplist when a write exceeds those limits and back only on the
 * creation paths that Redis converts on (see {@link #convertToListpackIfNeeded}). Ranks are 0-based
 * and ascending everywhere in this API.
 */
public final class ZSet implements SizedValue, DeepCopyable {
  public static final int NX = 1;
  public static final int XX = 2;
  public static final int GT = 4;
  public static final int LT = 8;
  public static final int INCR = 16;

  public static final int OUT_ADDED = 1;
  public static final int OUT_UPDATED = 2;
  public static final int OUT_NOP = 4;
  public static final int OUT_NAN = 8;

  private ZListpack lp;
  private SkipList sl;

  private ZSet(ZListpack lp, SkipList sl) {
    this.lp = lp;
    this.sl = sl;
  }

  public static ZSet listpack() {
    return new ZSet(new ZListpack(16), null);
  }

  /**
   * A listpack sorted set of {@code n} distinct members given in ascending (score, member) order,
   * built in one pass (RDB loading and RESTORE).
   */
  public static ZSet listpackOfSorted(byte[][] members, double[] scores, int n) {
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      bytes += ZListpack.entrySize(members[i].length, scores[i]);
    }
    ZListpack lp = new ZListpack(16);
    lp.reserve((int) Math.min(bytes, Integer.MAX_VALUE - 16));
    for (int i = 0; i < n; i++) {
      lp.append(members[i], 0, members[i].length, scores[i]);
    }
    return new ZSet(lp, null);
  }

  /** True when (s1, m1) sorts before or equal to (s2, m2), as the listpack orders its entries. */
  public static boolean inOrder(double s1, byte[] m1, double s2, byte[] m2) {
    return ZListpack.compare(s1, m1, 0, m1.length, s2, m2, 0, m2.length) <= 0;
  }

  public static ZSet skiplist() {
    return new ZSet(null, new SkipList());
  }

  /** Redis's zsetTypeCreate: a listpack if the expected size and member length fit, else not. */
  public static ZSet create(long sizeHint, long valueLenHint, long maxEntries, long maxValue) {
    if (sizeHint <= maxEntries && valueLenHint <= maxValue) {
      return new ZSet(new ZListpack(16), null);
    }
    return new ZSet(null, new SkipList());
  }

  public byte encoding() {
    return lp != null ? ValueType.ENC_LISTPACK : ValueType.ENC_SKIPLIST;
  }

  public boolean isListpack() {
    return lp != null;
  }

  public int size() {
    return lp != null ? lp.count : sl.length;
  }

  /** The score of a member, or NaN if absent. */
  public double score(byte[] b, int off, int len) {
    if (lp != null) {
      int p = lp.find(b, off, len);
      return p < 0 ? Double.NaN : lp.score(p);
    }
    SkipList.Node n = sl.find(b, off, len);
    return n == null ? Double.NaN : n.score;
  }

  /**
   * Redis's zsetAdd: adds or updates a member under the NX/XX/GT/LT/INCR flags and returns the OUT_
   * flags; newScore[0] receives the resulting score when it was not a no-op.
   */
  public int add(
      double score,
      byte[] b,
      int off,
      int len,
      int flags,
      long maxEntries,
      long maxValue,
      double[] newScore) {
    if (Double.isNaN(score)) {
      return OUT_NAN;
    }
    double cur = score(b, off, len);
    if (!Double.isNaN(cur)) {
      if ((flags & NX) != 0) {
        return OUT_NOP;
      }
      if ((flags & INCR) != 0) {
        score += cur;
        if (Double.isNaN(score)) {
          return OUT_NAN;
        }
      }
      if (((flags & LT) != 0 && score >= cur) || ((flags & GT) != 0 && score <= cur)) {
        return OUT_NOP;
      }
      if (newScore != null) {
        newScore[0] = score;
      }
      if (score == cur) {
        return 0;
      }
      if (lp != null) {
        lp.removeAt(lp.find(b, off, len));
        lp.insert(b, off, len, score);
      } else {
        sl.updateScore(sl.find(b, off, len), score);
      }
      return OUT_UPDATED;
    }
    if ((flags & XX) != 0) {
      return OUT_NOP;
    }
    if (lp != null && (lp.count + 1 > maxEntries || len > maxValue)) {
      toSkipList();
    }
    insertNew(b, off, len, score);
    if (newScore != null) {
      newScore[0] = score;
    }
    return OUT_ADDED;
  }

  /** Inserts a member known to be absent, without any conversion. */
  public void insertNew(byte[] b, int off, int len, double score) {
    if (lp != null) {
      lp.insert(b, off, len, score);
    } else {
      sl.insert(Arrays.copyOfRange(b, off, off + len), score);
    }
  }

  public boolean remove(byte[] b, int off, int len) {
    if (lp != null) {
      int p = lp.find(b, off, len);
      if (p < 0) {
        return false;
      }
      lp.removeAt(p);
      return true;
    }
    SkipList.Node n = sl.find(b, off, len);
    if (n == null) {
      return false;
    }
    sl.delete(n);
    return true;
  }

  /** The 0-based ascending rank of a member, or -1. */
  public long rank(byte[] b, int off, int len) {
    if (lp != null) {
      int p = lp.find(b, off, len);
      return p < 0 ? -1 : lp.rankOf(p);
    }
    SkipList.Node n = sl.find(b, off, len);
    return n == null ? -1 : sl.rank(n) - 1;
  }

  /** How many members have a score below s (at most s when inclusive). */
  public long countBelow(double s, boolean inclusive) {
    if (lp != null) {
      long r = 0;
      for (int p = 0; p < lp.used; p = lp.next(p)) {
        double v = lp.score(p);
        if (inclusive ? v > s : v >= s) {
          break;
        }
        r++;
      }
      return r;
    }
    return sl.countBelow(s, inclusive);
  }

  /** How many members sort below the slice by bytes (at most equal when inclusive). */
  public long lexCountBelow(byte[] b, int off, int len, boolean inclusive) {
    if (lp != null) {
      long r = 0;
      for (int p = 0; p < lp.used; p = lp.next(p)) {
        int d = lp.data(p);
        int c = Arrays.compareUnsigned(lp.buf, d, d + lp.len(p), b, off, off + len);
        if (inclusive ? c > 0 : c >= 0) {
          break;
        }
        r++;
      }
      return r;
    }
    return sl.lexCountBelow(b, off, len, inclusive);
  }

  /** Visits ranks start..end (0-based, inclusive, valid), descending ranks when rev. */
  public void range(long start, long end, boolean rev, MemberVisitor v) {
    if (start > end) {
      return;
    }
    if (lp != null) {
      if (rev) {
        int[] pos = lp.positions();
        for (long i = end; i >= start; i--) {
          lp.visit(pos[(int) i], v);
        }
      } else {
        int p = lp.at(start);
        for (long i = start; i <= end; i++, p = lp.next(p)) {
          lp.visit(p, v);
        }
      }
      return;
    }
    SkipList.Node n = sl.at((rev ? end : start) + 1);
    for (long i = start; i <= end; i++) {
      v.visit(n.member, 0, n.member.length, n.score);
      n = rev ? n.backward : n.next;
    }
  }

  public void forEach(MemberVisitor v) {
    range(0, size() - 1, false, v);
  }

  /** Removes ranks start..end (0-based, inclusive, valid), visiting each removed member. */
  public void removeRange(long start, long end, MemberVisitor v) {
    if (start > end) {
      return;
    }
    if (lp != null) {
      int p = lp.at(start);
      for (long i = start; i <= end; i++) {
        if (v != null) {
          lp.visit(p, v);
        }
        lp.removeAt(p);
      }
      return;
    }
    sl.deleteRange(start + 1, end + 1, v);
  }

  /** Visits the member at a uniformly random rank (the set is not empty). */
  public void random(MemberVisitor v) {
    long i = ThreadLocalRandom.current().nextLong(size());
    range(i, i, false, v);
  }

  private void toSkipList() {
    SkipList s = new SkipList();
    for (int p = 0; p < lp.used; p = lp.next(p)) {
      int d = lp.data(p);
      s.insert(Arrays.copyOfRange(lp.buf, d, d + lp.len(p)), lp.score(p));
    }
    sl = s;
    lp = null;
  }

  /** Converts to the skiplist if the listpack limits are exceeded (zsetTypeMaybeConvert). */
  public void convertIfNeeded(long maxEntries, long maxValue) {
    if (lp != null && (lp.count > maxEntries || lp.maxMemberLen() > maxValue)) {
      toSkipList();
    }
  }

  /**
   * Redis's zsetConvertToListpackIfNeeded, used by the store commands: a skiplist result small
   * enough for a listpack becomes one.
   */
  public void convertToListpackIfNeeded(long maxElemLen, long maxEntries, long maxValue) {
    if (sl == null || sl.length > maxEntries || maxElemLen > maxValue) {
      return;
    }
    ZListpack l = new ZListpack(16);
    for (SkipList.Node n = sl.header.next; n != null; n = n.next) {
      l.insert(n.member, 0, n.member.length, n.score);
    }
    lp = l;
    sl = null;
  }

  /** One ZSCAN step: a listpack is visited whole (cursor 0 back), a skiplist one slot. */
  public long scanStep(long cursor, MemberVisitor v) {
    if (lp != null) {
      forEach(v);
      return 0;
    }
    return sl.scan(cursor, v);
  }

  @Override
  public long memoryBytes() {
    return 24 + (lp != null ? 24 + SkipList.arrayBytes(lp.buf.length) : sl.bytes);
  }

  @Override
  public Object deepCopy() {
    if (lp != null) {
      return new ZSet(new ZListpack(lp), null);
    }
    SkipList s = new SkipList();
    for (SkipList.Node n = sl.header.next; n != null; n = n.next) {
      s.insert(n.member, n.score);
    }
    return new ZSet(null, s);
  }
}
