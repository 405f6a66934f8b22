package io.cinnabar.net;

import io.cinnabar.server.Client;
import io.cinnabar.server.Connections;
import io.cinnabar.server.ServerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The Netty end of a connection: hands received bytes to the {@link Client} and flushes its replies
 * once per read batch, so a pipeline of N commands costs one write.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
  private final ServerContext server;
  private final ReusingRecvAllocator reads;
  private Client client;

  ClientHandler(ServerContext server, ReusingRecvAllocator reads) {
    this.server = server;
    this.reads = reads;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = Connections.accept(server, ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      if (client != null) {
        Connections.read(client, in);
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (client != null) {
      server.activeExpireFast();
      server.primary.beforeSleep();
      client.flush();
      Connections.enforceOutputLimits(client);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (reads != null) {
      reads.release();
    }
    if (client != null) {
      Connections.closed(server, client);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    io.cinnabar.server.Log.verbose("Client connection error: " + cause);
    ctx.close();
  }
}
