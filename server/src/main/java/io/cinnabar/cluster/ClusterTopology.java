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
  private final SlotMap owners;
  private final int myself;
  private final int myPrimary;
  private final boolean ok;
  private final int slotsAssigned;
  private final int size;

  /**
   * Per slot, the node myself migrates it to / imports it from, or {@link #NONE}; null when no slot
   * is open, so the routing fast path tests one field.
   */
  private final SlotMap migrating;

  private final SlotMap importing;

  /** Per node index: {@link #ROLE_PRIMARY}, {@link #ROLE_REPLICA}, or 0 (not in the table). */
  private final byte[] roles;

  /**
   * Orders this view against CLUSTER SETSLOTs the keyspace thread applied to its own copy before
   * the bus did (see {@link #withSlot}): the bus stamps the last such change it has applied.
   */
  private final long seq;

  public static final byte ROLE_PRIMARY = 1;
  public static final byte ROLE_REPLICA = 2;

  private ClusterTopology(
      String myId,
      String[] ids,
      String[] endpoints,
      SlotMap owners,
      int myPrimary,
      boolean ok,
      SlotMap migrating,
      SlotMap importing,
      byte[] roles,
      long seq) {
    this.myId = myId;
    this.roles = roles;
    this.seq = seq;
    this.migrating = migrating;
    this.importing = importing;
    this.ids = ids;
    this.endpoints = endpoints;
    this.owners = owners;
    this.myself = Arrays.asList(ids).indexOf(myId);
    this.myPrimary = myPrimary;
    this.ok = ok;
    int assigned = 0;
    int n = 0;
    for (int c : owners.counts(ids.length)) {
      assigned += c;
      n += c > 0 ? 1 : 0;
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
    return of(myId, slotOwners, endpoints, primaryOfMyself, ok, null, null);
  }

  /**
   * As {@link #of(String, String[], Map, String, boolean)} with myself's open slots: {@code
   * migratingTo[slot]} / {@code importingFrom[slot]} name the other node of a migration (either
   * array may be null when no slot is open that way).
   */
  public static ClusterTopology of(
      String myId,
      String[] slotOwners,
      Map<String, String> endpoints,
      String primaryOfMyself,
      boolean ok,
      String[] migratingTo,
      String[] importingFrom) {
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
    short[] migrating = indexes(migratingTo, idList, index);
    short[] importing = indexes(importingFrom, idList, index);
    boolean open = migrating != null || importing != null;
    if (open) {
      if (migrating == null) {
        migrating = new short[SlotHash.SLOTS];
        Arrays.fill(migrating, (short) NONE);
      }
      if (importing == null) {
        importing = new short[SlotHash.SLOTS];
        Arrays.fill(importing, (short) NONE);
      }
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
    return new ClusterTopology(
        myId,
        ids,
        eps,
        SlotMap.of(owners),
        primary,
        ok,
        open ? SlotMap.of(migrating) : null,
        open ? SlotMap.of(importing) : null,
        new byte[ids.length],
        0);
  }

  /** Node indexes for a per-slot array of ids (adding unseen ids), or null if none is set. */
  private static short[] indexes(
      String[] perSlot, List<String> idList, Map<String, Integer> index) {
    if (perSlot == null) {
      return null;
    }
    short[] out = null;
    for (int s = 0; s < perSlot.length; s++) {
      String id = perSlot[s];
      if (id == null) {
        continue;
      }
      if (out == null) {
        out = new short[SlotHash.SLOTS];
        Arrays.fill(out, (short) NONE);
      }
      Integer i = index.get(id);
      if (i == null) {
        i = idList.size();
        idList.add(id);
        index.put(id, i);
      }
      out[s] = (short) (int) i;
    }
    return out;
  }

  /**
   * A topology from node indexes, the bus's cheap path: {@code ids[i]} / {@code endpoints[i]}
   * describe node i, {@code owners} (and {@code migrating} / {@code importing}, both null when no
   * slot is open) map slots to node indexes or {@link #NONE}; {@code roles[i]} is {@link
   * #ROLE_PRIMARY} or {@link #ROLE_REPLICA} (0 for an id not in the table), {@code seq} the last
   * keyspace-side SETSLOT applied (see {@link #withSlot}). The arrays are taken, not copied.
   */
  public static ClusterTopology ofIndexes(
      String myId,
      String[] ids,
      String[] endpoints,
      SlotMap owners,
      int myPrimary,
      boolean ok,
      SlotMap migrating,
      SlotMap importing,
      byte[] roles,
      long seq) {
    if ((migrating == null) != (importing == null)) {
      migrating = migrating == null ? SlotMap.EMPTY : migrating;
      importing = importing == null ? SlotMap.EMPTY : importing;
    }
    return new ClusterTopology(
        myId, ids, endpoints, owners, myPrimary, ok, migrating, importing, roles, seq);
  }

  /**
   * This view with one slot changed, for a CLUSTER SETSLOT the keyspace thread answers before the
   * bus has applied it to the node table: {@code owner} is the slot's new owner index (or the
   * current one), {@code migratingTo} / {@code importingFrom} the slot's open state ({@link #NONE}:
   * closed). The bus's next view, stamped with {@code seq} or later, replaces it.
   */
  public ClusterTopology withSlot(
      int slot, int owner, int migratingTo, int importingFrom, long seq) {
    SlotMap m = migrating;
    SlotMap i = importing;
    if (migratingTo(slot) != migratingTo || importingFrom(slot) != importingFrom) {
      m = (m == null ? SlotMap.EMPTY : m).with(slot, migratingTo);
      i = (i == null ? SlotMap.EMPTY : i).with(slot, importingFrom);
    }
    return new ClusterTopology(
        myId, ids, endpoints, owners.with(slot, owner), myPrimary, ok, m, i, roles, seq);
  }

  /** See {@link #withSlot}: the last keyspace-side SETSLOT this view includes. */
  public long seq() {
    return seq;
  }

  /** The index of the table's node with this id, or {@link #NONE}. */
  public int indexOf(String id) {
    for (int i = 0; i < ids.length; i++) {
      if (roles[i] != 0 && ids[i].equals(id)) {
        return i;
      }
    }
    return NONE;
  }

  /** True when node {@code index} is a replica. */
  public boolean isReplica(int index) {
    return roles[index] == ROLE_REPLICA;
  }

  /** The number of slots node {@code index} owns. */
  public int slotCount(int index) {
    return owners.counts(ids.length)[index];
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
    return owners.get(slot);
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

  /** True when some slot is being migrated or imported by myself (see {@link #open(int)}). */
  public boolean anyOpen() {
    return migrating != null;
  }

  /** True when myself migrates or imports this slot (CLUSTER SETSLOT MIGRATING / IMPORTING). */
  public boolean open(int slot) {
    return migrating != null && (migrating.get(slot) != NONE || importing.get(slot) != NONE);
  }

  /** Index of the node myself migrates the slot to, or {@link #NONE}. */
  public int migratingTo(int slot) {
    return migrating == null ? NONE : migrating.get(slot);
  }

  /** Index of the node myself imports the slot from, or {@link #NONE}. */
  public int importingFrom(int slot) {
    return importing == null ? NONE : importing.get(slot);
  }

  public boolean servedHere(int slot) {
    return owners.get(slot) == myself;
  }

  public int slotsAssigned() {
    return slotsAssigned;
  }

  /** Number of nodes serving at least one slot (cluster_size). */
  public int size() {
    return size;
  }
}
