package io.cinnabar.cluster.bus;

/**
 * One clusterMsgDataGossip entry (104 bytes) of a PING, PONG or MEET: what the sender knows about a
 * third node. Times are the sender's clock in seconds (uint32), as Redis 7.0 sends them.
 *
 * @param nodeId 40 characters, the node's id
 * @param ip the address up to its first NUL (at most 45 bytes on the wire)
 * @param flags the node's flags (ClusterNode.FLAG_*) as the sender sees them
 * @param pport the plaintext client port when {@code port} is a TLS port, else 0
 */
public record Gossip(
    String nodeId,
    long pingSent,
    long pongReceived,
    String ip,
    int port,
    int cport,
    int flags,
    int pport) {
  /** Size of one entry on the wire. */
  public static final int SIZE = 104;
}
