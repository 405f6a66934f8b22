package io.cinnabar.type.list;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random pushes, pops, inserts, sets, trims and removals on a {@link QuickList} against an {@link
 * ArrayList}, with fills that put node boundaries every few entries and elements up to larger than
 * a node, checking contents, size and node limits after every step.
 */
class QuickListPropertyTest {
  private static byte[] element(Random rnd) {
    int kind = rnd.nextInt(20);
    int len = kind == 0 ? 5000 + rnd.nextInt(5000) : kind < 3 ? 100 + rnd.nextInt(300) : 1;
    if (len == 1) {
      return String.valueOf((char) ('a' + rnd.nextInt(4))).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] b = new byte[len];
    rnd.nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {-2, -1, 1, 3, 16, 128})
  void matchesArrayList(int fill) {
    Random rnd = new Random(fill * 31L + 7);
    for (int round = 0; round < 20; round++) {
      QuickList q = new QuickList(fill);
      List<byte[]> ref = new ArrayList<>();
      for (int step = 0; step < 400; step++) {
        apply(rnd, q, ref);
        check(q, ref, fill);
      }
      QuickList copy = q.deepCopy();
      q.pushTail(new byte[] {1}, 0, 1);
      ref.add(new byte[] {1});
      check(q, ref, fill);
      ref.remove(ref.size() - 1);
      check(copy, ref, fill);
    }
  }

  private static String lastOp;

  private static List<String> names(List<byte[]> l) {
    List<String> out = new ArrayList<>();
    for (byte[] b : l) {
      out.add(
          b.length == 1
              ? new String(b, StandardCharsets.US_ASCII)
              : b.length + "#" + java.util.Arrays.hashCode(b));
    }
    return out;
  }

  private static void apply(Random rnd, QuickList q, List<byte[]> ref) {
    int op = rnd.nextInt(12);
    lastOp = op + " size " + ref.size();
    int n = ref.size();
    switch (op) {
      case 0, 1, 2 -> {
        byte[] e = element(rnd);
        q.pushTail(e, 0, e.length);
        ref.add(e);
      }
      case 3, 4 -> {
        byte[] e = element(rnd);
        q.pushHead(e, 0, e.length);
        ref.add(0, e);
      }
      case 5 -> assertThat(q.popHead()).isEqualTo(n == 0 ? null : ref.remove(0));
      case 6 -> assertThat(q.popTail()).isEqualTo(n == 0 ? null : ref.remove(n - 1));
      case 7 -> {
        if (n > 0) {
          int i = rnd.nextInt(n);
          byte[] e = element(rnd);
          assertThat(q.get(i)).isEqualTo(ref.get(i));
          q.set(i, e);
          ref.set(i, e);
        }
      }
      case 8 -> {
        byte[] pivot = element(rnd);
        byte[] e = element(rnd);
        boolean after = rnd.nextBoolean();
        int at = -1;
        for (int i = 0; i < n; i++) {
          if (java.util.Arrays.equals(ref.get(i), pivot)) {
            at = i;
            break;
          }
        }
        assertThat(q.insert(pivot, 0, pivot.length, e, after)).isEqualTo(at >= 0);
        if (at >= 0) {
          ref.add(after ? at + 1 : at, e);
        }
      }
      case 9 -> {
        byte[] v = element(rnd);
        long count = rnd.nextInt(5) - 2;
        long expected = removeRef(ref, v, count);
        assertThat(q.remove(v, 0, v.length, count)).isEqualTo(expected);
      }
      case 10 -> {
        if (n > 0) {
          int h = rnd.nextInt(Math.min(n, 5) + 1);
          int t = rnd.nextInt(Math.min(n - h, 5) + 1);
          q.removeHead(h);
          q.removeTail(t);
          ref.subList(n - t, n).clear();
          ref.subList(0, h).clear();
        }
      }
      default -> {
        if (n > 0) {
          int from = rnd.nextInt(n);
          boolean reverse = rnd.nextBoolean();
          List<byte[]> seen = new ArrayList<>();
          q.walk(
              from,
              reverse,
              (b, off, len) -> seen.add(java.util.Arrays.copyOfRange(b, off, off + len)));
          List<byte[]> want = new ArrayList<>();
          for (int i = from; reverse ? i >= 0 : i < n; i += reverse ? -1 : 1) {
            want.add(ref.get(i));
          }
          assertThat(seen).containsExactlyElementsOf(want);
        }
      }
    }
  }

  private static long removeRef(List<byte[]> ref, byte[] v, long count) {
    long removed = 0;
    long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
    if (count >= 0) {
      for (int i = 0; i < ref.size() && removed < limit; ) {
        if (java.util.Arrays.equals(ref.get(i), v)) {
          ref.remove(i);
          removed++;
        } else {
          i++;
        }
      }
    } else {
      for (int i = ref.size() - 1; i >= 0 && removed < limit; i--) {
        if (java.util.Arrays.equals(ref.get(i), v)) {
          ref.remove(i);
          removed++;
        }
      }
    }
    return removed;
  }

  private static void check(QuickList q, List<byte[]> ref, int fill) {
    assertThat(q.size()).isEqualTo(ref.size());
    List<byte[]> all = new ArrayList<>();
    q.forEach((b, off, len) -> all.add(java.util.Arrays.copyOfRange(b, off, off + len)));
    assertThat(names(all)).as("after op %s", lastOp).isEqualTo(names(ref));
    long count = 0;
    int limit = fill < 0 ? (fill == -1 ? 4096 : 8192) : 8192;
    for (Node n = q.head; n != null; n = n.next) {
      assertThat(n.count).isPositive();
      if (n.count > 1) {
        assertThat(n.used()).isLessThanOrEqualTo(limit);
        if (fill > 0) {
          assertThat(n.count).isLessThanOrEqualTo(fill);
        }
      }
      if (n.next != null) {
        assertThat(n.next.prev).isSameAs(n);
      } else {
        assertThat(q.tail).isSameAs(n);
      }
      count += n.count;
    }
    assertThat(count).isEqualTo(ref.size());
    if (!ref.isEmpty()) {
      assertThat(q.get(ref.size() - 1)).isEqualTo(ref.get(ref.size() - 1));
    }
  }
}
