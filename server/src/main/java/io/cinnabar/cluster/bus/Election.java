package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.server.Log;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * A replica's side of failover, as Redis 7.0's clusterHandleSlaveFailover and
 * clusterHandleManualFailover: when its primary is FAIL (or a manual failover may start) it waits
 * the election delay (base + random + rank x rank delay; Redis hard-codes 500 + 0..499 + rank x
 * 1000 ms), asks every node for its vote in a new epoch, and takes over once a majority of the
 * slot-owning primaries granted it. The clock and the random source are injected and the effects go
 * through {@link Actions}, so tests run it on a fake clock. Bus thread only.
 */
final class Election {
  /** CLUSTER_MF_TIMEOUT: a manual failover must complete within this time. */
  static final long MF_TIMEOUT = 5000;

  /** CLUSTER_MF_PAUSE_MULT: the primary pauses writes for this many MF timeouts at most. */
  static final int MF_PAUSE_MULT = 2;

  /** The options that drive an election; the delays are Cinnabar's configurable ones. */
  record Settings(
      long nodeTimeout,
      long validityFactor,
      long replPingPeriodMs,
      boolean noFailover,
      long baseDelay,
      long randomDelay,
      long rankDelay) {
    /** How long a started election waits for votes: 2 x node timeout, at least 2 s. */
    long authTimeout() {
      return Math.max(nodeTimeout * 2, 2000);
    }

    /** When a failed election may be retried. */
    long retryTime() {
      return authTimeout() * 2;
    }
  }

  /** What an election does to the cluster (the bus in production, a recorder in tests). */
  interface Actions {
    /** PONG to the other replicas of my primary: they learn my offset and re-rank. */
    void pongSiblings();

    /** FAILOVER_AUTH_REQUEST to every node (FORCEACK during a manual failover). */
    void requestVotes(boolean forceAck);

    /** The election is won: take over the primary's slots (clusterFailoverReplaceYourMaster). */
    void takeOver();

    /** The epochs changed: save nodes.conf. */
    void changed();
  }

  private final LongSupplier clock;
  private final LongUnaryOperator random;

  long authTime;
  int authCount;
  boolean authSent;
  int authRank;
  long authEpoch;

  /** Manual failover of this replica: its deadline (0: none), go-ahead and the primary's offset. */
  long mfEnd;

  boolean mfCanStart;
  long mfPrimaryOffset = -1;

  private String lastReason;
  private long lastReasonLogMs;

  /** {@code random.applyAsLong(n)} returns a value in [0, n). */
  Election(LongSupplier clock, LongUnaryOperator random) {
    this.clock = clock;
    this.random = random;
  }

  /** resetManualFailover, replica half. */
  void resetManual() {
    mfEnd = 0;
    mfCanStart = false;
    mfPrimaryOffset = -1;
  }

  /**
   * Forgets the election after a win (or a TAKEOVER). Redis keeps the won election's state, so a
   * failover asked within 2 s of a win (e.g. a manual failover back) would be declared won with the
   * old votes and the old epoch; here it starts a new election.
   */
  void clear() {
    authTime = 0;
    authSent = false;
    authCount = 0;
    authRank = 0;
    resetManual();
  }

  /** True while a manual failover started here runs. */
  boolean manualRunning() {
    return mfEnd != 0;
  }

  /** CLUSTER FAILOVER (default or FORCE) on this replica: a manual failover starts now. */
  void startManual(boolean force) {
    resetManual();
    mfEnd = clock.getAsLong() + MF_TIMEOUT;
    mfCanStart = force;
  }

  /** manualFailoverCheckTimeout: true when a running manual failover just timed out. */
  boolean manualTimedOut() {
    if (mfEnd != 0 && mfEnd < clock.getAsLong()) {
      Log.warning("Manual failover timed out.");
      resetManual();
      return true;
    }
    return false;
  }

  /**
   * The paused primary sent its offset: from now on the replica waits to have processed as much.
   */
  void primaryPaused(long offset) {
    if (mfEnd != 0 && mfPrimaryOffset == -1) {
      mfPrimaryOffset = offset;
      Log.warning("Received replication offset for paused master manual failover: " + offset);
    }
  }

  /**
   * clusterHandleManualFailover: true when the replica just caught up with the paused primary (the
   * election should run now).
   */
  boolean checkManual(long myOffset) {
    if (mfEnd == 0 || mfCanStart || mfPrimaryOffset == -1) {
      return false;
    }
    if (mfPrimaryOffset == myOffset) {
      mfCanStart = true;
      Log.warning("All master replication stream processed, manual failover can start.");
      return true;
    }
    return false;
  }

  /** True while waiting for the paused primary's offset to be reached. */
  boolean waitingForOffset() {
    return mfEnd != 0 && !mfCanStart;
  }

