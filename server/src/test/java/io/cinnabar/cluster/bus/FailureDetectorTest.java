package io.cinnabar.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failure reports, PFAIL, FAIL and their clearing on a fake clock (node timeout 1000 ms). */
class FailureDetectorTest {
  static final long TIMEOUT = 1000;

  private final NodeTable table = new NodeTable();
  private final List<String> failSent = new ArrayList<>();
  private long timeout = TIMEOUT;
  private final FailureDetector d =
      new FailureDetector(table, () -> timeout, n -> failSent.add(n.id));

  private ClusterNode node(char c, int flags, int slots) {
    ClusterNode n = new ClusterNode();
    n.id = String.valueOf(c).repeat(40);
    n.flags = flags;
    table.add(n);
    for (int s = 0; s < slots; s++) {
      table.assignSlot(n, (c - 'a') * 1000 + s);
    }
    return n;
  }

  /** Myself and four other primaries, all serving slots (size 5, quorum 3), and a replica. */
  private ClusterNode[] fivePrimaries() {
    ClusterNode me = node('a', ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_MYSELF, 10);
    table.myself = me;
    return new ClusterNode[] {
      me,
      node('b', ClusterNode.FLAG_PRIMARY, 10),
      node('c', ClusterNode.FLAG_PRIMARY, 10),
      node('d', ClusterNode.FLAG_PRIMARY, 10),
      node('e', ClusterNode.FLAG_PRIMARY, 10),
      node('f', ClusterNode.FLAG_REPLICA, 0)
    };
  }

  @Test
  void reportsExpireAfterTwiceTheTimeoutAndAreWithdrawn() {
    ClusterNode[] n = fivePrimaries();
    ClusterNode target = n[4];
    assertThat(d.gossip(n[1], target, ClusterNode.FLAG_PFAIL, 0)).isFalse();
    assertThat(d.gossip(n[2], target, ClusterNode.FLAG_FAIL | ClusterNode.FLAG_PRIMARY, 500))
        .isFalse();
    assertThat(d.reports(target, 1000)).isEqualTo(2);
    // a replica's gossip is no report
    d.gossip(n[5], target, ClusterNode.FLAG_PFAIL, 1000);
    assertThat(d.reports(target, 1000)).isEqualTo(2);
    assertThat(d.reports(target, 2000)).isEqualTo(2); // exactly 2 x timeout old: still valid
    assertThat(d.reports(target, 2001)).isEqualTo(1);
    // refreshing a report restarts its validity
    d.gossip(n[2], target, ClusterNode.FLAG_PFAIL, 2400);
    assertThat(d.reports(target, 4400)).isEqualTo(1);
    assertThat(d.reports(target, 4401)).isZero();
    d.gossip(n[1], target, ClusterNode.FLAG_PFAIL, 5000);
    d.gossip(n[1], target, ClusterNode.FLAG_PRIMARY, 5100); // healthy again for n[1]
    assertThat(d.reports(target, 5100)).isZero();
    // a node leaving the table takes its reports along
    d.gossip(n[3], target, ClusterNode.FLAG_PFAIL, 6000);
    table.remove(n[3]);
    assertThat(d.reports(target, 6000)).isZero();
    assertThat(failSent).isEmpty();
  }

  @Test
  void pfailAfterTheTimeoutWithoutPongOrData() {
    ClusterNode[] n = fivePrimaries();
    ClusterNode b = n[1];
    assertThat(d.checkTimeout(b, 10_000)).isFalse(); // no ping pending
    b.pingSentMs = 10_000;
    assertThat(d.checkTimeout(b, 11_000)).isFalse();
    b.dataReceivedMs = 10_900; // traffic proves liveness too
    assertThat(d.checkTimeout(b, 11_500)).isFalse();
    assertThat(d.checkTimeout(b, 11_901)).isTrue();
    assertThat(b.is(ClusterNode.FLAG_PFAIL)).isTrue();
    assertThat(d.checkTimeout(b, 12_000)).isFalse(); // already flagged
    // a PONG clears PFAIL at once
    assertThat(d.reachable(b, 12_100)).isTrue();
    assertThat(b.is(ClusterNode.FLAG_PFAIL)).isFalse();
  }

