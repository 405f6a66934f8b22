package io.cinnabar.cluster;

/**
 * What one node of the cluster knows about a node (itself included), as Redis's clusterNode: the
 * identity and addresses, role flags, epochs, the slots it serves and liveness timestamps. The flag
 * values are Redis's, because they travel in bus messages and CLUSTER NODES.
 *
 * <p>Owned by the cluster bus thread; the keyspace thread reads immutable snapshots instead.
 */
public final class ClusterNode {
  public static final int SLOTS = 16384;

  public static final int FLAG_PRIMARY = 1;
  public static final int FLAG_REPLICA = 2;
  public static final int FLAG_PFAIL = 4;
  public static final int FLAG_FAIL = 8;
  public static final int FLAG_MYSELF = 16;
  public static final int FLAG_HANDSHAKE = 32;
  public static final int FLAG_NOADDR = 64;
  public static final int FLAG_MEET = 128;
  public static final int FLAG_MIGRATE_TO = 256;
  public static final int FLAG_NOFAILOVER = 512;

  /** 40 lower-case hex characters. */
  public String id;

  public String ip = "";
  public int port;

  /** Cluster bus port (port + 10000 unless cluster-port says otherwise). */
  public int cport;

  public String hostname = "";
  public String humanNodename = "";

  /** 40 hex characters; the same for a primary and its replicas. */
  public String shardId;

  public int flags;

  /** The primary's id when this node is a replica, else null. */
  public String primaryId;

  public long configEpoch;
  public long pingSentMs;
  public long pongReceivedMs;
  public long failTimeMs;

  /** When any message from this node last arrived (Redis's data_received): proof of liveness. */
  public long dataReceivedMs;

  /** What primaries reported about this node being unreachable. */
  public final FailureReports failReports = new FailureReports();

  /** When this node was created in the table (ends a handshake that takes too long). */
  public long ctimeMs = System.currentTimeMillis();

  public long replOffset;
  public boolean linkConnected;

  /**
   * Slot bitmap in Redis's layout: bit (slot &amp; 7) of byte (slot &gt;&gt; 3). Read it freely;
   * change it only through {@link #setSlot} (which keeps the count and the rendered ranges).
   */
  public final byte[] slots = new byte[SLOTS / 8];

  public boolean hasSlot(int slot) {
    return (slots[slot >> 3] & (1 << (slot & 7))) != 0;
  }

  public void setSlot(int slot, boolean on) {
    if (hasSlot(slot) == on) {
      return;
    }
    if (on) {
      slots[slot >> 3] |= (byte) (1 << (slot & 7));
      slotCount++;
    } else {
      slots[slot >> 3] &= (byte) ~(1 << (slot & 7));
      slotCount--;
    }
    slotRanges = null;
  }

  private int slotCount; // the bits set in slots, kept by setSlot

  /**
   * The slots as nodes.conf and CLUSTER NODES list them (" 0-5460 5462"), rendered once per change:
   * every save renders every node's line.
   */
  String slotRanges; // written by NodesConf; the bus thread only

  public int slotCount() {
    return slotCount;
  }

  public boolean is(int flag) {
    return (flags & flag) != 0;
  }
}
