package io.cinnabar.type.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random operations on a Hash and on a java.util.HashMap must agree, across the conversion. */
class HashEncodingPropertyTest {
  private static final long MAX_ENTRIES = 16;
  private static final long MAX_VALUE = 64;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> contents(Hash h) {
    Map<String, String> m = new HashMap<>();
    h.forEach(
        (fb, fo, fl, vb, vo, vl) ->
            m.put(
                new String(fb, fo, fl, StandardCharsets.ISO_8859_1),
                new String(vb, vo, vl, StandardCharsets.ISO_8859_1)));
    return m;
  }

  private static String randomString(Random r, int maxLen) {
    int len = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) r.nextInt(256));
    }
    return sb.toString();
  }

  @Test
  void randomOperationsMatchAHashMap() {
    for (int seed = 0; seed < 60; seed++) {
      Random r = new Random(seed);
      Hash h = new Hash();
      Map<String, String> ref = new HashMap<>();
      boolean converted = false;
      boolean longValues = seed % 3 == 0; // some runs convert by length, others by count
      int fieldSpace = 4 + r.nextInt(40);
      for (int op = 0; op < 400; op++) {
        String f = "f" + r.nextInt(fieldSpace);
        int kind = r.nextInt(10);
        if (kind < 6) {
          String v = randomString(r, longValues && r.nextInt(50) == 0 ? 200 : 40);
          byte[] fb = b(f);
          byte[] vb = b(v);
          boolean isNew = h.set(fb, 0, fb.length, vb, 0, vb.length, MAX_ENTRIES, MAX_VALUE);
          assertThat(isNew).isEqualTo(!ref.containsKey(f));
          ref.put(f, v);
          boolean shouldConvert = ref.size() > MAX_ENTRIES || vb.length > MAX_VALUE;
          converted |= shouldConvert;
        } else if (kind < 9) {
          byte[] fb = b(f);
          assertThat(h.delete(fb, 0, fb.length)).isEqualTo(ref.remove(f) != null);
        } else {
          byte[] fb = b(f);
          byte[] got = h.get(fb, 0, fb.length);
          String want = ref.get(f);
          assertThat(got == null ? null : new String(got, StandardCharsets.ISO_8859_1))
              .isEqualTo(want);
          assertThat(h.contains(fb, 0, fb.length)).isEqualTo(want != null);
        }
        // Converts exactly when Redis would, and never back.
        assertThat(h.encoding())
            .as("seed %d op %d", seed, op)
            .isEqualTo(converted ? ValueType.ENC_HASHTABLE : ValueType.ENC_LISTPACK);
        assertThat(h.size()).isEqualTo(ref.size());
      }
      assertThat(contents(h)).isEqualTo(ref);
      Hash copy = (Hash) h.deepCopy();
      assertThat(contents(copy)).isEqualTo(ref);
      assertThat(copy.encoding()).isEqualTo(h.encoding());
      byte[] x = b("only-in-copy");
      copy.set(x, 0, x.length, x, 0, x.length, MAX_ENTRIES, MAX_VALUE);
      assertThat(contents(h)).isEqualTo(ref);
    }
  }

  @Test
  void listpackKeepsInsertionOrderAndConvertsAfterTheLimit() {
    Hash h = new Hash();
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < MAX_ENTRIES; i++) {
      byte[] f = b("k" + (MAX_ENTRIES - i));
      h.set(f, 0, f.length, f, 0, f.length, MAX_ENTRIES, MAX_VALUE);
      order.append("k").append(MAX_ENTRIES - i).append(',');
    }
    StringBuilder seen = new StringBuilder();
    h.forEach((fb, fo, fl, vb, vo, vl) -> seen.append(new String(fb, fo, fl)).append(','));
    assertThat(seen.toString()).isEqualTo(order.toString());
    assertThat(h.encoding()).isEqualTo(ValueType.ENC_LISTPACK);
    byte[] f = b("one-more");
    h.set(f, 0, f.length, f, 0, f.length, MAX_ENTRIES, MAX_VALUE);
    assertThat(h.encoding()).isEqualTo(ValueType.ENC_HASHTABLE);
  }

  @Test
  void scanVisitsEveryFieldAcrossResizes() {
    Hash h = new Hash();
    for (int i = 0; i < 1000; i++) {
      byte[] f = b("f" + i);
      h.set(f, 0, f.length, f, 0, f.length, MAX_ENTRIES, MAX_VALUE);
    }
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    int steps = 0;
    do {
      cursor = h.scanStep(cursor, (fb, fo, fl, vb, vo, vl) -> seen.add(new String(fb, fo, fl)));
      if (++steps == 300) { // shrink in the middle of the scan
        for (int i = 100; i < 1000; i++) {
          byte[] f = b("f" + i);
          h.delete(f, 0, f.length);
        }
      }
    } while (cursor != 0);
    for (int i = 0; i < 100; i++) {
      assertThat(seen).contains("f" + i);
    }
  }

  @Test
  void smallHashesAreCompact() {
    Hash h = new Hash();
    for (int i = 0; i < 10; i++) {
      byte[] f = b("field" + i);
      byte[] v = b("value" + i);
      h.set(f, 0, f.length, v, 0, v.length, 128, 64);
    }
    // 10 pairs of ~7-byte strings: one array, far less than a HashMap's ~100 B per entry.
    assertThat(h.memoryBytes()).isLessThan(250);
  }
}
