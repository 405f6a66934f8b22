package io.cinnabar.cluster.bus;

/**
 * A clusterMsgPingExt carried after the gossip section of a PING, PONG or MEET: a header {length
 * uint32 (header included, a multiple of 8), type uint16, unused uint16} then the payload padded
 * with zeros to 8 bytes. Redis 7.0.15 sends only {@link Hostname} (when cluster-announce-hostname
 * is set); the other types come from 7.2 and are decoded so a mixed cluster works.
 */
public sealed interface PingExt {
  int TYPE_HOSTNAME = 0;
  int TYPE_HUMAN_NODENAME = 1;
  int TYPE_FORGOTTEN_NODE = 2;
  int TYPE_SHARDID = 3;

  /** Size of the extension header. */
  int HEADER = 8;

  int type();

  /** The announced hostname, NUL-terminated on the wire. */
  record Hostname(String hostname) implements PingExt {
    @Override
    public int type() {
      return TYPE_HOSTNAME;
    }
  }

  /** 7.2: the announced human-readable node name, NUL-terminated on the wire. */
  record HumanNodename(String name) implements PingExt {
    @Override
    public int type() {
      return TYPE_HUMAN_NODENAME;
    }
  }

  /** 7.2: CLUSTER FORGET propagation: node id (40 bytes) and remaining ttl in seconds (uint64). */
  record ForgottenNode(String nodeId, long ttlSeconds) implements PingExt {
    @Override
    public int type() {
      return TYPE_FORGOTTEN_NODE;
    }
  }

  /** 7.2: the sender's shard id, 40 bytes. */
  record ShardId(String shardId) implements PingExt {
    @Override
    public int type() {
      return TYPE_SHARDID;
    }
  }

  /** A type this version does not know: kept as is (payload with its padding), Redis skips it. */
  record Unknown(int type, byte[] payload) implements PingExt {}
}
