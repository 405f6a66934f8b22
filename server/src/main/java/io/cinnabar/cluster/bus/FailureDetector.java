package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.server.Log;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Failure detection as in Redis 7.0's cluster.c: a node we pinged that stays silent for the node
 * timeout becomes PFAIL; primaries' gossip about PFAIL/FAIL nodes becomes failure reports; a
 * majority of the slot-owning primaries (myself included when I am a primary) turns PFAIL into
 * FAIL, which is broadcast; the flags clear when the node answers again (clearNodeFailureIfNeeded).
 * Times are passed in and the FAIL broadcast is a callback, so tests drive it on a fake clock. Bus
 * thread only.
 */
final class FailureDetector {
  /** CLUSTER_FAIL_UNDO_TIME_MULT: a FAIL primary still owning its slots clears after this. */
  static final int FAIL_UNDO_TIME_MULT = 2;

  private final NodeTable table;
  private final LongSupplier nodeTimeout;
  private final Consumer<ClusterNode> broadcastFail;

  /** PFAIL nodes counted by the last cron run (stats_pfail_nodes): extra gossip entries. */
  int pfailNodes;

  FailureDetector(NodeTable table, LongSupplier nodeTimeout, Consumer<ClusterNode> broadcastFail) {
    this.table = table;
    this.nodeTimeout = nodeTimeout;
    this.broadcastFail = broadcastFail;
  }

  /**
   * The cron's check of one node: a pending PING older than the node timeout, with no data from the
   * node in that time either, makes it PFAIL. True when the flag was set.
   */
  boolean checkTimeout(ClusterNode n, long now) {
    if (n.pingSentMs == 0) {
      return false;
    }
    long delay = Math.min(now - n.pingSentMs, now - n.dataReceivedMs);
    if (delay > nodeTimeout.getAsLong() && !n.is(ClusterNode.FLAG_PFAIL | ClusterNode.FLAG_FAIL)) {
      n.flags |= ClusterNode.FLAG_PFAIL;
      Log.verbose("*** NODE " + n.id + " possibly failing");
      return true;
    }
    return false;
  }

  /**
   * A PONG from {@code n} on our link: PFAIL always clears; FAIL as clearNodeFailureIfNeeded says.
   * True when a flag changed.
   */
  boolean reachable(ClusterNode n, long now) {
    if (n.is(ClusterNode.FLAG_PFAIL)) {
      n.flags &= ~ClusterNode.FLAG_PFAIL;
      return true;
    }
    if (!n.is(ClusterNode.FLAG_FAIL)) {
      return false;
    }
    if (n.is(ClusterNode.FLAG_REPLICA) || n.slotCount() == 0) {
      // Nobody needs to take over anything from it.
      n.flags &= ~ClusterNode.FLAG_FAIL;
      Log.notice(
          "Clear FAIL state for node "
              + n.id
              + ": "
              + (n.is(ClusterNode.FLAG_REPLICA) ? "replica" : "master without slots")
              + " is reachable again.");
      return true;
    }
    if (now - n.failTimeMs > nodeTimeout.getAsLong() * FAIL_UNDO_TIME_MULT) {
      // A primary still serving its slots: nobody failed it over, so it is back.
      n.flags &= ~ClusterNode.FLAG_FAIL;
      Log.notice(
          "Clear FAIL state for node "
              + n.id
              + ": is reachable again and nobody is serving its slots after some time.");
      return true;
    }
    return false;
  }

  /**
   * One gossip entry from {@code sender} about {@code n} (a known node other than myself): a
   * primary's PFAIL/FAIL flag adds (or refreshes) its report, anything else withdraws it. True when
   * {@code n} became FAIL.
   */
  boolean gossip(ClusterNode sender, ClusterNode n, int flags, long now) {
    if (!sender.is(ClusterNode.FLAG_PRIMARY) || n == table.myself) {
      return false;
    }
    if ((flags & (ClusterNode.FLAG_PFAIL | ClusterNode.FLAG_FAIL)) != 0) {
      if (n.failReports.add(sender, now)) {
        Log.verbose("Node " + sender.id + " reported node " + n.id + " as not reachable.");
      }
      return markFailingIfNeeded(n, now);
    }
    if (n.failReports.remove(sender, now, nodeTimeout.getAsLong())) {
      Log.verbose("Node " + sender.id + " reported node " + n.id + " is back online.");
    }
    return false;
  }

  /** Valid failure reports about {@code n} (CLUSTER COUNT-FAILURE-REPORTS). */
  int reports(ClusterNode n, long now) {
    return n.failReports.count(now, nodeTimeout.getAsLong());
  }

  /**
   * markNodeAsFailingIfNeeded: a PFAIL node reported by a majority of the slot-owning primaries
   * (counting myself when I am a primary) becomes FAIL and every reachable node is told.
   */
  boolean markFailingIfNeeded(ClusterNode n, long now) {
    if (!n.is(ClusterNode.FLAG_PFAIL) || n.is(ClusterNode.FLAG_FAIL)) {
      return false;
    }
    int failures = reports(n, now);
    if (table.myself.is(ClusterNode.FLAG_PRIMARY)) {
      failures++;
    }
    if (failures < quorum(table)) {
      return false;
    }
    Log.notice("Marking node " + n.id + " as failing (quorum reached).");
    n.flags = (n.flags & ~ClusterNode.FLAG_PFAIL) | ClusterNode.FLAG_FAIL;
    n.failTimeMs = now;
    broadcastFail.accept(n);
    return true;
  }

  /**
   * A FAIL message from a known node: the named node (unless myself or already FAIL) is FAIL now.
   * True when it changed.
   */
  boolean failReceived(ClusterNode sender, String about, long now) {
    ClusterNode n = table.get(about);
    if (n == null || n.is(ClusterNode.FLAG_FAIL | ClusterNode.FLAG_MYSELF)) {
      return false;
    }
    Log.notice("FAIL message received from " + sender.id + " about " + about);
    n.flags = (n.flags & ~ClusterNode.FLAG_PFAIL) | ClusterNode.FLAG_FAIL;
    n.failTimeMs = now;
    return true;
  }

  /** The number of primaries serving slots (the cluster size). */
  static int size(NodeTable t) {
    int size = 0;
    for (ClusterNode n : t.nodes()) {
      if (n.is(ClusterNode.FLAG_PRIMARY) && n.slotCount() > 0) {
        size++;
      }
    }
    return size;
  }

  /** A majority of the cluster size. */
  static int quorum(NodeTable t) {
    return size(t) / 2 + 1;
  }
}
