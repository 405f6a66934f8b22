package io.cinnabar.cluster;

import io.cinnabar.protocol.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies of CLUSTER NODES, SLOTS, SHARDS and REPLICAS/SLAVES built from a {@link NodeTable},
 * in Redis 7.0.15's exact shape. Live values (ping/pong times, link state, replication offsets) are
 * read from the table: the caller keeps myself's replOffset current (the primary's
 * master_repl_offset, or a replica's processed offset) before replying.
 */
public final class ClusterReplies {
  /** cluster-preferred-endpoint-type. */
  public enum Endpoint {
    IP,
    HOSTNAME,
    UNKNOWN_ENDPOINT
  }

  private ClusterReplies() {}

  /** CLUSTER NODES text: every node, handshake ones included, one '\n'-terminated line each. */
  public static String nodesText(NodeTable t) {
    StringBuilder sb = new StringBuilder();
    NodesConf.appendNodes(sb, t, 0);
    return sb.toString();
  }

  public static void nodes(Reply r, NodeTable t) {
    r.verbatim(nodesText(t));
  }

  /** CLUSTER REPLICAS / SLAVES of a known primary: its replicas' lines, failed ones included. */
  public static void replicas(Reply r, NodeTable t, ClusterNode primary) {
    List<ClusterNode> replicas = t.replicasOf(primary);
    r.array(replicas.size());
    for (ClusterNode n : replicas) {
      r.bulk(NodesConf.line(t, n));
    }
  }

  /**
   * CLUSTER SLOTS: one entry per run of consecutive slots with the same owner, in slot order; the
   * owner then its replicas that are not failed and have replicated something.
   */
  public static void slots(Reply r, NodeTable t, Endpoint endpoint) {
    List<int[]> ranges = new ArrayList<>();
    int start = -1;
    for (int s = 0; s <= ClusterNode.SLOTS; s++) {
      ClusterNode owner = s < ClusterNode.SLOTS ? t.owner(s) : null;
      if (start >= 0 && owner != t.owner(start)) {
        ranges.add(new int[] {start, s - 1});
        start = -1;
      }
      if (start < 0 && owner != null) {
        start = s;
      }
    }
    r.array(ranges.size());
    for (int[] range : ranges) {
      ClusterNode primary = t.owner(range[0]);
      List<ClusterNode> available = new ArrayList<>();
      for (ClusterNode replica : t.replicasOf(primary)) {
        if (!replica.is(ClusterNode.FLAG_FAIL) && replica.replOffset != 0) {
          available.add(replica);
        }
      }
      r.array(3 + available.size());
      r.integer(range[0]);
      r.integer(range[1]);
      slotsNode(r, primary, endpoint);
      for (ClusterNode replica : available) {
        slotsNode(r, replica, endpoint);
      }
    }
  }

  private static void slotsNode(Reply r, ClusterNode n, Endpoint endpoint) {
    r.array(4);
    switch (endpoint) {
      case IP -> r.bulk(n.ip);
      case HOSTNAME -> r.bulk(n.hostname.isEmpty() ? "?" : n.hostname);
      case UNKNOWN_ENDPOINT -> r.nullBulk();
    }
    r.integer(n.port);
    r.bulk(n.id);
    // Whatever networking information the preferred endpoint did not already give.
    boolean ip = endpoint != Endpoint.IP;
    boolean hostname = endpoint != Endpoint.HOSTNAME && !n.hostname.isEmpty();
    r.map((ip ? 1 : 0) + (hostname ? 1 : 0));
    if (ip) {
      r.bulk("ip");
      r.bulk(n.ip);
    }
    if (hostname) {
      r.bulk("hostname");
      r.bulk(n.hostname);
    }
  }

  /**
   * CLUSTER SHARDS: one shard per primary in table order (with or without slots), its slot ranges
   * as integer start/end pairs, then the primary and all its replicas.
   */
  public static void shards(Reply r, NodeTable t, Endpoint endpoint) {
    List<ClusterNode> primaries = new ArrayList<>();
    for (ClusterNode n : t.nodes()) {
      if (n.is(ClusterNode.FLAG_PRIMARY)) {
        primaries.add(n);
      }
    }
    r.array(primaries.size());
    for (ClusterNode primary : primaries) {
      r.map(2);
      r.bulk("slots");
      List<int[]> ranges = ownedRanges(t, primary);
      r.array(ranges.size() * 2L);
      for (int[] range : ranges) {
        r.integer(range[0]);
        r.integer(range[1]);
      }
      r.bulk("nodes");
      List<ClusterNode> replicas = t.replicasOf(primary);
      r.array(1 + replicas.size());
      shardNode(r, primary, endpoint);
      for (ClusterNode replica : replicas) {
        shardNode(r, replica, endpoint);
      }
    }
  }

  private static List<int[]> ownedRanges(NodeTable t, ClusterNode n) {
    List<int[]> ranges = new ArrayList<>();
    int start = -1;
    for (int s = 0; s <= ClusterNode.SLOTS; s++) {
      boolean mine = s < ClusterNode.SLOTS && t.owner(s) == n;
      if (mine && start < 0) {
        start = s;
      } else if (!mine && start >= 0) {
        ranges.add(new int[] {start, s - 1});
        start = -1;
      }
    }
    return ranges;
  }

  private static void shardNode(Reply r, ClusterNode n, Endpoint endpoint) {
    boolean hostname = !n.hostname.isEmpty();
    r.map(hostname ? 8 : 7);
    r.bulk("id");
    r.bulk(n.id);
    r.bulk("port");
    r.integer(n.port);
    r.bulk("ip");
    r.bulk(n.ip);
    r.bulk("endpoint");
    r.bulk(
        switch (endpoint) {
          case IP -> n.ip;
          case HOSTNAME -> hostname ? n.hostname : "?";
          case UNKNOWN_ENDPOINT -> "";
        });
    if (hostname) {
      r.bulk("hostname");
      r.bulk(n.hostname);
    }
    boolean replica = n.is(ClusterNode.FLAG_REPLICA);
    r.bulk("role");
    r.bulk(replica ? "replica" : "master");
    r.bulk("replication-offset");
    r.integer(n.replOffset);
    r.bulk("health");
    if (n.is(ClusterNode.FLAG_FAIL)) {
      r.bulk("fail");
    } else if (replica && n.replOffset == 0) {
      r.bulk("loading");
    } else {
      r.bulk("online");
    }
  }
}
