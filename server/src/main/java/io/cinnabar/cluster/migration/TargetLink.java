package io.cinnabar.cluster.migration;

import io.cinnabar.server.Log;
import io.cinnabar.server.ServerContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The source's connection to the target's client port, on the keyspace event loop (so its events
 * run on the thread that owns the data). The target only ever answers the control commands, with
 * one-line replies ("+OK", "+PONG", "-ERR ..."), which are passed on line by line.
 */
final class TargetLink {
  /** Events, all on the keyspace thread. */
  interface Listener {
    void connected();

    void connectFailed(Throwable cause);

    void replied(String line);

    /** The connection can take more: the snapshot may go on. */
    void writable();

    void closed();
  }

  private final Channel ch;
  private final Listener listener;
  private final StringBuilder line = new StringBuilder();

  TargetLink(ServerContext server, String host, int port, Listener listener) {
    this.listener = listener;
    Bootstrap b =
        new Bootstrap()
            .group(server.loop())
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(512 * 1024, 4 * 1024 * 1024))
            .handler(new Handler());
    ChannelFuture f = b.connect(host, port);
    ch = f.channel();
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            listener.connected();
          } else {
            listener.connectFailed(done.cause());
          }
        });
  }

  boolean isActive() {
    return ch.isActive();
  }

  boolean isWritable() {
    return ch.isWritable();
  }

  /** Bytes written and not yet handed to the socket. */
  long pendingBytes() {
    ChannelOutboundBuffer ob = ch.unsafe().outboundBuffer();
    return ob == null ? 0 : ob.totalPendingWriteBytes();
  }

  void write(ByteBuf b) {
    ch.writeAndFlush(b, ch.voidPromise());
  }

  void close() {
    ch.close();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        while (in.isReadable()) {
          char c = (char) in.readByte();
          if (c == '\n') {
            String r = line.toString().trim();
            line.setLength(0);
            listener.replied(r);
          } else {
            line.append(c);
          }
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        listener.writable();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      listener.closed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Log.verbose("Slot migration connection: " + cause);
      ctx.close();
    }
  }
}
