package io.cinnabar.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The failure reports about one node (Redis's fail_reports list): which primaries said, in their
 * gossip, that they cannot reach it, and when they last said so. A report older than the validity
 * time (2 x cluster-node-timeout in Redis) no longer counts and is dropped whenever the list is
 * read. Times are passed in so tests can use a fake clock. Bus thread only.
 */
public final class FailureReports {
  /** CLUSTER_FAIL_REPORT_VALIDITY_MULT: reports live this many node timeouts. */
  public static final int VALIDITY_MULT = 2;

  private final Map<ClusterNode, Long> reports = new LinkedHashMap<>();

  /** Adds or refreshes {@code sender}'s report; true when it is a new one. */
  public boolean add(ClusterNode sender, long now) {
    return reports.put(sender, now) == null;
  }

  /** Removes {@code sender}'s report (after dropping expired ones); true when there was one. */
  public boolean remove(ClusterNode sender, long now, long nodeTimeout) {
    cleanup(now, nodeTimeout);
    return reports.remove(sender) != null;
  }

  /** The number of valid reports (clusterNodeFailureReportsCount). */
  public int count(long now, long nodeTimeout) {
    cleanup(now, nodeTimeout);
    return reports.size();
  }

  /** Forgets the reports of a node that leaves the table. */
  public void forgetSender(ClusterNode sender) {
    reports.remove(sender);
  }

  public void clear() {
    reports.clear();
  }

  private void cleanup(long now, long nodeTimeout) {
    long validity = nodeTimeout * VALIDITY_MULT;
    reports.values().removeIf(t -> now - t > validity);
  }
}
