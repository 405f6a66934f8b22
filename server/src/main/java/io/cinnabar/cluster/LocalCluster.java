package io.cinnabar.cluster;

import io.cinnabar.config.Config;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The cluster as a lone node sees it before any peer is known: myself (a primary with a random id)
 * and the slots assigned to it with CLUSTER ADDSLOTS and friends. Owned by the keyspace thread;
 * after each change the caller publishes {@link #snapshot} for routing.
 */
public final class LocalCluster {
  public final ClusterNode myself = new ClusterNode();

  /** cluster-require-full-coverage as of the last snapshot. */
  private boolean fullCoverage;

  public LocalCluster() {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    myself.id = HexFormat.of().formatHex(id);
    myself.shardId = myself.id;
    myself.flags = ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_PRIMARY;
  }

  /**
   * Redis's clusterUpdateState for one node: ok when it serves at least one slot and, with {@code
   * cluster-require-full-coverage yes}, all of them. (Redis also waits a rejoin delay after having
   * served no slot; this view changes at once.)
   */
  public boolean stateOk(Config config) {
    int n = myself.slotCount();
    return n > 0 && (n == SlotHash.SLOTS || !config.getBool("cluster-require-full-coverage"));
  }

  /** True when a configuration change alters the state this node computes. */
  public boolean affectedBy(Config config) {
    return config.getBool("cluster-require-full-coverage") != fullCoverage;
  }

  /** The routing view of the current state. */
  public ClusterTopology snapshot(Config config) {
    String ip = config.get("cluster-announce-ip");
    if (ip == null || ip.isEmpty()) {
      ip = "127.0.0.1";
    }
    long announced = config.getLong("cluster-announce-port");
    myself.ip = ip;
    myself.port = announced > 0 ? (int) announced : config.port;
    fullCoverage = config.getBool("cluster-require-full-coverage");
    return ClusterTopology.single(myself, ip + ":" + myself.port, stateOk(config));
  }
}
