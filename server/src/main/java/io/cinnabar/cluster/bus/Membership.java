package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.cluster.SlotMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
    bus.failover.following = null;
    bus.failover.election.resetManual();
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

  /**
   * The routing view of the keyspace thread, built from node indexes (an identity map, looked up
   * once per run of slots with the same owner). It is published after every change, thousands of
   * times during a reshard, so the node list and the slot maps are rebuilt only when the table's
   * node set changed ({@link NodeTable#version}); slots changed otherwise are patched into copies.
   */
  ClusterTopology topology() {
    NodeTable table = bus.table;
    int[] dirty = table.takeDirtySlots();
    if (table.version() != cachedVersion || table.myself != cachedMyself || dirty == null) {
      rebuildSlotMaps(table);
    } else if (dirty.length > 0 && !patchSlotMaps(table, dirty)) {
      rebuildSlotMaps(table);
    }
    List<ClusterNode> nodes = new ArrayList<>(cachedNodes);
    int primary = ClusterTopology.NONE;
    String primaryId = table.myself.primaryId;
    List<String> extra = new ArrayList<>();
    if (primaryId != null) {
      ClusterNode p = table.get(primaryId);
      int i = p == null ? -1 : indexIn(nodes, p);
      if (i >= 0) {
        primary = i;
      } else {
        primary = nodes.size();
        extra.add(primaryId);
      }
    }
    String[] ids = new String[nodes.size() + extra.size()];
    String[] endpoints = new String[ids.length];
    byte[] roles = new byte[ids.length];
    for (int i = 0; i < nodes.size(); i++) {
      ClusterNode n = nodes.get(i);
      roles[i] =
          n.is(ClusterNode.FLAG_REPLICA)
              ? ClusterTopology.ROLE_REPLICA
              : ClusterTopology.ROLE_PRIMARY;
      String ip = n.ip.isEmpty() && n == table.myself ? "127.0.0.1" : n.ip;
      ids[i] = n.id;
      endpoints[i] = ip + ":" + n.port;
    }
    for (int i = 0; i < extra.size(); i++) {
      ids[nodes.size() + i] = extra.get(i);
      endpoints[nodes.size() + i] = ":0";
    }
    return ClusterTopology.ofIndexes(
        table.myself.id,
        ids,
        endpoints,
        cachedOwners,
        primary,
        stateOk(),
        cachedMigrating,
        cachedImporting,
        roles,
        bus.appliedSetSlot);
  }

  private int cachedVersion = -1;
  private ClusterNode cachedMyself;
  private List<ClusterNode> cachedNodes;
  private SlotMap cachedOwners;
  private SlotMap cachedMigrating; // null when no slot is open, as cachedImporting
  private SlotMap cachedImporting;

  private static int indexIn(List<ClusterNode> nodes, ClusterNode n) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) == n) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The cached slot maps with {@code slots} read again from the table; false when one names a node
   * outside the cached node list.
   */
  private boolean patchSlotMaps(NodeTable table, int[] slots) {
    int n = slots.length;
    int[] o = new int[n];
    int[] m = new int[n];
    int[] i = new int[n];
    for (int k = 0; k < n; k++) {
      int s = slots[k];
      o[k] = indexOf(table.owner(s));
      m[k] = indexOf(table.migratingTo(s));
      i[k] = indexOf(table.importingFrom(s));
      if (o[k] == UNKNOWN || m[k] == UNKNOWN || i[k] == UNKNOWN) {
        return false;
      }
    }
    cachedOwners = cachedOwners.with(slots, o, n);
    if (table.anyOpen()) {
      cachedMigrating =
          (cachedMigrating == null ? SlotMap.EMPTY : cachedMigrating).with(slots, m, n);
      cachedImporting =
          (cachedImporting == null ? SlotMap.EMPTY : cachedImporting).with(slots, i, n);
    } else {
      cachedMigrating = null;
      cachedImporting = null;
    }
    return true;
  }

  private static final int UNKNOWN = -2;

  private int indexOf(ClusterNode n) {
    if (n == null) {
      return ClusterTopology.NONE;
    }
    int i = indexIn(cachedNodes, n);
    return i < 0 ? UNKNOWN : i;
  }

  /** The node list (myself first, then table order) and the slot maps as node indexes. */
  private void rebuildSlotMaps(NodeTable table) {
    List<ClusterNode> nodes = new ArrayList<>(table.size() + 1);
    java.util.IdentityHashMap<ClusterNode, Integer> index = new java.util.IdentityHashMap<>();
    index.put(table.myself, 0);
    nodes.add(table.myself);
    for (ClusterNode n : table.nodes()) {
      if (!index.containsKey(n)) {
        index.put(n, nodes.size());
        nodes.add(n);
      }
    }
    short[] owners = new short[SlotHash.SLOTS];
    short[] migrating = null;
    short[] importing = null;
    ClusterNode last = null;
    short lastIndex = ClusterTopology.NONE;
    for (int s = 0; s < owners.length; s++) {
      ClusterNode o = table.owner(s);
      if (o != last) {
        last = o;
        lastIndex = o == null ? ClusterTopology.NONE : indexOf(o, index, nodes);
      }
      owners[s] = lastIndex;
    }
    // The open-slot maps only when some slot is open.
    boolean open = table.anyOpen();
    for (int s = 0; open && s < owners.length; s++) {
      ClusterNode to = table.migratingTo(s);
      if (to != null) {
        migrating = migrating == null ? noneArray() : migrating;
        migrating[s] = indexOf(to, index, nodes);
      }
      ClusterNode from = table.importingFrom(s);
      if (from != null) {
        importing = importing == null ? noneArray() : importing;
        importing[s] = indexOf(from, index, nodes);
      }
    }
    if ((migrating == null) != (importing == null)) {
      migrating = migrating == null ? noneArray() : migrating;
      importing = importing == null ? noneArray() : importing;
    }
    cachedVersion = table.version();
    cachedMyself = table.myself;
    cachedNodes = nodes;
    cachedOwners = SlotMap.of(owners);
    cachedMigrating = migrating == null ? null : SlotMap.of(migrating);
    cachedImporting = importing == null ? null : SlotMap.of(importing);
  }

  private static short indexOf(
      ClusterNode n,
      java.util.IdentityHashMap<ClusterNode, Integer> index,
      List<ClusterNode> nodes) {
    Integer i = index.get(n);
    if (i == null) {
      i = nodes.size();
      index.put(n, i);
      nodes.add(n);
    }
    return (short) (int) i;
  }

  private static short[] noneArray() {
    short[] a = new short[SlotHash.SLOTS];
    java.util.Arrays.fill(a, (short) ClusterTopology.NONE);
    return a;
  }

  /** CLUSTER_MAX_REJOIN_DELAY / MIN: bounds of a primary's wait after leaving a minority. */
  static final long MAX_REJOIN_DELAY = 5000;

  static final long MIN_REJOIN_DELAY = 500;

  /** CLUSTER_WRITABLE_DELAY: a restarted primary stays failing this long after its first check. */
  static final long WRITABLE_DELAY = 2000;

  private boolean ok;
  private long firstCallMs;
  private long amongMinorityMs;

  /** Set when the node started from a nodes.conf that knew other nodes (see updateState). */
  boolean restarted;

  /** The cluster state as last computed by {@link #updateState}. */
  boolean stateOk() {
    return ok;
  }

  /**
   * Redis's clusterUpdateState: ok when (with cluster-require-full-coverage) every slot has an
   * owner that is not FAIL, and a majority of the slot-owning primaries is reachable (neither PFAIL
   * nor FAIL; myself always is). A primary that was in a minority waits the rejoin delay (node
   * timeout within 500..5000 ms) before turning ok again, so a healed partition can update it
   * first. True when the state changed.
   *
   * <p>Differences, kept on purpose: Redis's 2 s writable delay after start applies only to a node
   * restarted from a nodes.conf that knows other nodes (a fresh node has nobody to hear from), and
   * a cluster without any slot-owning primary does not count as a minority (so a lone node serves
   * as soon as it has slots instead of 5 s later).
   */
  boolean updateState(long now) {
    NodeTable table = bus.table;
    if (firstCallMs == 0) {
      firstCallMs = now;
    }
    boolean primary = table.myself.is(ClusterNode.FLAG_PRIMARY);
    if (restarted && primary && !ok && now - firstCallMs < WRITABLE_DELAY) {
      return false;
    }
    boolean next = true;
    int served = 0; // slots owned by a node not FAIL (a slot has one owner, counted by it)
    int size = 0;
    int reachable = 0;
    for (ClusterNode n : table.nodes()) {
      if (!n.is(ClusterNode.FLAG_FAIL)) {
        served += n.slotCount();
      }
      if (n.is(ClusterNode.FLAG_PRIMARY) && n.slotCount() > 0) {
        size++;
        if (!n.is(ClusterNode.FLAG_FAIL | ClusterNode.FLAG_PFAIL)) {
          reachable++;
        }
      }
    }
    if (bus.settings.requireFullCoverage() && served != ClusterNode.SLOTS) {
      next = false;
    }
    if (size == 0) {
      next = false;
    } else if (reachable < size / 2 + 1) {
      next = false;
      amongMinorityMs = now;
    }
    if (next == ok) {
      return false;
    }
    long rejoinDelay =
        Math.max(MIN_REJOIN_DELAY, Math.min(MAX_REJOIN_DELAY, bus.settings.timeout()));
    if (next && primary && now - amongMinorityMs < rejoinDelay) {
      return false;
    }
    io.cinnabar.server.Log.warning("Cluster state changed: " + (next ? "ok" : "fail"));
    ok = next;
    return true;
  }
}
