package io.cinnabar.server;

import io.cinnabar.protocol.RespParser;
import io.cinnabar.repl.ReplicaHandshake;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The replica's link to its primary (Redis's replication.c, replica side), on the keyspace thread:
 * drives {@link ReplicaHandshake} over a Netty connection, receives the RDB payload ({@code $<len>}
 * or diskless {@code $EOF:<mark>}), loads it, then applies the primary's stream through the
 * dispatcher as the primary client, counting the processed offset and acknowledging it.
 */
public final class ReplicaLink implements ReplicaHandshake.Io, ReplicaHandshake.Listener {
  private enum Mode {
    HANDSHAKE,
    BULK_HEADER,
    BULK,
    STREAM
  }

  private final ServerContext server;
  private final ReplicaHandshake hs;
  private final ScheduledFuture<?> timer;

  private Channel ch;
  private Mode mode = Mode.HANDSHAKE;
  private final ByteBuf lines = Unpooled.buffer(256);

  /** The RDB payload being received and loaded, during a full sync. */
  private SyncPayload payload;

  /**
   * Applied stream bytes not yet in our own backlog: a transaction goes in whole at EXEC, as
   * Redis's replicationFeedStreamFromMasterStream, so our history matches our primary's.
   */
  private final ByteBuf proxied = Unpooled.buffer(1024);

  /** The primary client while the stream flows, else null. */
  private Client primary;

  /** The replication ID of the data held and the offset processed (null ID: none). */
  private String replId;

  private long offset = -1;
  private long readOffset;
  private int cachedDb;
  private long lastIoMs;
  private long lastAckMs;
  private long linkDownSinceMs;
  private long syncStartMs;

  ReplicaLink(ServerContext server, String host, int port) {
    this.server = server;
    long timeoutMs = server.config.getLong("repl-timeout") * 1000;
    String announceIp = server.config.get("replica-announce-ip");
    int announcePort = (int) server.config.getLong("replica-announce-port");
    ReplicaHandshake.Settings s =
        new ReplicaHandshake.Settings(
            server.config.get("masteruser"),
            server.config.get("masterauth"),
            announcePort != 0 ? announcePort : server.config.port,
            announceIp == null || announceIp.isEmpty() ? null : announceIp,
            timeoutMs);
    this.hs = new ReplicaHandshake(host, port, s, System::currentTimeMillis, this, this);
    server.keyspace.setReplicaExpiry(io.cinnabar.keyspace.Database.EXPIRY_HIDE);
    this.timer = server.loop().scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
  }

  public String host() {
    return hs.host();
  }

  public int port() {
    return hs.port();
  }

  /** Continues with the data of a previous primary (its ID and our processed offset). */
  void inherit(String id, long processed) {
    replId = id;
    offset = processed;
    hs.cachePrimary(id, processed);
  }

  /** master_link_status:up. */
  public boolean linkUp() {
    return mode == Mode.STREAM && hs.state() == ReplicaHandshake.State.CONNECTED;
  }

  public boolean syncInProgress() {
    return mode == Mode.BULK || mode == Mode.BULK_HEADER;
  }

  /** Redis's repl_state as ROLE names it. */
  public String roleState() {
    return switch (hs.state()) {
      case CONNECT, STOPPED -> "connect";
      case CONNECTING -> "connecting";
      case TRANSFER -> "sync";
      case CONNECTED -> "connected";
      default -> "handshake";
    };
  }

  public String replId() {
    return replId;
  }

  /** The processed offset (slave_repl_offset), -1 before the first sync. */
  public long offset() {
    return offset;
  }

  /** Bytes read from the primary (slave_read_repl_offset). */
  public long readOffset() {
    return mode == Mode.STREAM ? readOffset : offset;
  }

  /** When the primary was last heard from (link up) or the link dropped; 0 if never up. */
  public long primaryDataMs() {
    return primary != null ? lastIoMs : linkDownSinceMs;
  }

  public long lastIoSecondsAgo() {
    return (System.currentTimeMillis() - lastIoMs) / 1000;
  }

  /** Seconds since the link to this primary dropped, -1 if it was never up. */
  public long linkDownSinceSeconds() {
    return linkDownSinceMs == 0 ? -1 : (System.currentTimeMillis() - linkDownSinceMs) / 1000;
  }

  public long syncStartMs() {
    return syncStartMs;
  }

  public long syncReceived() {
    return payload == null ? 0 : payload.received();
  }

  public long syncSize() {
    return payload == null ? -1 : payload.size();
  }

  /** True if {@code c} is the primary's client (its commands are obeyed, replies dropped). */
  public boolean isPrimary(Client c) {
    return c == primary && c != null;
  }

