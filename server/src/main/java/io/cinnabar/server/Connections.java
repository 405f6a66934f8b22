package io.cinnabar.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;

/** Connection lifecycle on the keyspace thread: accept (maxclients), read, output limits, close. */
public final class Connections {
  private static final byte[] MAX_CLIENTS =
      "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

  private Connections() {}

  /** Registers a new connection, or refuses it with Redis's error when maxclients is reached. */
  public static Client accept(ServerContext server, Channel ch) {
    if (server.clients.size() >= server.config.maxclients) {
      server.stats.rejectedConnections++;
      ByteBuf b = Unpooled.wrappedBuffer(MAX_CLIENTS);
      ch.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
      return null;
    }
    Client c = new Client(server, ch);
    server.clients.put(c.id, c);
    server.stats.totalConnections++;
    return c;
  }

  public static void read(Client c, ByteBuf in) {
    if (!c.isClosed()) {
      c.onRead(in);
    }
  }

  public static void closed(ServerContext server, Client c) {
    c.close();
    server.clients.remove(c.id);
    server.pausedClients.remove(c);
    server.blocking.disconnected(c);
    server.pubsub.clear(c);
    server.watches.unwatchAll(c);
    server.primary.disconnected(c);
    server.slotMigrations.disconnected(c);
  }

  /**
   * Closes a client whose pending output passed the hard limit of its class, or stayed over the
   * soft limit for longer than the soft seconds (client-output-buffer-limit).
   */
  public static void enforceOutputLimits(Client c) {
    OutputLimits.Limit l = c.server.outputLimits.forClient(c);
    if (l == null || (l.hard() == 0 && l.soft() == 0)) {
      return;
    }
    long pending = c.pendingOutputBytes();
    boolean over = l.hard() > 0 && pending >= l.hard();
    if (!over && l.soft() > 0 && pending >= l.soft()) {
      long now = System.currentTimeMillis();
      if (c.softLimitSince == 0) {
        c.softLimitSince = now;
      } else if (now - c.softLimitSince >= l.softSeconds() * 1000L) {
        over = true;
      }
    } else if (!over) {
      c.softLimitSince = 0;
    }
    if (over) {
      Log.warning(
          "Client "
              + c.describe()
              + " scheduled to be closed ASAP for overcoming of output buffer limits.");
      c.close();
    }
  }
}
