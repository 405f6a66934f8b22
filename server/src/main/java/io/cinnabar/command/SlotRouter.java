package io.cinnabar.command;

import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.config.Config;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * Cluster-mode routing of a request, as Redis's getNodeByQuery and clusterRedirectClient: the keys
 * (found through the command's key specs) must all hash to one slot, that slot must be served by
 * myself, and the cluster must be up. Otherwise the client gets CROSSSLOT, MOVED or CLUSTERDOWN and
 * the command does not run. Keyless commands always run here. Reads the published {@link
 * ClusterTopology}, so a concurrent topology change is seen whole or not at all.
 */
public final class SlotRouter {
  static final byte[] CROSSSLOT =
      Bytes.ascii("CROSSSLOT Keys in request don't hash to the same slot");
  static final byte[] UNBOUND = Bytes.ascii("CLUSTERDOWN Hash slot not served");
  static final byte[] DOWN = Bytes.ascii("CLUSTERDOWN The cluster is down");
  static final byte[] DOWN_READ_ONLY =
      Bytes.ascii("CLUSTERDOWN The cluster is down and only accepts read commands");

  private final KeyPositions keys = new KeyPositions();

  /**
   * True when the command may run on this node; otherwise the redirection or error has been
   * replied. cluster-allow-reads-when-down is read from {@code config} only when the cluster is
   * down.
   */
  public boolean route(Client c, CommandSpec cmd, ClusterTopology topology, Config config) {
    if (cmd.keySpecs.isEmpty() && !cmd.has(CommandFlag.MOVABLEKEYS)) {
      return true;
    }
    Request r = c.req;
    // Shard channels (the only not_key specs in Redis 7.0) route like keys.
    if (!cmd.keys(r, keys, true) || keys.size() == 0) {
      return true; // no keys (or arguments the command will reject itself): answered here
    }
    int first = keys.get(0);
    int slot = SlotHash.slot(r.bufs[first], r.offs[first], r.lens[first]);
    int owner = topology.owner(slot);
    if (owner == ClusterTopology.NONE) {
      c.reply.errorBytes(UNBOUND);
      return false;
    }
    for (int i = 1; i < keys.size(); i++) {
      int k = keys.get(i);
      if (SlotHash.slot(r.bufs[k], r.offs[k], r.lens[k]) != slot) {
        c.reply.errorBytes(CROSSSLOT);
        return false;
      }
    }
    boolean write = cmd.has(CommandFlag.WRITE);
    if (!topology.ok()) {
      if (cmd.has(CommandFlag.PUBSUB) && !cmd.keySpecs.isEmpty()) {
        if (!config.getBool("cluster-allow-pubsubshard-when-down")) {
          c.reply.errorBytes(DOWN);
          return false;
        }
      } else if (!config.getBool("cluster-allow-reads-when-down")) {
        c.reply.errorBytes(DOWN);
        return false;
      }
      if (write) {
        c.reply.errorBytes(DOWN_READ_ONLY);
        return false;
      }
    }
    if (owner == topology.myself()) {
      return true;
    }
    if (c.clusterReadOnly && !write && owner == topology.myPrimary()) {
      return true; // a READONLY client reads from this replica of the slot's primary
    }
    c.reply.error("MOVED " + slot + " " + topology.endpoint(owner));
    return false;
  }
}
