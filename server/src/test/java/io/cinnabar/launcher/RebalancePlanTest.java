package io.cinnabar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rebalance plan: shares as redis-cli computes them, the moves, the threshold. */
class RebalancePlanTest {
  private static List<Integer> range(int a, int b) {
    List<Integer> l = new ArrayList<>();
    for (int i = a; i <= b; i++) {
      l.add(i);
    }
    return l;
  }

  private static RebalancePlan.Node node(String id, List<Integer> slots) {
    return new RebalancePlan.Node(id, "127.0.0.1", 7000, slots);
  }

  @Test
  void anEmptyFourthPrimaryGetsAQuarterFromEachOfThree() {
    List<RebalancePlan.Node> nodes =
        List.of(
            node("a", range(0, 5460)),
            node("b", range(5461, 10922)),
            node("c", range(10923, 16383)),
            node("d", List.of()));
    List<RebalancePlan.Move> moves = RebalancePlan.plan(nodes, 2);
    int[] after = {5461, 5462, 5461, 0};
    int toD = 0;
    for (RebalancePlan.Move m : moves) {
      assertThat(m.to().id()).isEqualTo("d");
      toD += m.slots().size();
      after["abc".indexOf(m.from().id())] -= m.slots().size();
    }
    assertThat(toD).isEqualTo(4096);
    assertThat(after[0] + after[1] + after[2]).isEqualTo(16384 - 4096);
    for (int i = 0; i < 3; i++) {
      assertThat(after[i]).isBetween(4096, 4096);
    }
    // The highest slots of each source move, in a single range each.
    assertThat(RebalancePlan.ranges(moves.get(0).slots())).hasSize(2);
  }

  @Test
  void balancedWithinTheThresholdMeansNoMoves() {
    List<RebalancePlan.Node> nodes =
        List.of(node("a", range(0, 8200)), node("b", range(8201, 16383)));
    assertThat(RebalancePlan.plan(nodes, 2)).isEmpty();
    assertThat(RebalancePlan.plan(nodes, 0)).hasSize(1);
  }

  @Test
  void parsesClusterNodes() {
    String nodes =
        "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-2 5 [7->-bbb]\n"
            + "bbb 127.0.0.1:7001@17001,host master - 0 0 2 connected 3-4\n"
            + "ccc 127.0.0.1:7002@17002 slave aaa 0 0 1 connected\n"
            + "ddd 127.0.0.1:7003@17003 master,fail - 0 0 3 disconnected\n";
    List<RebalancePlan.Node> p = RebalancePlan.primaries(nodes);
    assertThat(p).hasSize(2);
    assertThat(p.get(0).slots()).containsExactly(0, 1, 2, 5);
    assertThat(p.get(1).port()).isEqualTo(7001);
    assertThat(RebalancePlan.ranges(p.get(0).slots())).containsExactly("0", "2", "5", "5");
  }
}
