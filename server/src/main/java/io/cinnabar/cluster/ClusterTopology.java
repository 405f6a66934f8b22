package io.cinnabar.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the cluster for request routing on the keyspace thread: the owner of every
 * slot (its node id and the "host:port" a MOVED redirection names), which node is myself, the
 * primary myself replicates (for READONLY clients) and the cluster state. Whoever owns the cluster
 * state (the bus, or {@link LocalCluster} for a lone node) builds a new one on every change and
 * publishes it through a volatile field; readers never see a half-updated view.
 */
public final class ClusterTopology {
  /** No owner for a slot. */
  public static final int NONE = -1;

  private final String myId;
  private final String[] ids;
  private final String[] endpoints;
  private final short[] owners;
  private final int myself;
  private final int myPrimary;
  private final boolean ok;
  private final int slotsAssigned;
  private final int size;

  private ClusterTopology(
      String myId, String[] ids, String[] endpoints, short[] owners, int myPrimary, boolean ok) {
    this.myId = myId;
    this.ids = ids;
    this.endpoints = endpoints;
    this.owners = owners;
    this.myself = Arrays.asList(ids).indexOf(myId);
    this.myPrimary = myPrimary;
    this.ok = ok;
    int assigned = 0;
    boolean[] serving = new boolean[ids.length];
    for (short o : owners) {
      if (o != NONE) {
        assigned++;
        serving[o] = true;
      }
    }
    int n = 0;
    for (boolean s : serving) {
      n += s ? 1 : 0;
    }
    this.slotsAssigned = assigned;
    this.size = n;
  }

  /**
   * A topology from a slot map: {@code slotOwners[slot]} is the owner's node id or null, {@code
   * endpoints} maps node ids to "host:port", {@code primaryOfMyself} is the id of the primary
   * myself replicates or null, {@code ok} the cluster state as computed by the caller.
   */
  public static ClusterTopology of(
      String myId,
      String[] slotOwners,
      Map<String, String> endpoints,
      String primaryOfMyself,
      boolean ok) {
    if (slotOwners.length != SlotHash.SLOTS) {
      throw new IllegalArgumentException("need " + SlotHash.SLOTS + " slots");
    }
    List<String> idList = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    idList.add(myId);
    index.put(myId, 0);
    short[] owners = new short[SlotHash.SLOTS];
    for (int s = 0; s < owners.length; s++) {
      String id = slotOwners[s];
      if (id == null) {
        owners[s] = NONE;
        continue;
      }
      Integer i = index.get(id);
      if (i == null) {
        i = idList.size();
        idList.add(id);
        index.put(id, i);
      }
      owners[s] = (short) (int) i;
    }
    int primary = NONE;
    if (primaryOfMyself != null) {
      Integer i = index.get(primaryOfMyself);
      if (i == null) {
        i = idList.size();
        idList.add(primaryOfMyself);
      }
      primary = i;
    }
    String[] ids = idList.toArray(new String[0]);
    String[] eps = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      eps[i] = endpoints.getOrDefault(ids[i], ":0");
    }
    return new ClusterTopology(myId, ids, eps, owners, primary, ok);
  }

  /** A lone node's view: the slots set in {@code myself.slots} are served here. */
  public static ClusterTopology single(ClusterNode myself, String endpoint, boolean ok) {
    String[] owners = new String[SlotHash.SLOTS];
    for (int s = 0; s < owners.length; s++) {
      owners[s] = myself.hasSlot(s) ? myself.id : null;
    }
    return of(myself.id, owners, Map.of(myself.id, endpoint), null, ok);
  }

  public String myId() {
    return myId;
  }

  /** True when the cluster state is ok (cluster_state:ok). */
  public boolean ok() {
    return ok;
  }

  /** Index of the slot's owner (compare with {@link #myself()}), or {@link #NONE}. */
  public int owner(int slot) {
    return owners[slot];
  }

  public int myself() {
    return myself;
  }

  /** Index of the primary myself replicates, or {@link #NONE}. */
  public int myPrimary() {
    return myPrimary;
  }

  public String nodeId(int index) {
    return ids[index];
  }

  /** The "host:port" that MOVED names for a node. */
  public String endpoint(int index) {
    return endpoints[index];
  }

  public boolean servedHere(int slot) {
    return owners[slot] == myself;
  }

  public int slotsAssigned() {
    return slotsAssigned;
  }

  /** Number of nodes serving at least one slot (cluster_size). */
  public int size() {
    return size;
  }
}