  @Test
  void failNeedsAMajorityOfSlotOwningPrimariesCountingMyself() {
    ClusterNode[] n = fivePrimaries();
    ClusterNode target = n[4];
    target.flags |= ClusterNode.FLAG_PFAIL;
    // myself + b = 2 < quorum 3
    assertThat(d.gossip(n[1], target, ClusterNode.FLAG_PFAIL, 0)).isFalse();
    assertThat(target.is(ClusterNode.FLAG_FAIL)).isFalse();
    // b's report expired: myself + c = 2 again
    assertThat(d.gossip(n[2], target, ClusterNode.FLAG_PFAIL, 2500)).isFalse();
    // myself + c + d = 3: FAIL, broadcast once
    assertThat(d.gossip(n[3], target, ClusterNode.FLAG_FAIL, 2600)).isTrue();
    assertThat(target.flags & (ClusterNode.FLAG_FAIL | ClusterNode.FLAG_PFAIL))
        .isEqualTo(ClusterNode.FLAG_FAIL);
    assertThat(target.failTimeMs).isEqualTo(2600);
    assertThat(failSent).containsExactly(target.id);
    assertThat(d.gossip(n[1], target, ClusterNode.FLAG_FAIL, 2700)).isFalse();
    assertThat(failSent).hasSize(1);
  }

  @Test
  void aReplicaDoesNotCountItselfAndANodeWeReachIsNeverFailed() {
    ClusterNode me = node('a', ClusterNode.FLAG_REPLICA | ClusterNode.FLAG_MYSELF, 0);
    table.myself = me;
    ClusterNode b = node('b', ClusterNode.FLAG_PRIMARY, 10);
    ClusterNode c = node('c', ClusterNode.FLAG_PRIMARY, 10);
    ClusterNode e = node('e', ClusterNode.FLAG_PRIMARY, 10);
    e.flags |= ClusterNode.FLAG_PFAIL;
    assertThat(d.gossip(b, e, ClusterNode.FLAG_PFAIL, 0)).isFalse(); // 1 < 2
    assertThat(d.gossip(c, e, ClusterNode.FLAG_PFAIL, 0)).isTrue(); // 2 of 3
    // reports about a node we still reach (no PFAIL here) do not fail it
    assertThat(d.gossip(b, c, ClusterNode.FLAG_PFAIL, 0)).isFalse();
    assertThat(d.gossip(e, c, ClusterNode.FLAG_PFAIL, 0)).isFalse();
    assertThat(c.is(ClusterNode.FLAG_FAIL)).isFalse();
    // nobody's gossip makes myself fail
    assertThat(d.gossip(b, me, ClusterNode.FLAG_PFAIL, 0)).isFalse();
    assertThat(d.reports(me, 0)).isZero();
  }

  @Test
  void failMessageAndClearingRules() {
    ClusterNode[] n = fivePrimaries();
    ClusterNode replica = n[5];
    ClusterNode primary = n[4];
    ClusterNode empty = node('g', ClusterNode.FLAG_PRIMARY, 0);
    assertThat(d.failReceived(n[1], replica.id, 100)).isTrue();
    assertThat(d.failReceived(n[1], replica.id, 200)).isFalse(); // already FAIL
    assertThat(d.failReceived(n[1], n[0].id, 200)).isFalse(); // never myself
    assertThat(d.failReceived(n[1], "z".repeat(40), 200)).isFalse(); // unknown
    assertThat(d.failReceived(n[1], primary.id, 1000)).isTrue();
    assertThat(d.failReceived(n[1], empty.id, 1000)).isTrue();
    // a replica and a primary without slots clear as soon as they answer
    assertThat(d.reachable(replica, 1001)).isTrue();
    assertThat(d.reachable(empty, 1001)).isTrue();
    // a primary still owning its slots only after 2 x timeout (nobody took them over)
    assertThat(d.reachable(primary, 3000)).isFalse();
    assertThat(primary.is(ClusterNode.FLAG_FAIL)).isTrue();
    assertThat(d.reachable(primary, 3001)).isTrue();
    assertThat(primary.is(ClusterNode.FLAG_FAIL)).isFalse();
  }

  @Test
  void aNewNodeTimeoutAppliesAtOnce() {
    ClusterNode[] n = fivePrimaries();
    ClusterNode b = n[1];
    b.pingSentMs = 1000;
    d.gossip(n[2], b, ClusterNode.FLAG_PFAIL, 1000);
    timeout = 5000; // CONFIG SET cluster-node-timeout 5000
    assertThat(d.checkTimeout(b, 2500)).isFalse();
    assertThat(d.reports(b, 9000)).isEqualTo(1);
    timeout = 200;
    assertThat(d.checkTimeout(b, 2500)).isTrue();
    assertThat(d.reports(b, 2500)).isZero();
  }
}
