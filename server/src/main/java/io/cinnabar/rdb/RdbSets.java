package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.util.Numbers;
import java.io.IOException;
import java.util.List;

/**
 * Sets: SET_INTSET for the intset encoding (one intset blob), SET (count + member strings) for the
 * hashtable. Loading builds the encoding Redis would: an intset while the members are integers and
 * at most set-max-intset-entries of them, a hashtable otherwise.
 */
final class RdbSets implements ValueCodec {
  @Override
  public int rdbType(Object value, byte encoding) {
    return ((SetValue) value).isIntset() ? Rdb.TYPE_SET_INTSET : Rdb.TYPE_SET;
  }

  @Override
  public void save(RdbOutput out, Object value, byte encoding) throws IOException {
    SetValue s = (SetValue) value;
    if (s.isIntset()) {
      long[] sorted = new long[s.size()];
      int[] n = {0};
      // An intset visits its members in ascending order, as decimal text.
      s.forEach((b, off, len) -> sorted[n[0]++] = Numbers.parseLongOr(b, off, len, 0));
      out.writeString(LegacyFormats.encodeIntset(sorted));
      return;
    }
    out.writeLen(s.size());
    IOException[] failed = {null};
    s.forEach(
        (b, off, len) -> {
          if (failed[0] == null) {
            try {
              out.writeString(b, off, len);
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
    List<byte[]> members = RdbCollections.readSet(in, rdbType);
    long max = config.setMaxIntsetEntries;
    SetValue s =
        rdbType == Rdb.TYPE_SET && members.size() > max
            ? SetValue.hashtable(members.size())
            : SetValue.intset();
    for (byte[] m : members) {
      if (!s.add(m, max)) {
        throw new RdbException("Duplicate set members detected");
      }
    }
    if (s.size() == 0) {
      return null;
    }
    return new Loaded(s, ValueType.SET, s.encoding());
  }
}