  /** An ACK from a slot-owning primary whose current epoch is {@code epoch}. */
  void ack(long epoch) {
    if (Long.compareUnsigned(epoch, authEpoch) >= 0) {
      authCount++;
    }
  }

  /** clusterGetSlaveRank: replicas of my primary that can fail over and have a higher offset. */
  static int rank(NodeTable t, long myOffset) {
    ClusterNode primary = t.primaryOf(t.myself);
    if (primary == null) {
      return 0;
    }
    int rank = 0;
    for (ClusterNode r : t.replicasOf(primary)) {
      if (r != t.myself && !r.is(ClusterNode.FLAG_NOFAILOVER) && r.replOffset > myOffset) {
        rank++;
      }
    }
    return rank;
  }

  /**
   * One step of clusterHandleSlaveFailover. {@code dataTimeMs}: when this replica last heard from
   * its primary (0: never). Returns the time the next step is due (the end of the election delay),
   * or 0 when only events (votes, the cron) move it on.
   */
  long step(NodeTable t, Settings s, long myOffset, long dataTimeMs, Actions a) {
    long now = clock.getAsLong();
    ClusterNode me = t.myself;
    ClusterNode primary = t.primaryOf(me);
    boolean manual = mfEnd != 0 && mfCanStart;
    if (me.is(ClusterNode.FLAG_PRIMARY)
        || primary == null
        || (!primary.is(ClusterNode.FLAG_FAIL) && !manual)
        || (s.noFailover() && !manual)
        || primary.slotCount() == 0) {
      lastReason = null;
      return 0;
    }
    long dataAge = dataTimeMs == 0 ? Long.MAX_VALUE / 2 : now - dataTimeMs;
    if (dataAge > s.nodeTimeout()) {
      dataAge -= s.nodeTimeout();
    }
    if (s.validityFactor() > 0
        && dataAge > s.replPingPeriodMs() + s.nodeTimeout() * s.validityFactor()
        && !manual) {
      cantFailover(
          "Disconnected from master for longer than allowed. Please check the"
              + " 'cluster-replica-validity-factor' configuration option.",
          now,
          primary,
          s);
      return 0;
    }
    long authAge = now - authTime;
    if (authAge > s.retryTime()) {
      authTime =
          now + s.baseDelay() + (s.randomDelay() > 0 ? random.applyAsLong(s.randomDelay()) : 0);
      authCount = 0;
      authSent = false;
      authRank = rank(t, myOffset);
      authTime += authRank * s.rankDelay();
      if (mfEnd != 0) {
        authTime = now;
        authRank = 0;
      }
      Log.warning(
          "Start of election delayed for "
              + (authTime - now)
              + " milliseconds (rank #"
              + authRank
              + ", offset "
              + myOffset
              + ").");
      a.pongSiblings();
      return authTime;
    }
    if (!authSent && mfEnd == 0) {
      int rank = rank(t, myOffset);
      if (rank > authRank) {
        long added = (rank - authRank) * s.rankDelay();
        authTime += added;
        authRank = rank;
        Log.warning(
            "Replica rank updated to #" + rank + ", added " + added + " milliseconds of delay.");
      }
    }
    if (now < authTime) {
      cantFailover("Waiting the delay before I can start a new failover.", now, primary, s);
      return authTime;
    }
    if (authAge > s.authTimeout()) {
      cantFailover("Failover attempt expired.", now, primary, s);
      return 0;
    }
    if (!authSent) {
      t.currentEpoch++;
      authEpoch = t.currentEpoch;
      Log.warning(
          "Starting a failover election for epoch " + Long.toUnsignedString(authEpoch) + ".");
      a.changed();
      a.requestVotes(mfEnd != 0);
      authSent = true;
      return 0;
    }
    int quorum = FailureDetector.quorum(t);
    if (authCount >= quorum) {
      Log.warning("Failover election won: I'm the new master.");
      if (Long.compareUnsigned(me.configEpoch, authEpoch) < 0) {
        me.configEpoch = authEpoch;
        Log.warning(
            "configEpoch set to "
                + Long.toUnsignedString(authEpoch)
                + " after successful failover");
      }
      a.takeOver();
      clear();
      return 0;
    }
    cantFailover("Waiting for votes, but majority still not reached.", now, primary, s);
    return 0;
  }

  /**
   * clusterLogCantFailover: logged when the reason changes, or every 10 s, and not before the
   * primary has been failing for the node timeout (during a manual failover always).
   */
  private void cantFailover(String reason, long now, ClusterNode primary, Settings s) {
    if (reason.equals(lastReason) && now - lastReasonLogMs < 10_000) {
      return;
    }
    if (mfEnd == 0 && now - primary.failTimeMs < s.nodeTimeout()) {
      return;
    }
    lastReason = reason;
    lastReasonLogMs = now;
    Log.notice("Currently unable to failover: " + reason);
  }
}
