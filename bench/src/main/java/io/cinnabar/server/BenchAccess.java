package io.cinnabar.server;

import io.cinnabar.command.CommandTable;
import io.cinnabar.commands.Commands;
import io.cinnabar.config.Config;
import io.netty.channel.EventLoop;

/**
 * Benchmark-only access to the package-private {@link ServerContext} constructor. It lives in the
 * bench module (same package name, so no production hook is needed) and builds a context with the
 * full command table but no listener and no cron, so a benchmark thread can own the keyspace.
 */
public final class BenchAccess {
  private BenchAccess() {}

  public static ServerContext context(Config config, EventLoop loop) {
    CommandTable table = new CommandTable();
    Commands.registerAll(table);
    return new ServerContext(config, table, loop);
  }
}
