package io.cinnabar.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The election state machine (clusterHandleSlaveFailover / clusterHandleManualFailover) and the
 * voting rules (clusterSendFailoverAuthIfNeeded) on a fake clock: three slot-owning primaries (a,
 * b, c; quorum 2), a has replicas myself (m) and a sibling (s).
 */
class ElectionTest {
  static final Election.Settings REDIS =
      new Election.Settings(1000, 10, 10_000, false, 500, 500, 1000);

  private final NodeTable t = new NodeTable();
  private long now = 100_000;
  private long nextRandom = 123;
  private final Election e = new Election(() -> now, n -> Math.min(nextRandom, n - 1));
  private final List<String> actions = new ArrayList<>();
  private final Election.Actions rec =
      new Election.Actions() {
        @Override
        public void pongSiblings() {
          actions.add("pong");
        }

        @Override
        public void requestVotes(boolean forceAck) {
          actions.add(forceAck ? "request+force" : "request");
        }

        @Override
        public void takeOver() {
          actions.add("takeover");
        }

        @Override
        public void changed() {
          actions.add("changed");
        }
      };

  private ClusterNode a;
  private ClusterNode b;
  private ClusterNode c;
  private ClusterNode me;
  private ClusterNode sibling;

  ElectionTest() {
    a = node('a', ClusterNode.FLAG_PRIMARY, 0);
    b = node('b', ClusterNode.FLAG_PRIMARY, 1000);
    c = node('c', ClusterNode.FLAG_PRIMARY, 2000);
    me = node('m', ClusterNode.FLAG_REPLICA | ClusterNode.FLAG_MYSELF, -1);
    sibling = node('s', ClusterNode.FLAG_REPLICA, -1);
    me.primaryId = a.id;
    sibling.primaryId = a.id;
    t.myself = me;
    a.configEpoch = 1;
    b.configEpoch = 2;
    c.configEpoch = 3;
    t.currentEpoch = 3;
  }

  private ClusterNode node(char ch, int flags, int firstSlot) {
    ClusterNode n = new ClusterNode();
    n.id = String.valueOf(ch).repeat(40);
    n.flags = flags;
    t.add(n);
    for (int s = 0; firstSlot >= 0 && s < 10; s++) {
      t.assignSlot(n, firstSlot + s);
    }
    return n;
  }

  private void failPrimary() {
    a.flags |= ClusterNode.FLAG_FAIL;
    a.failTimeMs = now;
  }

  @Test
  void nothingWhileThePrimaryIsUp() {
    assertThat(e.step(t, REDIS, 0, now, rec)).isZero();
    assertThat(actions).isEmpty();
  }

  @Test
  void delayIsBasePlusRandomPlusRankThenVotesThenWin() {
    failPrimary();
    sibling.replOffset = 50; // ahead of us: rank 1
    long due = e.step(t, REDIS, 40, now, rec);
    assertThat(due).isEqualTo(now + 500 + 123 + 1000);
    assertThat(e.authRank).isEqualTo(1);
    assertThat(actions).containsExactly("pong");
    now = due - 1;
    assertThat(e.step(t, REDIS, 40, now - 10, rec)).isEqualTo(due);
    assertThat(actions).containsExactly("pong");
    now = due;
    e.step(t, REDIS, 40, now - 10, rec);
    assertThat(actions).containsExactly("pong", "changed", "request");
    assertThat(t.currentEpoch).isEqualTo(4);
    assertThat(e.authEpoch).isEqualTo(4);
    e.ack(4);
    e.step(t, REDIS, 40, now - 10, rec);
    assertThat(actions).doesNotContain("takeover"); // one vote of a quorum of 2
    e.ack(3); // an older epoch's ack does not count
    e.step(t, REDIS, 40, now - 10, rec);
    assertThat(actions).doesNotContain("takeover");
    e.ack(4);
    e.step(t, REDIS, 40, now - 10, rec);
    assertThat(actions).endsWith("takeover");
    assertThat(me.configEpoch).isEqualTo(4);
    // Nothing of the won election remains: a later failover (here a manual one, as a replica
    // again) runs a new election in a new epoch.
    me.flags = (me.flags & ~ClusterNode.FLAG_PRIMARY) | ClusterNode.FLAG_REPLICA;
    actions.clear();
    now += 100;
    e.startManual(true);
    assertThat(e.step(t, REDIS, 40, now, rec)).isEqualTo(now);
    e.step(t, REDIS, 40, now, rec);
    assertThat(actions).containsExactly("pong", "changed", "request+force");
    assertThat(e.authEpoch).isEqualTo(5);
  }

  @Test
  void rankGrowsWhileWaitingAndNoFailoverReplicasDoNotCount() {
    failPrimary();
    long due = e.step(t, REDIS, 40, now, rec);
    assertThat(due).isEqualTo(now + 623);
    sibling.replOffset = 99;
    sibling.flags |= ClusterNode.FLAG_NOFAILOVER;
    assertThat(Election.rank(t, 40)).isZero();
    sibling.flags &= ~ClusterNode.FLAG_NOFAILOVER;
    now += 10;
    assertThat(e.step(t, REDIS, 40, now, rec)).isEqualTo(due + 1000);
    assertThat(e.authRank).isEqualTo(1);
  }

