package io.cinnabar.type.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ZSCAN's cursor over the skiplist index returns every stable member while the index resizes. */
class SkipListScanTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static Set<String> scanWhile(SkipList sl, Runnable betweenSteps) {
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    do {
      cursor =
          sl.scan(cursor, (m, o, l, s) -> seen.add(new String(m, o, l, StandardCharsets.US_ASCII)));
      betweenSteps.run();
    } while (cursor != 0);
    return seen;
  }

  @Test
  void stableMembersSurviveGrowthAndShrinking() {
    SkipList sl = new SkipList();
    for (int i = 0; i < 1000; i++) {
      sl.insert(b("stable" + i), i);
    }
    int[] next = {0};
    Set<String> grown =
        scanWhile(
            sl,
            () -> {
              for (int k = 0; k < 3 && next[0] < 3000; k++) {
                sl.insert(b("extra" + next[0]++), -1);
              }
            });
    for (int i = 0; i < 1000; i++) {
      assertThat(grown).contains("stable" + i);
    }
    int[] del = {0};
    Set<String> shrunk =
        scanWhile(
            sl,
            () -> {
              for (int k = 0; k < 5 && del[0] < next[0]; k++) {
                byte[] m = b("extra" + del[0]++);
                sl.delete(sl.find(m, 0, m.length));
              }
            });
    for (int i = 0; i < 1000; i++) {
      assertThat(shrunk).contains("stable" + i);
    }
    assertThat(sl.length).isEqualTo(1000 + next[0] - del[0]);
  }
}
