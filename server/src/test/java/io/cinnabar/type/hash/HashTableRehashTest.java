package io.cinnabar.type.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hashtable encoding resizes incrementally; these check it stays a correct map meanwhile. */
class HashTableRehashTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String field(byte[] kb, int off, int len) {
    return new String(kb, off, len, StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> contents(HashTable t) {
    Map<String, String> m = new HashMap<>();
    t.forEach((fb, fo, fl, vb, vo, vl) -> m.put(field(fb, fo, fl), field(vb, vo, vl)));
    return m;
  }

  private static boolean put(HashTable t, String f, String v) {
    byte[] fb = b(f);
    byte[] vb = b(v);
    return t.put(fb, 0, fb.length, vb, 0, vb.length);
  }

  @Test
  void randomOperationsMatchAHashMapWhileResizing() {
    int sawRehashing = 0;
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      HashTable t = new HashTable();
      Map<String, String> ref = new HashMap<>();
      int space = 50 + r.nextInt(2000);
      for (int op = 0; op < 6000; op++) {
        String f = "f" + r.nextInt(space);
        // Phases of growth and of shrinking, so both directions of resize happen.
        boolean growing = (op / 1500) % 2 == 0;
        if (r.nextInt(10) < (growing ? 7 : 2)) {
          String v = "v" + op;
          assertThat(put(t, f, v)).isEqualTo(!ref.containsKey(f));
          ref.put(f, v);
        } else {
          byte[] fb = b(f);
          assertThat(t.remove(fb, 0, fb.length)).isEqualTo(ref.remove(f) != null);
        }
        if (t.rehashing()) {
          sawRehashing++;
        }
        if (op % 97 == 0) {
          byte[] probe = b("f" + r.nextInt(space));
          HashTable.Node n = t.find(probe, 0, probe.length);
          String expected = ref.get(field(probe, 0, probe.length));
          assertThat(n == null ? null : contents(single(n)).values().iterator().next())
              .isEqualTo(expected);
        }
        assertThat(t.size).isEqualTo(ref.size());
      }
      assertThat(contents(t)).isEqualTo(ref);
      assertThat(contents(t.copy())).isEqualTo(ref);
    }
    assertThat(sawRehashing).as("operations that ran during a resize").isGreaterThan(1000);
  }

  private static HashTable single(HashTable.Node n) {
    HashTable t = new HashTable();
    n.visit((fb, fo, fl, vb, vo, vl) -> t.put(fb, fo, fl, vb, vo, vl));
    return t;
  }

  /** SCAN returns every pair present for the whole scan, even when resizes start and finish. */
  @Test
  void scanVisitsEveryStablePairAcrossResizes() {
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      HashTable t = new HashTable();
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        put(t, "stable" + i, "x");
        stable.add("stable" + i);
      }
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int churn = 0;
      do {
        cursor = t.scan(cursor, (fb, fo, fl, vb, vo, vl) -> seen.add(field(fb, fo, fl)));
        // Between steps, add or remove other fields so the table grows and shrinks.
        for (int k = 0; k < 1 + r.nextInt(40); k++) {
          String f = "churn" + r.nextInt(3000);
          if (churn++ % 400 < 250) {
            put(t, f, "y");
          } else {
            byte[] fb = b(f);
            t.remove(fb, 0, fb.length);
          }
        }
      } while (cursor != 0);
      assertThat(seen).containsAll(stable);
    }
  }

  @Test
  void randomPicksComeFromTheTableDuringAResize() {
    HashTable t = new HashTable();
    for (int i = 0; i < 64; i++) {
      put(t, "f" + i, "v");
    }
    put(t, "f64", "v"); // starts growing to 128 buckets
    assertThat(t.rehashing()).isTrue();
    Set<String> picked = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      t.random().visit((fb, fo, fl, vb, vo, vl) -> picked.add(field(fb, fo, fl)));
    }
    assertThat(picked).hasSize(65);
  }
}
