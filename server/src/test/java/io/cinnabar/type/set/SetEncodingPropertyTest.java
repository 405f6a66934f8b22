package io.cinnabar.type.set;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drives the same random operations on an intset-encoded set, a hashtable-encoded set and a
 * java.util.HashSet model, across the intset size threshold and across the conversion a non-integer
 * member causes, and checks they always agree.
 */
class SetEncodingPropertyTest {
  private static final String[] ODD = {
    "01", "+1", "-0", " 1", "1 ", "", "-", "9223372036854775808", "-9223372036854775809", "abc"
  };
  private static final long[] EDGES = {
    0,
    -1,
    32767,
    32768,
    -32768,
    -32769,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE + 1L,
    Integer.MIN_VALUE - 1L,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String member(Random r, boolean strings) {
    int k = r.nextInt(100);
    if (strings && k < 3) {
      return ODD[r.nextInt(ODD.length)];
    }
    if (k < 10) {
      return Long.toString(EDGES[r.nextInt(EDGES.length)]);
    }
    if (k < 15) {
      return Long.toString(r.nextLong());
    }
    return Integer.toString(r.nextInt(300) - 100);
  }

  private static Set<String> contents(SetValue s) {
    Set<String> out = new HashSet<>();
    s.forEach(
        (m, o, l) ->
            assertThat(out.add(new String(m, o, l, StandardCharsets.ISO_8859_1))).isTrue());
    return out;
  }

  @ParameterizedTest
  @CsvSource({"1,4,false", "2,16,false", "3,512,false", "4,16,true", "5,512,true", "6,0,false"})
  void encodingsAgreeWithModel(long seed, long maxIntset, boolean strings) {
    Random r = new Random(seed);
    SetValue intset = SetValue.intset();
    SetValue table = SetValue.hashtable(0);
    Set<String> model = new HashSet<>();
    boolean sawString = false;
    long maxSize = 0;
    for (int step = 0; step < 20_000; step++) {
      String m = member(r, strings);
      byte[] mb = b(m);
      int op = r.nextInt(10);
      if (op < 5) {
        boolean added = model.add(m);
        assertThat(intset.add(mb, maxIntset)).isEqualTo(added);
        assertThat(table.add(mb, maxIntset)).isEqualTo(added);
        sawString |= !isCanonicalLong(m);
        maxSize = Math.max(maxSize, model.size());
      } else if (op < 8) {
        boolean removed = model.remove(m);
        assertThat(intset.remove(mb)).isEqualTo(removed);
        assertThat(table.remove(mb)).isEqualTo(removed);
      } else {
        boolean has = model.contains(m);
        assertThat(intset.contains(mb)).isEqualTo(has);
        assertThat(table.contains(mb)).isEqualTo(has);
      }
      assertThat(intset.size()).isEqualTo(model.size());
      assertThat(table.size()).isEqualTo(model.size());
      // Redis never converts back: intset only while all adds were integers within the limit.
      boolean expectIntset = !sawString && maxSize <= maxIntset;
      assertThat(intset.encoding())
          .isEqualTo(expectIntset ? ValueType.ENC_INTSET : ValueType.ENC_HASHTABLE);
      assertThat(table.encoding()).isEqualTo(ValueType.ENC_HASHTABLE);
      if (step % 500 == 0) {
        assertThat(contents(intset)).isEqualTo(model);
        assertThat(contents(table)).isEqualTo(model);
        if (intset.isIntset()) {
          assertAscending(intset);
        }
        if (!model.isEmpty()) {
          assertThat(model).contains(new String(intset.random(), StandardCharsets.ISO_8859_1));
          assertThat(model).contains(new String(table.random(), StandardCharsets.ISO_8859_1));
        }
        SetValue copy = (SetValue) table.deepCopy();
        assertThat(contents(copy)).isEqualTo(model);
        assertThat(intset.memoryBytes()).isPositive();
      }
    }
    assertThat(contents(intset)).isEqualTo(model);
    assertThat(contents(table)).isEqualTo(model);
  }

  private static boolean isCanonicalLong(String s) {
    try {
      return Long.toString(Long.parseLong(s)).equals(s);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void assertAscending(SetValue s) {
    List<Long> seen = new ArrayList<>();
    s.forEach(
        (m, o, l) -> seen.add(Long.parseLong(new String(m, o, l, StandardCharsets.ISO_8859_1))));
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)).isGreaterThan(seen.get(i - 1));
    }
  }

  /** SCAN's guarantee: a member present for the whole scan is returned, despite resizes. */
  @ParameterizedTest
  @CsvSource({"11", "12", "13"})
  void scanReturnsEveryMemberPresentThroughout(long seed) {
    Random r = new Random(seed);
    SetValue s = SetValue.hashtable(0);
    Set<String> stable = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String m = "m:" + i;
      s.add(b(m), 0);
      stable.add(m);
    }
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    int extra = 0;
    do {
      cursor =
          s.scanStep(
              cursor, (m, o, l) -> seen.add(new String(m, o, l, StandardCharsets.ISO_8859_1)));
      // Grow and shrink the table while scanning, never touching the stable members.
      if (r.nextBoolean()) {
        for (int k = 0; k < 50; k++) {
          s.add(b("x:" + extra++), 0);
        }
      } else {
        for (int k = 0; k < 50 && extra > 0; k++) {
          s.remove(b("x:" + --extra));
        }
      }
    } while (cursor != 0);
    assertThat(seen).containsAll(stable);
  }
}
