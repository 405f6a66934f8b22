package io.cinnabar.net;

import io.cinnabar.server.ServerContext;
import io.netty.channel.ChannelHandler;

/** Benchmark-only access to the package-private {@link ClientHandler} (bench module only). */
public final class BenchHandlers {
  private BenchHandlers() {}

  public static ChannelHandler clientHandler(ServerContext server) {
    return new ClientHandler(server, null);
  }
}
