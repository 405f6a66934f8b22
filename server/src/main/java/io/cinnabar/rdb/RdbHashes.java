package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.hash.Hash;
import java.io.IOException;
import java.util.ArrayList;
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
    List<byte[]> items =
        switch (rdbType) {
          case Rdb.TYPE_HASH -> {
            int n = in.readCount();
            List<byte[]> l = new ArrayList<>((int) Math.min(2L * n, 1 << 16));
            for (int i = 0; i < n; i++) {
              l.add(in.readString());
              l.add(in.readString());
            }
            yield l;
          }
          case Rdb.TYPE_HASH_ZIPMAP -> LegacyFormats.zipmap(in.readString());
          case Rdb.TYPE_HASH_ZIPLIST -> LegacyFormats.ziplist(in.readString());
          case Rdb.TYPE_HASH_LISTPACK -> ListpackCodec.decode(in.readString());
          default -> throw new RdbException("Unknown hash RDB type " + rdbType);
        };
    if (items.size() % 2 != 0) {
      throw new RdbException("Hash listpack has an odd number of elements");
    }
    if (items.isEmpty()) {
      return null;
    }
    Hash h = Hash.ofPairs(items, config.hashMaxListpackEntries, config.hashMaxListpackValue);
    if (h == null) {
      throw new RdbException("Duplicate hash fields detected");
    }
    return new Loaded(h, ValueType.HASH, h.encoding());
  }
}
