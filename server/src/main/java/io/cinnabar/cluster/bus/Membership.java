package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.SlotHash;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Which nodes belong to the cluster and what state it is in: handshakes (MEET), removal (FORGET,
 * RESET), Redis's clusterUpdateState and the routing view published to the keyspace thread. Bus
 * thread only.
 */
final class Membership {
  private final ClusterBus bus;

  Membership(ClusterBus bus) {
    this.bus = bus;
  }

  /** Removes a node and its links (clusterDelNode). */
  void forget(ClusterNode n) {
    bus.links.freeAll(n);
    bus.table.remove(n);
    bus.changed();
  }

  /**
   * Starts a handshake with ip:port@cport (clusterStartHandshake). False when the address is
   * invalid; true (and nothing done) when a handshake with it is already running.
   */
  boolean meet(String ip, int port, int cport) {
    String norm;
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(ip);
      if (!(ip.matches("[0-9.]+") || ip.contains(":"))) {
        return false;
      }
      norm = a.getHostAddress();
    } catch (IOException e) {
      return false;
    }
    if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
      return false;
    }
    for (ClusterNode n : bus.table.nodes()) {
      if (n.is(ClusterNode.FLAG_HANDSHAKE)
          && n.ip.equals(norm)
          && n.port == port
          && n.cport == cport) {
        return true;
      }
    }
    ClusterNode n = new ClusterNode();
    n.id = ClusterBus.randomId();
    n.shardId = ClusterBus.randomId();
    n.ip = norm;
    n.port = port;
    n.cport = cport;
    n.flags = ClusterNode.FLAG_HANDSHAKE | ClusterNode.FLAG_MEET;
    bus.table.add(n);
    bus.changed();
    return true;
  }

  /** CLUSTER RESET: forgets every other node and the slots; hard also renews id and epochs. */
  void reset(boolean hard) {
    NodeTable table = bus.table;
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      table.unassignSlot(s);
      table.setMigratingTo(s, null);
      table.setImportingFrom(s, null);
    }
    for (ClusterNode n : new ArrayList<>(table.nodes())) {
      if (n != table.myself) {
        forget(n);
      }
    }
    ClusterNode me = table.myself;
    me.primaryId = null;
    me.flags = (me.flags & ~ClusterNode.FLAG_REPLICA) | ClusterNode.FLAG_PRIMARY;
    if (hard) {
      table.currentEpoch = 0;
      table.lastVoteEpoch = 0;
      me.configEpoch = 0;
      table.remove(me);
      me.id = ClusterBus.randomId();
      me.shardId = me.id;
      table.add(me);
    }
    bus.changed();
  }

  /** The routing view of the keyspace thread. */
  ClusterTopology topology() {
    NodeTable table = bus.table;
    String[] owners = new String[SlotHash.SLOTS];
    Map<String, String> endpoints = new HashMap<>();
    for (ClusterNode n : table.nodes()) {
      String ip = n.ip.isEmpty() && n == table.myself ? "127.0.0.1" : n.ip;
      endpoints.put(n.id, ip + ":" + n.port);
    }
    for (int s = 0; s < owners.length; s++) {
      ClusterNode o = table.owner(s);
      owners[s] = o == null ? null : o.id;
    }
    return ClusterTopology.of(
        table.myself.id, owners, endpoints, table.myself.primaryId, stateOk());
  }

  /**
   * Redis's clusterUpdateState without failure detection: with cluster-require-full-coverage every
   * slot must be served, and a majority of the primaries serving slots must be reachable (at least
   * one primary serves slots).
   */
  boolean stateOk() {
    NodeTable table = bus.table;
    int size = 0;
    int reachable = 0;
    for (ClusterNode n : table.nodes()) {
      if (n.is(ClusterNode.FLAG_PRIMARY) && n.slotCount() > 0) {
        size++;
        if (!n.is(ClusterNode.FLAG_FAIL) && !n.is(ClusterNode.FLAG_PFAIL)) {
          reachable++;
        }
      }
    }
    if (bus.settings.requireFullCoverage()) {
      for (int s = 0; s < ClusterNode.SLOTS; s++) {
        ClusterNode o = table.owner(s);
        if (o == null || o.is(ClusterNode.FLAG_FAIL)) {
          return false;
        }
      }
    }
    return size > 0 && reachable >= size / 2 + 1;
  }
}
