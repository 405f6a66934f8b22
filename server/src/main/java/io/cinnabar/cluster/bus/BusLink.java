package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One TCP connection of the cluster bus (Redis's clusterLink): outbound links are ours to a known
 * node, inbound ones were accepted from a peer. Frames the stream with {@link
 * ClusterMessage#frameLength} and hands each decoded message to the bus; a malformed frame closes
 * the link, as Redis frees a link that sends garbage. Runs on the bus thread only.
 */
final class BusLink extends ChannelInboundHandlerAdapter {
  /** Larger messages are refused: PUBLISH payloads are the only big ones. */
  static final int MAX_FRAME = 512 * 1024 * 1024;

  final ClusterBus bus;
  final boolean inbound;
  final long createdMs = System.currentTimeMillis();

  /** The node this link talks to: set at creation for outbound links, null for inbound ones. */
  ClusterNode node;

  /** For an inbound link, the node that sent on it, once known (Redis's inbound_link owner). */
  ClusterNode peer;

  Channel channel;

  /** Bytes received but not yet framed. */
  private ByteBuf pending;

  BusLink(ClusterBus bus, boolean inbound, ClusterNode node) {
    this.bus = bus;
    this.inbound = inbound;
    this.node = node;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    bus.linkActive(this);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      if (pending == null) {
        pending = ctx.alloc().heapBuffer(Math.max(4096, in.readableBytes()));
      }
      pending.writeBytes(in);
    } finally {
      in.release();
    }
    try {
      while (channel.isOpen()) {
        int len = ClusterMessage.frameLength(pending, MAX_FRAME);
        if (len < 0 || pending.readableBytes() < len) {
          break;
        }
        ClusterMessage m = ClusterMessage.decode(pending, len);
        pending.skipBytes(len);
        bus.process(this, m);
      }
      pending.discardSomeReadBytes();
    } catch (BusProtocolException e) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (pending != null) {
      pending.release();
      pending = null;
    }
    bus.linkClosed(this);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  boolean connected() {
    return channel != null && channel.isActive();
  }

  void send(ClusterMessage m) {
    if (channel == null || !channel.isActive()) {
      return;
    }
    ByteBuf b = channel.alloc().buffer(m.encodedLength());
    m.encode(b);
    channel.writeAndFlush(b, channel.voidPromise());
    bus.stats.sent[Math.min(m.type, ClusterBus.TYPES - 1)]++;
  }

  void close() {
    if (channel != null) {
      channel.close();
    }
  }
}