  @Test
  void configurableDelays() {
    failPrimary();
    Election.Settings fast = new Election.Settings(500, 10, 10_000, false, 0, 100, 200);
    nextRandom = 1000; // capped below the bound by the fake
    sibling.replOffset = 50;
    assertThat(e.step(t, fast, 40, now, rec)).isEqualTo(now + 99 + 200);
  }

  @Test
  void authTimeoutThenRetry() {
    failPrimary();
    long due = e.step(t, REDIS, 0, now, rec);
    now = due;
    e.step(t, REDIS, 0, now, rec);
    assertThat(actions).containsExactly("pong", "changed", "request");
    // auth timeout = max(2 x 1000, 2000): after it the attempt has expired ...
    now = due + 2001;
    assertThat(e.step(t, REDIS, 0, now, rec)).isZero();
    assertThat(actions).hasSize(3);
    // ... and a new election is scheduled after twice that.
    now = due + 4001;
    assertThat(e.step(t, REDIS, 0, now, rec)).isEqualTo(now + 623);
    assertThat(actions).endsWith("pong");
    assertThat(e.authSent).isFalse();
    assertThat(e.authCount).isZero();
  }

  @Test
  void staleDataAndNoFailoverBlockAutomaticFailover() {
    failPrimary();
    // data age - node timeout > ping period + timeout x validity factor = 10 s + 10 s
    assertThat(e.step(t, REDIS, 0, now - 21_001 - 1000, rec)).isZero();
    assertThat(actions).isEmpty();
    Election.Settings noFailover = new Election.Settings(1000, 10, 10_000, true, 500, 500, 1000);
    assertThat(e.step(t, noFailover, 0, now, rec)).isZero();
    Election.Settings noValidity = new Election.Settings(1000, 0, 10_000, false, 500, 500, 1000);
    assertThat(e.step(t, noValidity, 0, 0, rec)).isEqualTo(now + 623);
  }

  @Test
  void manualFailoverWaitsForThePausedOffsetThenStartsAtOnceWithForceAck() {
    e.startManual(false);
    assertThat(e.step(t, REDIS, 10, now, rec)).isZero(); // primary up, not caught up yet
    assertThat(e.checkManual(10)).isFalse(); // no offset from the paused primary yet
    e.primaryPaused(20);
    assertThat(e.checkManual(10)).isFalse();
    assertThat(e.checkManual(20)).isTrue();
    assertThat(e.step(t, REDIS, 20, now, rec)).isEqualTo(now); // rank 0, no delay
    e.step(t, REDIS, 20, now, rec);
    assertThat(actions).containsExactly("pong", "changed", "request+force");
  }

  @Test
  void manualFailoverTimesOut() {
    e.startManual(true);
    now += Election.MF_TIMEOUT;
    assertThat(e.manualTimedOut()).isFalse();
    now++;
    assertThat(e.manualTimedOut()).isTrue();
    assertThat(e.manualRunning()).isFalse();
  }

  // ---- voting --------------------------------------------------------------------------------

  private String vote(Voter v, ClusterNode voter, ClusterNode from, long reqEpoch, boolean force) {
    return vote(v, voter, from, reqEpoch, force, a.slots.clone());
  }

  private String vote(
      Voter v, ClusterNode voter, ClusterNode from, long reqEpoch, boolean force, byte[] claimed) {
    t.myself.flags &= ~ClusterNode.FLAG_MYSELF;
    t.myself = voter;
    voter.flags |= ClusterNode.FLAG_MYSELF;
    t.currentEpoch = Math.max(t.currentEpoch, reqEpoch); // as the request's header does
    return v.decide(t, from, reqEpoch, a.configEpoch, claimed, force, now, 1000);
  }

  @Test
  void votingRules() {
    Voter v = new Voter();
    // a replica, or a primary without slots, does not vote (silently)
    assertThat(vote(v, sibling, me, 4, false)).isEqualTo(Voter.SILENT);
    assertThat(vote(v, b, me, 4, false)).isEqualTo("its master is up");
    assertThat(vote(v, b, me, 4, true)).isNull(); // FORCEACK: a manual failover
    assertThat(t.lastVoteEpoch).isEqualTo(4);
    failPrimary();
    assertThat(vote(v, b, sibling, 4, false)).isEqualTo("already voted for epoch 4");
    assertThat(vote(v, b, sibling, 5, false))
        .isEqualTo("can't vote about this master before 2000 milliseconds");
    now += 2000;
    assertThat(vote(v, b, sibling, 4, false)).isEqualTo("reqEpoch (4) < curEpoch(5)");
    assertThat(vote(v, b, c, 5, false)).isEqualTo("it is a master node");
    assertThat(vote(v, b, sibling, 5, false)).isNull();
    assertThat(t.lastVoteEpoch).isEqualTo(5);
  }

  @Test
  void noVoteForAReplicaClaimingSlotsOfANewerOwner() {
    Voter v = new Voter();
    failPrimary();
    t.currentEpoch = 7;
    // Slot 0 of a was already taken over (configEpoch 6) by b: the request's epoch 1 is stale.
    byte[] claims = a.slots.clone();
    t.unassignSlot(0);
    t.assignSlot(b, 0);
    b.configEpoch = 6;
    assertThat(vote(v, c, me, 7, false, claims)).isEqualTo("slot 0 epoch (6) > reqEpoch (1)");
    ClusterNode orphan = node('o', ClusterNode.FLAG_REPLICA, -1);
    orphan.primaryId = "z".repeat(40);
    assertThat(vote(v, c, orphan, 7, false)).isEqualTo("I don't know its master");
  }
}
