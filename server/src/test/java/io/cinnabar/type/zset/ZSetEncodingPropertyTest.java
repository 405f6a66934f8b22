package io.cinnabar.type.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The same random operations on a zset that starts as a listpack (and converts), one that is a
 * skiplist from the start, and a simple model must agree on scores, ranks, counts and ranges.
 */
class ZSetEncodingPropertyTest {
  private static final long MAX_ENTRIES = 24;
  private static final long MAX_VALUE = 8;

  private record El(String m, double s) {}

  private static final Comparator<El> ORDER =
      (a, b) -> {
        if (a.s < b.s) {
          return -1;
        }
        if (a.s > b.s) {
          return 1;
        }
        return Arrays.compareUnsigned(bytes(a.m), bytes(b.m));
      };

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<El> contents(ZSet z, boolean rev) {
    List<El> out = new ArrayList<>();
    z.range(
        0,
        z.size() - 1,
        rev,
        (b, o, l, s) -> out.add(new El(new String(b, o, l, StandardCharsets.ISO_8859_1), s)));
    return out;
  }

  private static String member(Random r) {
    int len = r.nextInt(100) < 3 ? 9 + r.nextInt(4) : 1 + r.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) (r.nextBoolean() ? 'a' + r.nextInt(4) : r.nextInt(256)));
    }
    return sb.toString();
  }

  private static double score(Random r, boolean ties) {
    if (ties) {
      return 0;
    }
    return switch (r.nextInt(10)) {
      case 0 -> Double.POSITIVE_INFINITY;
      case 1 -> Double.NEGATIVE_INFINITY;
      case 2 -> 0.0;
      default -> r.nextInt(20) - 10 + (r.nextBoolean() ? 0.5 : 0);
    };
  }

  @Test
  void listpackSkiplistAndModelAgree() {
    for (long seed = 1; seed <= 40; seed++) {
      run(new Random(seed), seed % 4 == 0);
    }
  }

  private static void run(Random r, boolean ties) {
    ZSet lp = ZSet.listpack();
    ZSet sl = ZSet.skiplist();
    Map<String, Double> model = new HashMap<>();
    boolean converted = false;
    for (int op = 0; op < 600; op++) {
      String m = member(r);
      byte[] mb = bytes(m);
      int kind = r.nextInt(10);
      if (kind < 5) {
        int flags = new int[] {0, 0, ZSet.NX, ZSet.XX, ZSet.GT, ZSet.LT, ZSet.INCR}[r.nextInt(7)];
        double s = score(r, ties);
        double[] n1 = {Double.NaN};
        double[] n2 = {Double.NaN};
        int o1 = lp.add(s, mb, 0, mb.length, flags, MAX_ENTRIES, MAX_VALUE, n1);
        int o2 = sl.add(s, mb, 0, mb.length, flags, MAX_ENTRIES, MAX_VALUE, n2);
        assertThat(o1).isEqualTo(o2);
        Double cur = model.get(m);
        if ((o1 & (ZSet.OUT_ADDED | ZSet.OUT_UPDATED)) != 0) {
          assertThat(n1[0]).isEqualTo(n2[0]);
          model.put(m, n1[0]);
        } else if (cur == null) {
          assertThat((o1 & ZSet.OUT_NAN) != 0 || (flags & ZSet.XX) != 0).isTrue();
        }
      } else if (kind < 7) {
        boolean removed = model.remove(m) != null;
        assertThat(lp.remove(mb, 0, mb.length)).isEqualTo(removed);
        assertThat(sl.remove(mb, 0, mb.length)).isEqualTo(removed);
      } else if (kind == 7 && model.size() > 3) {
        long from = r.nextInt(model.size());
        long to = Math.min(model.size() - 1, from + r.nextInt(3));
        List<El> removed = new ArrayList<>();
        lp.removeRange(
            from,
            to,
            (b, o, l, s) ->
                removed.add(new El(new String(b, o, l, StandardCharsets.ISO_8859_1), s)));
        sl.removeRange(from, to, null);
        for (El e : removed) {
          model.remove(e.m);
        }
        assertThat(removed).hasSize((int) (to - from + 1));
      }
      converted |= !lp.isListpack();
      check(lp, sl, model, r, ties);
    }
    assertThat(converted).isTrue();
    assertThat(sl.encoding()).isEqualTo(ValueType.ENC_SKIPLIST);
  }

  private static void check(ZSet lp, ZSet sl, Map<String, Double> model, Random r, boolean ties) {
    List<El> expected = new ArrayList<>();
    model.forEach((m, s) -> expected.add(new El(m, s)));
    expected.sort(ORDER);
    assertThat(lp.size()).isEqualTo(model.size());
    assertThat(sl.size()).isEqualTo(model.size());
    assertThat(contents(lp, false)).isEqualTo(expected);
    assertThat(contents(sl, false)).isEqualTo(expected);
    List<El> reversed = new ArrayList<>(expected);
    java.util.Collections.reverse(reversed);
    assertThat(contents(sl, true)).isEqualTo(reversed);
    assertThat(contents(lp, true)).isEqualTo(reversed);
    for (int i = 0; i < expected.size(); i++) {
      byte[] mb = bytes(expected.get(i).m);
      assertThat(lp.rank(mb, 0, mb.length)).isEqualTo(i);
      assertThat(sl.rank(mb, 0, mb.length)).isEqualTo(i);
      assertThat(sl.score(mb, 0, mb.length)).isEqualTo(expected.get(i).s);
    }
    byte[] absent = bytes("absent-member");
    assertThat(sl.rank(absent, 0, absent.length)).isEqualTo(-1);
    assertThat(lp.score(absent, 0, absent.length)).isNaN();
    double probe = score(r, false);
    for (boolean inclusive : new boolean[] {false, true}) {
      long want = expected.stream().filter(e -> inclusive ? e.s <= probe : e.s < probe).count();
      assertThat(lp.countBelow(probe, inclusive)).isEqualTo(want);
      assertThat(sl.countBelow(probe, inclusive)).isEqualTo(want);
      if (ties) {
        byte[] pm = bytes(member(r));
        long lexWant =
            expected.stream()
                .filter(
                    e -> {
                      int c = Arrays.compareUnsigned(bytes(e.m), pm);
                      return inclusive ? c <= 0 : c < 0;
                    })
                .count();
        assertThat(lp.lexCountBelow(pm, 0, pm.length, inclusive)).isEqualTo(lexWant);
        assertThat(sl.lexCountBelow(pm, 0, pm.length, inclusive)).isEqualTo(lexWant);
      }
    }
    ZSet copy = (ZSet) sl.deepCopy();
    assertThat(contents(copy, false)).isEqualTo(expected);
  }
}
