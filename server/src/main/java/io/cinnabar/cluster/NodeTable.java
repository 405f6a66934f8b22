package io.cinnabar.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All nodes one node knows (Redis's clusterState): the nodes in a stable order, myself, the epochs,
 * which node owns each slot and the slots this node is migrating or importing.
 *
 * <p>Iteration order is insertion order. Redis iterates a hash table whose order nobody can
 * reproduce; keeping the nodes.conf line order means a table loaded from a file is listed by
 * CLUSTER NODES, SHARDS and the rewritten file in the same order as the file.
 */
public final class NodeTable {
  private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  private final ClusterNode[] owners = new ClusterNode[ClusterNode.SLOTS];
  private final ClusterNode[] migratingTo = new ClusterNode[ClusterNode.SLOTS];
  private final ClusterNode[] importingFrom = new ClusterNode[ClusterNode.SLOTS];

  /** Entries set in migratingTo plus importingFrom. */
  private int open;

  /** The slots with either set (see {@link #nextOpenSlot}). */
  private final java.util.BitSet openSlots = new java.util.BitSet(ClusterNode.SLOTS);

  /**
   * Bumped by every change of the node set or order: the bus rebuilds the routing view's node list
   * and slot maps then; otherwise it patches the slots recorded in {@link #dirty}.
   */
  private int version;

  /** Slots whose owner or open state changed since {@link #takeDirtySlots}; see there. */
  private final int[] dirty = new int[64];

  private int dirtyCount;

  public ClusterNode myself;
  public long currentEpoch;
  public long lastVoteEpoch;

  public ClusterNode get(String id) {
    return nodes.get(id);
  }

  public Collection<ClusterNode> nodes() {
    return Collections.unmodifiableCollection(nodes.values());
  }

  public int size() {
    return nodes.size();
  }

  /** See {@link #version}. */
  public int version() {
    return version;
  }

  /**
   * The slots whose owner or open state changed since the last call, or null when too many did to
   * list (the caller rebuilds its slot maps); the record starts again empty.
   */
  public int[] takeDirtySlots() {
    int[] out = dirtyCount > dirty.length ? null : java.util.Arrays.copyOf(dirty, dirtyCount);
    dirtyCount = 0;
    return out;
  }

  private void dirty(int slot) {
    if (dirtyCount < dirty.length) {
      dirty[dirtyCount] = slot;
    }
    dirtyCount = Math.min(dirtyCount + 1, dirty.length + 1);
  }

  /** Adds a node, or returns the one already known by that id. */
  public ClusterNode getOrCreate(String id) {
    return nodes.computeIfAbsent(
        id,
        k -> {
          version++;
          ClusterNode n = new ClusterNode();
          n.id = k;
          return n;
        });
  }

  public void add(ClusterNode n) {
    version++;
    nodes.put(n.id, n);
  }

  /** Gives a node its real id (clusterRenameNode), keeping its slots. */
  public void rename(ClusterNode n, String id) {
    version++;
    nodes.remove(n.id);
    n.id = id;
    nodes.put(id, n);
  }

  /** Puts these nodes first, in this order, ahead of the others (which keep their order). */
  void reorder(Collection<ClusterNode> first) {
    version++;
    Map<String, ClusterNode> rest = new LinkedHashMap<>(nodes);
    nodes.clear();
    for (ClusterNode n : first) {
      nodes.put(n.id, rest.remove(n.id));
    }
    nodes.putAll(rest);
  }

  /**
   * Forgets a node, its failure reports and every slot, migration and primary link pointing at it.
   */
  public void remove(ClusterNode n) {
    version++;
    nodes.remove(n.id);
    for (ClusterNode o : nodes.values()) {
      o.failReports.forgetSender(n);
    }
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      if (owners[s] == n) {
        owners[s] = null;
      }
      if (migratingTo[s] == n) {
        setMigratingTo(s, null);
      }
      if (importingFrom[s] == n) {
        setImportingFrom(s, null);
      }
    }
  }

  /** The node serving a slot, or null. */
  public ClusterNode owner(int slot) {
    return owners[slot];
  }

  /**
   * Gives a free slot to a node, as clusterAddSlot: false (and nothing changes) when another node
   * already owns it.
   */
  public boolean assignSlot(ClusterNode n, int slot) {
    if (owners[slot] != null) {
      return false;
    }
    owners[slot] = n;
    n.setSlot(slot, true);
    dirty(slot);
    return true;
  }

  /** Unassigns a slot from whoever owns it, as clusterDelSlot. */
  public void unassignSlot(int slot) {
    ClusterNode n = owners[slot];
    if (n != null) {
      n.setSlot(slot, false);
      owners[slot] = null;
      dirty(slot);
    }
  }

  public ClusterNode migratingTo(int slot) {
    return migratingTo[slot];
  }

  public ClusterNode importingFrom(int slot) {
    return importingFrom[slot];
  }

  public void setMigratingTo(int slot, ClusterNode n) {
    open += (n != null ? 1 : 0) - (migratingTo[slot] != null ? 1 : 0);
    if (migratingTo[slot] != n) {
      dirty(slot);
    }
    migratingTo[slot] = n;
    openSlots.set(slot, n != null || importingFrom[slot] != null);
  }

  public void setImportingFrom(int slot, ClusterNode n) {
    open += (n != null ? 1 : 0) - (importingFrom[slot] != null ? 1 : 0);
    if (importingFrom[slot] != n) {
      dirty(slot);
    }
    importingFrom[slot] = n;
    openSlots.set(slot, n != null || migratingTo[slot] != null);
  }

  /** The first slot from {@code from} on that is migrating or importing, or -1. */
  public int nextOpenSlot(int from) {
    return openSlots.nextSetBit(from);
  }

  /** True when some slot is migrating or importing (the routing view then carries both maps). */
  public boolean anyOpen() {
    return open != 0;
  }

  /** The node's primary when it is a replica of a known node, else null. */
  public ClusterNode primaryOf(ClusterNode n) {
    return n.primaryId == null ? null : nodes.get(n.primaryId);
  }

  /** The replicas of a primary, in table order (Redis keeps them in the order it learnt them). */
  public List<ClusterNode> replicasOf(ClusterNode primary) {
    List<ClusterNode> out = new ArrayList<>();
    for (ClusterNode n : nodes.values()) {
      if (primary.id.equals(n.primaryId)) {
        out.add(n);
      }
    }
    return out;
  }

  /** The highest config epoch of any node, as clusterGetMaxEpoch (never below currentEpoch). */
  public long maxEpoch() {
    long max = currentEpoch;
    for (ClusterNode n : nodes.values()) {
      max = Math.max(max, n.configEpoch);
    }
    return max;
  }
}