  /** Stops the link for good (REPLICAOF NO ONE or another primary). */
  void stop() {
    timer.cancel(false);
    server.keyspace.setReplicaExpiry(io.cinnabar.keyspace.Database.EXPIRY_DELETE);
    hs.stop();
    dropPrimaryClient();
    close();
  }

  private void tick() {
    server.updateClock();
    hs.tick();
    long now = System.currentTimeMillis();
    if (mode == Mode.STREAM && ch != null) {
      if (now - lastIoMs > server.config.getLong("repl-timeout") * 1000) {
        Log.warning("MASTER timeout: no data nor PING received...");
        ch.close();
        return;
      }
      if (now - lastAckMs >= 1000) {
        sendAck();
      }
    }
  }

  private void sendAck() {
    lastAckMs = System.currentTimeMillis();
    send("REPLCONF", "ACK", Long.toString(offset));
  }

  // ReplicaHandshake.Io

  @Override
  public void connect(String host, int port) {
    Bootstrap b =
        new Bootstrap()
            .group(server.loop())
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(new Handler());
    mode = Mode.HANDSHAKE;
    lines.clear();
    ChannelFuture f = b.connect(host, port);
    ch = f.channel();
    f.addListener(
        done -> {
          if (f.channel() != ch) {
            return;
          }
          if (done.isSuccess()) {
            lastIoMs = System.currentTimeMillis();
            hs.connected();
          } else {
            ch = null;
            hs.disconnected();
          }
        });
  }

