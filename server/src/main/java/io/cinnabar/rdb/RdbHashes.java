package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.hash.Hash;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Hashes: HASH_LISTPACK for the listpack encoding, HASH (count + field/value strings) for the
 * hashtable; read from those and the older ZIPMAP and ZIPLIST forms. Loading converts to a
 * hashtable past the hash-max-listpack-* thresholds, as Redis does.
 */
final class RdbHashes implements ValueCodec {
  @Override
  public int rdbType(Object value, byte encoding) {
    return ((Hash) value).isListpack() ? Rdb.TYPE_HASH_LISTPACK : Rdb.TYPE_HASH;
  }

  @Override
  public void save(RdbOutput out, Object value, byte encoding) throws IOException {
    Hash h = (Hash) value;
    if (h.isListpack()) {
      ListpackCodec.Writer w = new ListpackCodec.Writer();
      h.forEach(
          (fb, fo, fl, vb, vo, vl) -> {
            w.append(fb, fo, fl);
            w.append(vb, vo, vl);
          });
      out.writeString(w.finish());
      return;
    }
    out.writeLen(h.size());
    IOException[] failed = {null};
    h.forEach(
        (fb, fo, fl, vb, vo, vl) -> {
          if (failed[0] == null) {
            try {
              out.writeString(fb, fo, fl);
              out.writeString(vb, vo, vl);
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
    Hash h = new Hash();
    long maxEntries = config.hashMaxListpackEntries;
    long maxValue = config.hashMaxListpackValue;
    switch (rdbType) {
      case Rdb.TYPE_HASH -> {
        int n = in.readCount();
        for (int i = 0; i < n; i++) {
          put(h, in.readString(), in.readString(), maxEntries, maxValue);
        }
      }
      case Rdb.TYPE_HASH_ZIPMAP ->
          putAll(h, LegacyFormats.zipmap(in.readString()), maxEntries, maxValue);
      case Rdb.TYPE_HASH_ZIPLIST ->
          putAll(h, LegacyFormats.ziplist(in.readString()), maxEntries, maxValue);
      case Rdb.TYPE_HASH_LISTPACK ->
          putAll(h, ListpackCodec.decode(in.readString()), maxEntries, maxValue);
      default -> throw new RdbException("Unknown hash RDB type " + rdbType);
    }
    if (h.size() == 0) {
      return null;
    }
    return new Loaded(h, ValueType.HASH, h.encoding());
  }

  private static void putAll(Hash h, List<byte[]> items, long maxEntries, long maxValue)
      throws RdbException {
    if (items.size() % 2 != 0) {
      throw new RdbException("Hash listpack has an odd number of elements");
    }
    for (int i = 0; i < items.size(); i += 2) {
      put(h, items.get(i), items.get(i + 1), maxEntries, maxValue);
    }
  }

  private static void put(Hash h, byte[] f, byte[] v, long maxEntries, long maxValue)
      throws RdbException {
    if (!h.set(f, 0, f.length, v, 0, v.length, maxEntries, maxValue)) {
      throw new RdbException("Duplicate hash fields detected: " + Arrays.toString(f));
    }
  }
}
