package io.cinnabar.net;

import io.cinnabar.server.ServerContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client listener. One event loop thread accepts, reads, runs commands and writes, exactly as
 * Redis's main thread does: the keyspace is owned by that thread, so no data is locked and a
 * request never changes threads. Native epoll is used where available, NIO otherwise.
 */
public final class NetServer {
  private final EventLoopGroup group;
  private final boolean epoll;
  private final List<Channel> listeners = new ArrayList<>();

  public NetServer() {
    epoll = Epoll.isAvailable();
    DefaultThreadFactory tf = new DefaultThreadFactory("cinnabar-main", false);
    group = epoll ? new EpollEventLoopGroup(1, tf) : new NioEventLoopGroup(1, tf);
  }

  public boolean usesEpoll() {
    return epoll;
  }

  public io.netty.channel.EventLoop loop() {
    return group.next();
  }

  /**
   * Listens on {@code host:port}. Throws the bind exception so the caller can report it as Redis
   * does ("Could not create server TCP listening socket").
   */
  public InetSocketAddress listen(ServerContext server, String host, int port, int backlog)
      throws Exception {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, backlog)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    applyKeepalive(ch, server.config.tcpKeepalive);
                    ReusingRecvAllocator reads = new ReusingRecvAllocator();
                    ch.config().setRecvByteBufAllocator(reads);
                    ch.pipeline().addLast(new ClientHandler(server, reads));
                  }
                });
    Channel ch = b.bind(host, port).sync().channel();
    listeners.add(ch);
    return (InetSocketAddress) ch.localAddress();
  }

  /** TCP keepalive as Redis's anetKeepAlive: idle = interval, probes every interval/3, 3 probes. */
  private void applyKeepalive(SocketChannel ch, int seconds) {
    if (seconds <= 0) {
      return;
    }
    ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
    if (epoll) {
      ch.config().setOption(EpollChannelOption.TCP_KEEPIDLE, seconds);
      ch.config().setOption(EpollChannelOption.TCP_KEEPINTVL, Math.max(1, seconds / 3));
      ch.config().setOption(EpollChannelOption.TCP_KEEPCNT, 3);
    }
  }

  /** Stops accepting connections. */
  public void closeListeners() {
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    listeners.clear();
  }

  public void shutdown() {
    closeListeners();
    group
        .shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
  }
}
