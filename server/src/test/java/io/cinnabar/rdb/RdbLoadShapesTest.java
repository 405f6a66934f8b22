package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.type.hash.Hash;
import io.cinnabar.type.zset.ZSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hashes and sorted sets are built in one pass when loaded (RDB, RESTORE): the encoding, order and
 * contents are what inserting them one by one gives, and a repeated field or member is refused.
 */
class RdbLoadShapesTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static ValueCodec.Loaded load(int type, RdbOutput out) throws Exception {
    byte[] p = out.toByteArray();
    return RdbValues.load(new RdbInput(p, 0, p.length), type, new Config());
  }

  private static RdbOutput hashPayload(int type, List<String> fieldsAndValues) throws Exception {
    RdbOutput out = new RdbOutput(false);
    if (type == Rdb.TYPE_HASH) {
      out.writeLen(fieldsAndValues.size() / 2);
      for (String s : fieldsAndValues) {
        out.writeString(b(s));
      }
    } else {
      ListpackCodec.Writer w = new ListpackCodec.Writer();
      for (String s : fieldsAndValues) {
        byte[] x = b(s);
        w.append(x, 0, x.length);
      }
      out.writeString(w.finish());
    }
    return out;
  }

  private static List<String> pairs(int n) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add("field:" + i);
      l.add("value:" + i);
    }
    return l;
  }

  private static List<String> fields(Hash h) {
    List<String> l = new ArrayList<>();
    h.forEach(
        (fb, fo, fl, vb, vo, vl) -> {
          l.add(new String(fb, fo, fl, StandardCharsets.US_ASCII));
          l.add(new String(vb, vo, vl, StandardCharsets.US_ASCII));
        });
    return l;
  }

  @Test
  void hashesKeepTheirOrderAndEncoding() throws Exception {
    for (int type : new int[] {Rdb.TYPE_HASH, Rdb.TYPE_HASH_LISTPACK}) {
      ValueCodec.Loaded small = load(type, hashPayload(type, pairs(512)));
      assertThat(small.encoding()).isEqualTo(ValueType.ENC_LISTPACK);
      assertThat(fields((Hash) small.value())).isEqualTo(pairs(512));
      ValueCodec.Loaded big = load(type, hashPayload(type, pairs(513)));
      assertThat(big.encoding()).isEqualTo(ValueType.ENC_HASHTABLE);
      assertThat(((Hash) big.value()).size()).isEqualTo(513);
      assertThat(((Hash) big.value()).get(b("field:512"), 0, 9)).isEqualTo(b("value:512"));
      List<String> longValue = pairs(3);
      longValue.set(3, "x".repeat(65));
      ValueCodec.Loaded wide = load(type, hashPayload(type, longValue));
      assertThat(wide.encoding()).isEqualTo(ValueType.ENC_HASHTABLE);
    }
  }

  @Test
  void aRepeatedHashFieldIsRefused() throws Exception {
    for (int type : new int[] {Rdb.TYPE_HASH, Rdb.TYPE_HASH_LISTPACK}) {
      for (int n : new int[] {2, 300, 600}) {
        List<String> l = pairs(n);
        l.set(2 * (n - 1), "field:0");
        RdbOutput out = hashPayload(type, l);
        assertThatThrownBy(() -> load(type, out))
            .as("type %d, %d fields", type, n)
            .isInstanceOf(RdbException.class)
            .hasMessageContaining("Duplicate hash fields");
      }
    }
  }

  private static RdbOutput zsetPayload(double[] scores, String[] members) throws Exception {
    RdbOutput out = new RdbOutput(false);
    out.writeLen(scores.length);
    for (int i = 0; i < scores.length; i++) {
      out.writeString(b(members[i]));
      out.writeBinaryDouble(scores[i]);
    }
    return out;
  }

  private static List<String> members(ZSet z) {
    List<String> l = new ArrayList<>();
    z.forEach(
        (mb, mo, ml, score) ->
            l.add(new String(mb, mo, ml, StandardCharsets.US_ASCII) + "=" + score));
    return l;
  }

  /** ZSET_2 payloads come in descending order (Redis writes the skiplist from its tail). */
  @Test
  void sortedSetsComeOutInOrderWhateverTheirPayloadOrder() throws Exception {
    String[] m = {"e", "d", "c", "b", "a", "z"};
    double[] descending = {5, 4, 3, 2, 2, -0.0};
    List<String> want = List.of("z=0.0", "a=2.0", "b=2.0", "c=3.0", "d=4.0", "e=5.0");
    ValueCodec.Loaded d = load(Rdb.TYPE_ZSET_2, zsetPayload(descending, m));
    assertThat(d.encoding()).isEqualTo(ValueType.ENC_LISTPACK);
    assertThat(members((ZSet) d.value())).isEqualTo(want);
    String[] shuffled = {"c", "z", "e", "a", "d", "b"};
    double[] scores = {3, 0, 5, 2, 4, 2};
    assertThat(members((ZSet) load(Rdb.TYPE_ZSET_2, zsetPayload(scores, shuffled)).value()))
        .isEqualTo(want);
    String[] ascending = {"z", "a", "b", "c", "d", "e"};
    double[] up = {0, 2, 2, 3, 4, 5};
    assertThat(members((ZSet) load(Rdb.TYPE_ZSET_2, zsetPayload(up, ascending)).value()))
        .isEqualTo(want);
  }

  @Test
  void aRepeatedSortedSetMemberIsRefused() throws Exception {
    for (int n : new int[] {2, 100, 200}) {
      String[] m = new String[n];
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        m[i] = "member:" + i;
        s[i] = n - i;
      }
      m[n - 1] = "member:0";
      RdbOutput out = zsetPayload(s, m);
      assertThatThrownBy(() -> load(Rdb.TYPE_ZSET_2, out))
          .as("%d members", n)
          .isInstanceOf(RdbException.class)
          .hasMessageContaining("Duplicate zset fields");
    }
  }
}
