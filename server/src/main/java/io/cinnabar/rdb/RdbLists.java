package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.list.QuickList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists: written as RDB_TYPE_LIST_QUICKLIST_2 (packed listpack nodes, split with Redis's
 * _quicklistNodeAllowInsert rule so a list built by pushes dumps to the same bytes); read from that
 * and the older LIST, LIST_ZIPLIST and LIST_QUICKLIST forms.
 */
final class RdbLists implements ValueCodec {
  private static final int SIZE_SAFETY_LIMIT = 8192;
  private static final int[] LEVELS = {4096, 8192, 16384, 32768, 65536};

  @Override
  public int rdbType(Object value, byte encoding) {
    return Rdb.TYPE_LIST_QUICKLIST_2;
  }

  /**
   * Redis 7.0.15's _quicklistNodeAllowInsert for a node of {@code nodeBytes} holding {@code count}
   * elements and a new element of {@code sz} bytes: the size is estimated with 8 bytes of overhead,
   * negative fills limit bytes per node, positive fills count elements within the 8 KB safety
   * limit.
   */
  static boolean allowInsert(int nodeBytes, int count, int fill, int sz) {
    long newSz = (long) nodeBytes + sz + 8;
    if (fill < 0) {
      return newSz <= LEVELS[Math.min(-fill, LEVELS.length) - 1];
    }
    return newSz <= SIZE_SAFETY_LIMIT && count + 1 <= fill;
  }

  @Override
  public void save(RdbOutput out, Object value, byte encoding) throws IOException {
    QuickList q = (QuickList) value;
    int fill = q.fill();
    List<byte[]> nodes = new ArrayList<>();
    ListpackCodec.Writer[] cur = {null};
    q.forEach(
        (b, off, len) -> {
          ListpackCodec.Writer w = cur[0];
          if (w == null || !allowInsert(w.bytes(), w.count(), fill, len)) {
            if (w != null) {
              nodes.add(w.finish());
            }
            w = cur[0] = new ListpackCodec.Writer();
          }
          w.append(b, off, len);
          return true;
        });
    if (cur[0] != null) {
      nodes.add(cur[0].finish());
    }
    out.writeLen(nodes.size());
    for (byte[] lp : nodes) {
      out.writeLen(Rdb.CONTAINER_PACKED);
      out.writeString(lp);
    }
  }

  @Override
  public Loaded load(RdbInput in, int rdbType, Config config) throws RdbException {
    int fill =
        (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, config.listMaxListpackSize));
    QuickList q = new QuickList(fill);
    switch (rdbType) {
      case Rdb.TYPE_LIST -> {
        int n = in.readCount();
        for (int i = 0; i < n; i++) {
          push(q, in.readString());
        }
      }
      case Rdb.TYPE_LIST_ZIPLIST -> pushAll(q, LegacyFormats.ziplist(in.readString()));
      case Rdb.TYPE_LIST_QUICKLIST -> {
        int n = in.readCount();
        for (int i = 0; i < n; i++) {
          pushAll(q, LegacyFormats.ziplist(in.readString()));
        }
      }
      case Rdb.TYPE_LIST_QUICKLIST_2 -> {
        int n = in.readCount();
        for (int i = 0; i < n; i++) {
          long container = in.readLen();
          byte[] data = in.readString();
          if (container == Rdb.CONTAINER_PLAIN) {
            push(q, data);
          } else if (container == Rdb.CONTAINER_PACKED) {
            pushAll(q, ListpackCodec.decode(data));
          } else {
            throw new RdbException("Quicklist integrity check failed.");
          }
        }
      }
      default -> throw new RdbException("Unknown list RDB type " + rdbType);
    }
    if (q.size() == 0) {
      return null;
    }
    q.trimEnds();
    return new Loaded(q, ValueType.LIST, ValueType.ENC_QUICKLIST);
  }

  private static void push(QuickList q, byte[] v) {
    q.pushTail(v, 0, v.length);
  }

  private static void pushAll(QuickList q, List<byte[]> items) {
    for (byte[] v : items) {
      push(q, v);
    }
  }
}
