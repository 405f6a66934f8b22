package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import java.util.HashMap;
import java.util.Map;

/**
 * A primary's vote in replicas' elections, as Redis 7.0's clusterSendFailoverAuthIfNeeded: one vote
 * per epoch (lastVoteEpoch, which the caller persists before the ACK leaves), only for a replica
 * whose primary is FAIL (or that asks with FORCEACK during a manual failover), at most one vote per
 * failed primary every 2 x node timeout, and never for a replica claiming slots whose current owner
 * has a newer config epoch than the request. Bus thread only.
 */
final class Voter {
  /** When we last voted for a replica of each primary (Redis's voted_time), by primary id. */
  private final Map<String, Long> votedTime = new HashMap<>();

  /** Not a voter: nothing is logged (a replica or a primary without slots). */
  static final String SILENT = "";

  /**
   * Decides on a FAILOVER_AUTH_REQUEST from {@code node} (our current epoch already raised to the
   * request's). Returns null when the vote is granted (lastVoteEpoch and the primary's vote time
   * are updated), else why not: {@link #SILENT} or the text Redis logs after "Failover auth denied
   * to <id>: ".
   */
  String decide(
      NodeTable t,
      ClusterNode node,
      long reqCurrentEpoch,
      long reqConfigEpoch,
      byte[] claimed,
      boolean forceAck,
      long now,
      long nodeTimeout) {
    ClusterNode me = t.myself;
    if (me.is(ClusterNode.FLAG_REPLICA) || me.slotCount() == 0) {
      return SILENT;
    }
    if (Long.compareUnsigned(reqCurrentEpoch, t.currentEpoch) < 0) {
      return "reqEpoch ("
          + Long.toUnsignedString(reqCurrentEpoch)
          + ") < curEpoch("
          + Long.toUnsignedString(t.currentEpoch)
          + ")";
    }
    if (t.lastVoteEpoch == t.currentEpoch) {
      return "already voted for epoch " + Long.toUnsignedString(t.currentEpoch);
    }
    ClusterNode primary = t.primaryOf(node);
    if (node.is(ClusterNode.FLAG_PRIMARY)) {
      return "it is a master node";
    }
    if (primary == null) {
      return "I don't know its master";
    }
    if (!primary.is(ClusterNode.FLAG_FAIL) && !forceAck) {
      return "its master is up";
    }
    Long voted = votedTime.get(primary.id);
    if (voted != null && now - voted < nodeTimeout * 2) {
      return "can't vote about this master before "
          + (nodeTimeout * 2 - (now - voted))
          + " milliseconds";
    }
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      if ((claimed[s >> 3] & (1 << (s & 7))) == 0) {
        continue;
      }
      ClusterNode owner = t.owner(s);
      if (owner == null || Long.compareUnsigned(owner.configEpoch, reqConfigEpoch) <= 0) {
        continue;
      }
      return "slot "
          + s
          + " epoch ("
          + Long.toUnsignedString(owner.configEpoch)
          + ") > reqEpoch ("
          + Long.toUnsignedString(reqConfigEpoch)
          + ")";
    }
    t.lastVoteEpoch = t.currentEpoch;
    votedTime.put(primary.id, now);
    return null;
  }
}
