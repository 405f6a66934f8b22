package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Distinct;
import io.cinnabar.util.Doubles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Sorted sets: ZSET_LISTPACK (one listpack of member, score-text pairs in score order) for the
 * listpack encoding, ZSET_2 (count, then member string and binary double, highest score first, as
 * Redis walks its skiplist from the tail) for the skiplist. Loading picks the encoding Redis would:
 * a skiplist payload small enough becomes a listpack, a listpack payload with too many entries a
 * skiplist.
 */
final class RdbZsets implements ValueCodec {
  @Override
  public int rdbType(Object value, byte encoding) {
    return ((ZSet) value).isListpack() ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
  }

  @Override
  public void save(RdbOutput out, Object value, byte encoding) throws IOException {
    ZSet z = (ZSet) value;
    if (z.isListpack()) {
      ListpackCodec.Writer w = new ListpackCodec.Writer();
      z.forEach(
          (b, off, len, score) -> {
            w.append(b, off, len);
            byte[] s = Doubles.format(score); // Redis's d2string: integers as integers
            w.append(s, 0, s.length);
          });
      out.writeString(w.finish());
      return;
    }
    out.writeLen(z.size());
    IOException[] failed = {null};
    z.range(
        0,
        z.size() - 1,
        true,
        (b, off, len, score) -> {
          if (failed[0] == null) {
            try {
              out.writeString(b, off, len);
              out.writeBinaryDouble(score);
            } catch (IOException e) {
              failed[0] = e;
            }
          }
        });
    if (failed[0] != null) {
      throw failed[0];
    }
  }

  /**
   * The listpack of {@code items} in one pass: they come ascending (ZSET_LISTPACK), descending
   * (ZSET_2 writes the skiplist from its tail) or, from a foreign or corrupt payload, in any order.
   */
  private static ZSet listpackOf(List<RdbCollections.Scored> items) {
    int n = items.size();
    boolean ascending = true;
    boolean descending = true;
    for (int i = 1; i < n && (ascending || descending); i++) {
      RdbCollections.Scored a = items.get(i - 1);
      RdbCollections.Scored b = items.get(i);
      ascending &= ZSet.inOrder(a.score(), a.member(), b.score(), b.member());
      descending &= ZSet.inOrder(b.score(), b.member(), a.score(), a.member());
    }
    List<RdbCollections.Scored> sorted = items;
    if (!ascending) {
      sorted = new ArrayList<>(items);
      if (descending) {
        Collections.reverse(sorted);
      } else {
        sorted.sort(
            (a, b) ->
                ZSet.inOrder(a.score(), a.member(), b.score(), b.member())
                    ? (ZSet.inOrder(b.score(), b.member(), a.score(), a.member()) ? 0 : -1)
                    : 1);
      }
    }
    byte[][] members = new byte[n][];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      members[i] = sorted.get(i).member();
      scores[i] = sorted.get(i).score();
    }
    return ZSet.listpackOfSorted(members, scores, n);
  }

  @Override
  public Loaded load(RdbInput in, int rdbType, Config config) throws RdbException {
    List<RdbCollections.Scored> items = RdbCollections.readZset(in, rdbType);
    if (items.isEmpty()) {
      return null;
    }
    long maxEntries = config.zsetMaxListpackEntries;
    long maxValue = config.zsetMaxListpackValue;
    boolean compactPayload = rdbType == Rdb.TYPE_ZSET_LISTPACK || rdbType == Rdb.TYPE_ZSET_ZIPLIST;
    ZSet z;
    if (compactPayload) {
      // Redis keeps a compact payload compact unless it has too many entries.
      z = items.size() > maxEntries ? ZSet.skiplist() : ZSet.listpack();
    } else {
      long maxLen = 0;
      for (RdbCollections.Scored s : items) {
        maxLen = Math.max(maxLen, s.member().length);
      }
      z = items.size() <= maxEntries && maxLen <= maxValue ? ZSet.listpack() : ZSet.skiplist();
    }
    int n = items.size();
    if (!Distinct.all(n, i -> items.get(i).member())) {
      throw new RdbException("Duplicate zset fields detected");
    }
    if (z.encoding() == ValueType.ENC_LISTPACK) {
      z = listpackOf(items);
    } else {
      for (RdbCollections.Scored s : items) {
        byte[] m = s.member();
        z.insertNew(m, 0, m.length, s.score());
      }
    }
    return new Loaded(z, ValueType.ZSET, z.encoding());
  }
}