  @Override
  public void send(String... args) {
    if (ch == null) {
      return;
    }
    StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    ch.writeAndFlush(Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8), ch.voidPromise());
  }

  @Override
  public void close() {
    Channel c = ch;
    ch = null;
    payload = null;
    if (c != null) {
      c.close();
    }
  }

  // ReplicaHandshake.Listener

  @Override
  public void fullResync(String id, long off) {
    mode = Mode.BULK_HEADER;
    replId = id;
    offset = off;
    syncStartMs = System.currentTimeMillis();
    payload = null;
  }

  @Override
  public void continued(String id) {
    boolean sameHistory = id.equals(replId) && server.replication.replId().equals(id);
    replId = id;
    startStream(cachedDb, !sameHistory || server.replication.offset() != offset);
  }

  // Netty events, on the keyspace thread.

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (ctx.channel() == ch) {
          server.updateClock();
          lastIoMs = System.currentTimeMillis();
          onBytes(in);
          server.publishReplicationState();
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() != ch) {
        return;
      }
      ch = null;
      payload = null;
      if (primary != null) {
        cachedDb = primary.db.id();
        hs.cachePrimary(replId, offset);
        dropPrimaryClient();
        linkDownSinceMs = System.currentTimeMillis();
      }
      mode = Mode.HANDSHAKE;
      hs.disconnected();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Log.verbose("Replication link error: " + cause);
      ctx.close();
    }
  }

  private void onBytes(ByteBuf in) {
    while (in.isReadable() && ch != null) {
      switch (mode) {
        case HANDSHAKE, BULK_HEADER -> {
          int before = in.readableBytes();
          String line = readLine(in);
          if (line == null) {
            return;
          }
          if (mode == Mode.BULK_HEADER) {
            server.stats.netReplInputBytes += before - in.readableBytes(); // the $<len> line
          }
          if (mode == Mode.HANDSHAKE) {
            hs.reply(line);
          } else {
            bulkHeader(line);
          }
        }
        case BULK -> {
          int before = in.readableBytes();
          hs.dataReceived();
          receivePayload(in);
          server.stats.netReplInputBytes += before - in.readableBytes();
        }
        case STREAM -> {
          server.stats.netReplInputBytes += in.readableBytes();
          readOffset += in.readableBytes();
          primary.lastInteraction = lastIoMs;
          primary.qb.append(in);
          applyStream();
          return;
        }
      }
    }
  }

  /** One CRLF (or LF) terminated line, or null if incomplete (kept for the next read). */
  private String readLine(ByteBuf in) {
    while (in.isReadable()) {
      byte b = in.readByte();
      if (b == '\n') {
        int n = lines.readableBytes();
        if (n > 0 && lines.getByte(lines.writerIndex() - 1) == '\r') {
          n--;
        }
        String s = lines.toString(lines.readerIndex(), n, StandardCharsets.ISO_8859_1);
        lines.clear();
        return s;
      }
      lines.writeByte(b);
    }
    return null;
  }

  private void bulkHeader(String line) {
    hs.dataReceived();
    if (line.isEmpty()) {
      return; // keepalive newline while the primary prepares the RDB
    }
    if (line.charAt(0) == '-') {
      Log.warning("MASTER aborted replication with an error: " + line.substring(1));
      close();
      hs.disconnected();
      return;
    }
    if (line.charAt(0) != '$') {
      Log.warning(
          "Bad protocol from MASTER, the first byte is not '$' (we received '" + line + "')");
      close();
      hs.disconnected();
      return;
    }
    try {
      payload = new SyncPayload(line, server);
    } catch (IllegalArgumentException e) {
      Log.warning(e.getMessage());
      close();
      hs.disconnected();
      return;
    }
    mode = Mode.BULK;
    receivePayload(Unpooled.EMPTY_BUFFER); // an empty payload is complete (and bad) at once
  }

  private void receivePayload(ByteBuf in) {
    long start = System.nanoTime();
    SyncPayload p = payload;
    try {
      if (!p.receive(in)) {
        return;
      }
    } catch (io.cinnabar.rdb.RdbException | RuntimeException e) {
      Log.warning("Failed trying to load the MASTER synchronization DB from socket: " + e);
      close();
      hs.disconnected();
      return;
    }
    // Complete: the loaded keyspace replaces the old data at once (clients saw the old data
    // until now, as with Redis's swapdb loading).
    payload = null;
    Log.notice("MASTER <-> REPLICA sync: Flushing old data");
    for (int i = 0; i < server.keyspace.databases(); i++) {
      // WATCHed keys that exist before or after the swap fail their transaction, as Redis.
      server.watches.touchAll(server.keyspace.db(i), p.loaded().db(i));
    }
    server.keyspace.replaceWith(p.loaded());
    server.slotMigrations.replicaResynced(); // imports the old data was part of are over
    io.cinnabar.rdb.RdbFile.LoadStats st = p.stats();
    Log.notice(
        String.format(
            "Done loading RDB, keys loaded: %d, keys expired: %d. (%.3f s after the transfer)",
            st.keys(), st.expiredSkipped(), (System.nanoTime() - start) / 1e9));
    hs.transferDone();
    startStream(0, true);
  }

  /**
   * The stream starts; with {@code newHistory} our own replication history (the backlog a promoted
   * replica serves siblings from) restarts at the primary's ID and offset.
   */
  private void startStream(int db, boolean newHistory) {
    mode = Mode.STREAM;
    readOffset = offset;
    primary = new Client(server, ch);
    primary.primaryStream = true;
    primary.authenticated = true;
    primary.user = "(superuser)";
    primary.select(db);
    server.clients.put(primary.id, primary);
    if (newHistory) {
      server.replication.ensureBacklog();
      server.replication.adopt(replId, offset);
    }
    proxied.clear();
    lastAckMs = 0;
    sendAck();
  }

  private static final byte[] REPLCONF = "replconf".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GETACK = "getack".getBytes(StandardCharsets.US_ASCII);

  /** Runs every complete command of the stream, advancing the processed offset. */
  private void applyStream() {
    Client c = primary;
    while (c == primary && !c.isClosed()) {
      int r = c.parser.parse(c.qb, c.req, Long.MAX_VALUE, true);
      if (r == RespParser.NEED_MORE) {
        break;
      }
      if (r == RespParser.COMMAND) {
        c.qb.copyParsed(proxied);
      }
      if (r == RespParser.PROTOCOL_ERROR) {
        Log.warning("Protocol error from MASTER: " + c.parser.error());
        c.close();
        return;
      }
      if (c.req.argc > 0) {
        if (c.req.argc >= 2 && c.req.is(0, REPLCONF) && c.req.is(1, GETACK)) {
          sendAck(); // the offset before this command, as Redis
        } else {
          c.ensureOutput();
          server.keyspace.setReplicaExpiry(io.cinnabar.keyspace.Database.EXPIRY_KEEP);
          server.dispatcher.dispatch(c);
          server.keyspace.setReplicaExpiry(io.cinnabar.keyspace.Database.EXPIRY_HIDE);
          ByteBuf out = c.reply.target();
          if (out != null) {
            out.clear(); // the primary never hears our replies
          }
        }
      }
      if (!c.inMulti) {
        offset = readOffset - c.qb.unparsed();
        if (proxied.isReadable()) {
          byte[] applied = new byte[proxied.readableBytes()];
          proxied.readBytes(applied);
          proxied.clear();
          server.replication.propagateRaw(applied);
        }
      }
      c.qb.consumeParsed();
    }
    if (c == primary) {
      c.qb.compact(16 * 1024);
    }
    server.replication.flush();
  }

  private void dropPrimaryClient() {
    Client c = primary;
    if (c != null) {
      primary = null;
      c.discardTransaction();
      Connections.closed(server, c);
    }
  }
}
