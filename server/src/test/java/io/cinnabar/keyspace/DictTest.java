package io.cinnabar.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.util.Bytes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DictTest {
  private static Entry entry(String k) {
    return new Entry(Bytes.ascii(k), Bytes.ascii("v" + k), ValueType.STRING, ValueType.ENC_RAW);
  }

  private static void finishRehash(Dict d) {
    while (d.rehashStep(100)) {
      // keep going
    }
  }

  @Test
  void reserveSizesAnEmptyTableSoLoadingNeverResizes() {
    Dict d = new Dict();
    d.reserve(1000);
    assertThat(d.buckets()).isEqualTo(1024);
    for (int i = 0; i < 1000; i++) {
      d.add(entry("k" + i));
      assertThat(d.isRehashing()).isFalse();
    }
    assertThat(d.buckets()).isEqualTo(1024);
    d.reserve(1L << 40); // a hint from a file is capped, and ignored once the table holds keys
    assertThat(d.buckets()).isEqualTo(1024);
    Dict huge = new Dict();
    huge.reserve(1L << 40);
    assertThat(huge.buckets()).isEqualTo(1L << 24);
  }

  @Test
  void addGetRemoveThroughGrowthAndShrink() {
    Dict d = new Dict();
    int n = 5000;
    for (int i = 0; i < n; i++) {
      d.add(entry("key:" + i));
      assertThat(d.size()).isEqualTo(i + 1);
    }
    for (int i = 0; i < n; i++) {
      Entry e = d.get(Bytes.ascii("key:" + i));
      assertThat(e).isNotNull();
      assertThat(Bytes.latin1(e.key())).isEqualTo("key:" + i);
    }
    assertThat(d.get(Bytes.ascii("key:" + n))).isNull();
    // slice lookups see the same keys
    byte[] buf = Bytes.ascii("xxkey:42yy");
    assertThat(d.get(buf, 2, 6)).isNotNull();
    finishRehash(d);
    assertThat(d.buckets()).isGreaterThanOrEqualTo(n);

    for (int i = 0; i < n - 10; i++) {
      assertThat(d.remove(Bytes.ascii("key:" + i))).isNotNull();
    }
    assertThat(d.remove(Bytes.ascii("key:0"))).isNull();
    assertThat(d.size()).isEqualTo(10);
    d.shrinkIfNeeded();
    assertThat(d.isRehashing()).isTrue();
    finishRehash(d);
    assertThat(d.buckets()).isLessThanOrEqualTo(16);
    for (int i = n - 10; i < n; i++) {
      assertThat(d.get(Bytes.ascii("key:" + i))).isNotNull();
    }
  }

  @Test
  void replaceKeepsThePlaceInTheChain() {
    Dict d = new Dict();
    for (int i = 0; i < 100; i++) {
      d.add(entry("k" + i));
    }
    Entry old = d.get(Bytes.ascii("k7"));
    Entry repl = entry("k7");
    d.replace(old, repl);
    assertThat(d.get(Bytes.ascii("k7"))).isSameAs(repl);
    assertThat(d.size()).isEqualTo(100);
    Set<String> seen = new HashSet<>();
    d.forEach(e -> seen.add(Bytes.latin1(e.key())));
    assertThat(seen).hasSize(100);
  }

  @Test
  void scanOfAStableTableVisitsEveryKeyOnce() {
    Dict d = new Dict();
    for (int i = 0; i < 1000; i++) {
      d.add(entry("s" + i));
    }
    finishRehash(d);
    Map<String, Integer> seen = new HashMap<>();
    long cursor = 0;
    do {
      cursor = d.scan(cursor, e -> seen.merge(Bytes.latin1(e.key()), 1, Integer::sum));
    } while (cursor != 0);
    assertThat(seen).hasSize(1000);
    assertThat(seen.values()).allMatch(v -> v == 1);
  }

  @Test
  void scanOfAnEmptyTableEndsAtOnce() {
    assertThat(new Dict().scan(12345, e -> {})).isZero();
  }

  /**
   * The SCAN guarantee: a key present for the whole iteration is returned at least once, even if
   * the table grows (and rehashes) or shrinks between calls.
   */
  @Test
  void scanReturnsEveryOriginalKeyWhileTheTableGrows() {
    for (long seed = 1; seed <= 30; seed++) {
      Random rnd = new Random(seed);
      Dict d = new Dict();
      int originals = 1 + rnd.nextInt(300);
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < originals; i++) {
        d.add(entry("o" + i));
        expected.add("o" + i);
      }
      if (rnd.nextBoolean()) {
        finishRehash(d);
      }
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int extra = 0;
      int calls = 0;
      // growth is bounded (up to ~16x the originals) so the iteration ends; it still forces
      // several resizes, some of them caught half way through their incremental rehash
      int maxExtra = originals * (1 + rnd.nextInt(16));
      do {
        cursor = d.scan(cursor, e -> seen.add(Bytes.latin1(e.key())));
        int add = rnd.nextInt(1 + originals / 4);
        for (int i = 0; i < add && extra < maxExtra; i++) {
          d.add(entry("x" + extra++));
        }
        calls++;
      } while (cursor != 0 && calls < 1_000_000);
      assertThat(cursor).isZero();
      assertThat(extra).isPositive();
      assertThat(seen).as("seed %d", seed).containsAll(expected);
    }
  }

  @Test
  void scanReturnsEveryOriginalKeyWhileTheTableShrinks() {
    for (long seed = 1; seed <= 30; seed++) {
      Random rnd = new Random(seed);
      Dict d = new Dict();
      int originals = 1 + rnd.nextInt(50);
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < originals; i++) {
        d.add(entry("o" + i));
        expected.add("o" + i);
      }
      int extras = 2000 + rnd.nextInt(3000);
      for (int i = 0; i < extras; i++) {
        d.add(entry("x" + i));
      }
      finishRehash(d);
      Set<String> seen = new HashSet<>();
      long cursor = 0;
      int next = 0;
      do {
        cursor = d.scan(cursor, e -> seen.add(Bytes.latin1(e.key())));
        int del = rnd.nextInt(400);
        for (int i = 0; i < del && next < extras; i++) {
          d.remove(Bytes.ascii("x" + next++));
        }
        d.shrinkIfNeeded();
        d.rehashStep(rnd.nextInt(3));
      } while (cursor != 0);
      assertThat(seen).as("seed %d", seed).containsAll(expected);
    }
  }

  @Test
  void scanVisitorMayDeleteTheVisitedEntry() {
    Dict d = new Dict();
    for (int i = 0; i < 500; i++) {
      d.add(entry("d" + i));
    }
    finishRehash(d);
    long cursor = 0;
    int[] visited = {0};
    do {
      cursor =
          d.scan(
              cursor,
              e -> {
                visited[0]++;
                d.remove(e.key());
              });
    } while (cursor != 0);
    assertThat(visited[0]).isEqualTo(500);
    assertThat(d.size()).isZero();
  }

  @Test
  void randomReturnsOnlyPresentKeysAndEventuallyAll() {
    Dict d = new Dict();
    assertThat(d.random()).isNull();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      d.add(entry("r" + i));
      keys.add("r" + i);
    }
    // also while rehashing: grow by one to start a resize
    for (int i = 50; i < 65; i++) {
      d.add(entry("r" + i));
      keys.add("r" + i);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000 && seen.size() < keys.size(); i++) {
      Entry e = d.random();
      assertThat(keys).contains(Bytes.latin1(e.key()));
      seen.add(Bytes.latin1(e.key()));
    }
    assertThat(seen).isEqualTo(keys);
    for (String k : keys) {
      d.remove(Bytes.ascii(k));
    }
    assertThat(d.random()).isNull();
  }
}
