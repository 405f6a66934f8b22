package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.netty.buffer.ByteBuf;

/**
 * One Redis Cluster bus message, binary-compatible with Redis 7.0's clusterMsg version 1: a fixed
 * 2256-byte header (all integers big-endian) followed by the {@link MessageData} of its type. The
 * header fields are public and mutable so the bus can keep one template for its own PINGs.
 *
 * <p>Header layout (offset: field): 0 sig "RCmb", 4 totlen u32, 8 ver u16, 10 port u16, 12 type
 * u16, 14 count u16, 16 currentEpoch u64, 24 configEpoch u64, 32 offset u64, 40 sender[40], 80
 * myslots[2048], 2128 slaveof[40], 2168 myip[46], 2214 extensions u16, 2216 notused1[30], 2246
 * pport u16, 2248 cport u16, 2250 flags u16, 2252 state u8, 2253 mflags[3], 2256 data.
 */
public final class ClusterMessage {
  public static final int PING = 0;
  public static final int PONG = 1;
  public static final int MEET = 2;
  public static final int FAIL = 3;
  public static final int PUBLISH = 4;
  public static final int FAILOVER_AUTH_REQUEST = 5;
  public static final int FAILOVER_AUTH_ACK = 6;
  public static final int UPDATE = 7;
  public static final int MFSTART = 8;
  public static final int MODULE = 9;
  public static final int PUBLISHSHARD = 10;

  /** Protocol version this codec speaks (CLUSTER_PROTO_VER). */
  public static final int VERSION = 1;

  /** Header size: sizeof(clusterMsg) - sizeof(union clusterMsgData). */
  public static final int HEADER_SIZE = 2256;

  /** Node ids are 40 hex characters. */
  public static final int NAME_LEN = 40;

  /** NET_IP_STR_LEN: an IPv6 text address plus its NUL. */
  public static final int IP_LEN = 46;

  /** Cluster state byte: the sender thinks the cluster is ok / failing. */
  public static final int STATE_OK = 0;

  public static final int STATE_FAIL = 1;

  /** Bits of mflags[0]. */
  public static final int MFLAG0_PAUSED = 1;

  public static final int MFLAG0_FORCEACK = 2;
  public static final int MFLAG0_EXT_DATA = 4;

  public int type;
  public int port;
  public long currentEpoch;
  public long configEpoch;

  /** Replication offset of the sender (its own when primary, processed when replica). */
  public long offset;

  /** The sender's node id (40 characters). */
  public String sender;

  /** The sender's slots (of its primary when it is a replica), ClusterNode's bitmap layout. */
  public byte[] myslots = new byte[ClusterNode.SLOTS / 8];

  /** The sender's primary id when it is a replica, else null (40 NUL bytes on the wire). */
  public String primaryId;

  /** The address the sender announces; empty (all NULs) lets the receiver use the socket's. */
  public String myip = "";

  public int pport;
  public int cport;
  public int flags;
  public int state = STATE_FAIL;

  /** mflags[0..2]; for PING/PONG/MEET {@link #encode} sets EXT_DATA when there are extensions. */
  public final byte[] mflags = new byte[3];

  public MessageData data = new MessageData.Empty();

  /** The total length {@link #encode} will write (totlen). */
  public int encodedLength() {
    return MessageCodec.length(this);
  }

  /** Appends this message (exactly {@link #encodedLength()} bytes) to {@code out}. */
  public void encode(ByteBuf out) {
    MessageCodec.encode(this, out);
  }

  public byte[] encode() {
    byte[] b = new byte[encodedLength()];
    ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(b);
    buf.writerIndex(0);
    encode(buf);
    return b;
  }

  /**
   * Decodes one complete message: the {@code length} readable bytes at {@code buf}'s reader index
   * (not moved), which must be exactly its totlen. Rejects what Redis 7.0 rejects and anything that
   * would read past the frame; allocations never exceed the frame's own size.
   */
  public static ClusterMessage decode(ByteBuf buf, int length) throws BusProtocolException {
    return MessageCodec.decode(buf, buf.readerIndex(), length);
  }

  public static ClusterMessage decode(byte[] frame) throws BusProtocolException {
    return decode(io.netty.buffer.Unpooled.wrappedBuffer(frame), frame.length);
  }

  /**
   * Frames the stream: the totlen of the message at {@code in}'s reader index, or -1 when fewer
   * than 8 bytes are readable. Like Redis's read handler, rejects a wrong signature or a totlen
   * below the header size; also one above {@code maxLength}, so a forged length cannot make the
   * reader buffer gigabytes.
   */
  public static int frameLength(ByteBuf in, int maxLength) throws BusProtocolException {
    return MessageCodec.frameLength(in, maxLength);
  }

  public static String typeName(int type) {
    return switch (type) {
      case PING -> "ping";
      case PONG -> "pong";
      case MEET -> "meet";
      case FAIL -> "fail";
      case PUBLISH -> "publish";
      case FAILOVER_AUTH_REQUEST -> "auth-req";
      case FAILOVER_AUTH_ACK -> "auth-ack";
      case UPDATE -> "update";
      case MFSTART -> "mfstart";
      case MODULE -> "module";
      case PUBLISHSHARD -> "publishshard";
      default -> "unknown";
    };
  }

  public boolean isPingType() {
    return type == PING || type == PONG || type == MEET;
  }

  public MessageData.Ping ping() {
    return (MessageData.Ping) data;
  }
}
