package io.cinnabar.cluster.bus;

import java.util.List;

/** The clusterMsgData union: what follows the 2256-byte header, by message type. */
public sealed interface MessageData {
  /** PING, PONG and MEET: {@code count} gossip entries then the extensions. */
  record Ping(List<Gossip> gossip, List<PingExt> extensions) implements MessageData {}

  /** FAIL: the id of the node the sender declares failed. */
  record Fail(String nodeId) implements MessageData {}

  /** PUBLISH and PUBLISHSHARD: {channel_len, message_len} (uint32 each) then both bulks. */
  record Publish(byte[] channel, byte[] message) implements MessageData {}

  /** UPDATE: the config epoch and slots of a slot owner the receiver has stale. */
  record Update(long configEpoch, String nodeId, byte[] slots) implements MessageData {}

  /** MODULE: module id (uint64), payload length (uint32), module message type (uint8), payload. */
  record Module(long moduleId, int moduleType, byte[] payload) implements MessageData {}

  /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: the header says it all. */
  record Empty() implements MessageData {}

  /** A type Redis 7.0 does not know: the raw bytes after the header, which Redis ignores. */
  record Unknown(byte[] raw) implements MessageData {}
}
