package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Doubles;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    Set<java.nio.ByteBuffer> seen = new HashSet<>();
    for (RdbCollections.Scored s : items) {
      byte[] m = s.member();
      if (!seen.add(java.nio.ByteBuffer.wrap(m))) {
        throw new RdbException("Duplicate zset fields detected");
      }
      z.insertNew(m, 0, m.length, s.score());
    }
    return new Loaded(z, ValueType.ZSET, z.encoding());
  }
}
