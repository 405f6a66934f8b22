package io.cinnabar.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * MIGRATE's side of the network, as Redis's migrate_cached_sockets but without blocking the
 * keyspace thread: one cached connection per target "host:port" (at most {@value #MAX_CACHED},
 * closed after {@value #TTL_MS} ms unused), on the keyspace event loop. A transfer writes its
 * AUTH/SELECT/RESTORE commands, then collects one reply line per command; the calling client stays
 * parked meanwhile. The keys of a transfer are reserved until it ends: a command touching one of
 * them waits ({@link #parkIfBusy}) so nothing written during the transfer can be lost when the
 * source copies are deleted. Keyspace thread only.
 */
public final class MigrateSockets {
  static final int MAX_CACHED = 64;
  static final long TTL_MS = 10_000;

  /** How a transfer ended when no (or not every) reply came back. */
  public enum Failure {
    NONE,
    CONNECT,
    WRITE,
    READ
  }

  /** The replies of one transfer: AUTH's and SELECT's (null when not sent) and RESTOREs'. */
  public record Result(
      String authReply, String selectReply, List<String> restoreReplies, Failure failure) {}

  /** A transfer to run: its commands are built when it gets the connection (SELECT or not). */
  public static final class Transfer {
    final byte[] auth;
    final long dbid;
    final byte[] restores;
    final int keys;
    final long timeoutMs;
    final java.util.function.Consumer<Result> done;
    boolean retried;

    /**
     * {@code auth} is the encoded AUTH command or null; {@code restores} the encoded RESTORE
     * commands, {@code keys} of them; {@code done} runs on the keyspace thread when it ends.
     */
    public Transfer(
        byte[] auth,
        long dbid,
        byte[] restores,
        int keys,
        long timeoutMs,
        java.util.function.Consumer<Result> done) {
      this.auth = auth;
      this.dbid = dbid;
      this.restores = restores;
      this.keys = keys;
      this.timeoutMs = timeoutMs;
      this.done = done;
    }
  }

  private final ServerContext server;
  private final Map<String, Link> links = new LinkedHashMap<>();
  private ScheduledFuture<?> idleCheck;

  /** Keys being transferred, per database; empty sets are removed. */
  private final Map<Integer, Set<ByteBuffer>> reserved = new java.util.HashMap<>();

  private int reservedCount;
  private final List<Client> parked = new ArrayList<>();

  MigrateSockets(ServerContext server) {
    this.server = server;
  }

  /** Cached connections (INFO's migrate_cached_sockets). */
  public int size() {
    return links.size();
  }

  // ---- reserved keys ---------------------------------------------------------------------------

  public void reserve(int db, List<byte[]> keys) {
    Set<ByteBuffer> s = reserved.computeIfAbsent(db, k -> new HashSet<>());
    for (byte[] k : keys) {
      if (s.add(ByteBuffer.wrap(k))) {
        reservedCount++;
      }
    }
  }

  /** Ends a reservation and lets the clients that waited for it run again. */
  public void release(int db, List<byte[]> keys) {
    Set<ByteBuffer> s = reserved.get(db);
    if (s != null) {
      for (byte[] k : keys) {
        if (s.remove(ByteBuffer.wrap(k))) {
          reservedCount--;
        }
      }
      if (s.isEmpty()) {
        reserved.remove(db);
      }
    }
    if (!parked.isEmpty()) {
      List<Client> again = new ArrayList<>(parked);
      parked.clear();
      for (Client c : again) {
        if (!c.isClosed()) {
          c.unblock();
        }
      }
    }
  }

  /** True while some transfer holds keys (the dispatcher's one-field test). */
  public boolean anyReserved() {
    return reservedCount != 0;
  }

  /** True when key {@code b[off..off+len)} of database {@code db} is being transferred. */
  public boolean isReserved(int db, byte[] b, int off, int len) {
    Set<ByteBuffer> s = reserved.get(db);
    return s != null && s.contains(ByteBuffer.wrap(b, off, len));
  }

  /** Parks {@code c}: its current request runs again once a transfer ends. */
  public void park(Client c) {
    c.blockAndRetry();
    parked.add(c);
  }

  // ---- connections ------------------------------------------------------------------------------

  /** Starts (or queues behind the one running on that connection) a transfer to host:port. */
  public void send(String host, int port, Transfer t) {
    String name = host + ":" + port;
    Link l = links.get(name);
    if (l == null) {
      if (links.size() >= MAX_CACHED) {
        evictOne();
      }
      l = new Link(name, host, port, t.timeoutMs);
      links.put(name, l);
      scheduleIdleCheck();
    }
    l.queue.add(t);
    l.next();
  }

  private void evictOne() {
    Link victim = null;
    for (Link l : links.values()) {
      if (l.current == null && l.queue.isEmpty()) {
        victim = l;
        break;
      }
    }
    if (victim != null) {
      victim.drop();
    }
  }

  private void scheduleIdleCheck() {
    if (idleCheck == null) {
      idleCheck =
          server.loop().scheduleAtFixedRate(this::closeIdle, 1000, 1000, TimeUnit.MILLISECONDS);
    }
  }

  /** Redis's migrateCloseTimedoutSockets: unused connections go after the TTL. */
  private void closeIdle() {
    long now = System.currentTimeMillis();
    for (Iterator<Link> it = links.values().iterator(); it.hasNext(); ) {
      Link l = it.next();
      if (l.current == null && l.queue.isEmpty() && now - l.lastUse > TTL_MS) {
        it.remove();
        l.close();
      }
    }
    if (links.isEmpty() && idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
  }

  /** Server shutdown: every connection is closed. */
  public void closeAll() {
    for (Link l : new ArrayList<>(links.values())) {
      l.drop();
    }
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
  }

  private static final byte[] SELECT = "*2\r\n$6\r\nSELECT\r\n".getBytes(StandardCharsets.US_ASCII);

  /** One cached connection and the transfers waiting for it. */
  private final class Link {
    final String name;
    final String host;
    final int port;
    final ArrayDeque<Transfer> queue = new ArrayDeque<>();
    Channel ch;
    boolean connected;
    long lastDbid = -1;
    long lastUse = System.currentTimeMillis();
    Transfer current;
    boolean select;
    final List<String> lines = new ArrayList<>();
    int expected;
    ScheduledFuture<?> timer;
    final StringBuilder partial = new StringBuilder();
    final long connectTimeoutMs;

    Link(String name, String host, int port, long connectTimeoutMs) {
      this.name = name;
      this.host = host;
      this.port = port;
      this.connectTimeoutMs = connectTimeoutMs;
    }

    void connect() {
      Bootstrap b =
          new Bootstrap()
              .group(server.loop())
              .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
              .handler(new Reader(this));
      ChannelFuture f = b.connect(host, port);
      ch = f.channel();
      Channel mine = ch;
      f.addListener(
          done -> {
            if (ch != mine) {
              return;
            }
            if (done.isSuccess()) {
              connected = true;
              if (current != null) {
                write();
              }
            } else {
              // A refused connection fails at the first write in Redis (non-blocking connect).
              boolean timedOut = done.cause() instanceof ConnectTimeoutException;
              fail(timedOut ? Failure.CONNECT : Failure.WRITE, !timedOut);
            }
          });
    }

    /** Starts the next queued transfer when idle. */
    void next() {
      if (current != null || queue.isEmpty()) {
        return;
      }
      current = queue.poll();
      lines.clear();
      partial.setLength(0);
      if (ch == null) {
        connect();
      } else if (connected) {
        write();
      }
      armTimer();
    }

    private void write() {
      Transfer t = current;
      select = lastDbid != t.dbid;
      expected = (t.auth != null ? 1 : 0) + (select ? 1 : 0) + t.keys;
      ByteBuf out = ch.alloc().buffer(t.restores.length + 64);
      if (t.auth != null) {
        out.writeBytes(t.auth);
      }
      if (select) {
        out.writeBytes(SELECT);
        byte[] db = Long.toString(t.dbid).getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(("$" + db.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(db).writeByte('\r').writeByte('\n');
      }
      out.writeBytes(t.restores);
      Channel mine = ch;
      ch.writeAndFlush(out)
          .addListener(
              f -> {
                if (!f.isSuccess() && ch == mine && current == t) {
                  fail(Failure.WRITE, true);
                }
              });
    }

    private void armTimer() {
      if (timer != null) {
        timer.cancel(false);
      }
      Transfer t = current;
      timer =
          server
              .loop()
              .schedule(
                  () -> {
                    if (current == t) {
                      fail(connected ? Failure.READ : Failure.CONNECT, false);
                    }
                  },
                  t.timeoutMs,
                  TimeUnit.MILLISECONDS);
    }

    void onBytes(ByteBuf in) {
      while (in.isReadable()) {
        byte b = in.readByte();
        if (b == '\n') {
          int n = partial.length();
          if (n > 0 && partial.charAt(n - 1) == '\r') {
            partial.setLength(n - 1);
          }
          onLine(partial.toString());
          partial.setLength(0);
        } else {
          partial.append((char) (b & 0xFF));
        }
      }
    }

    private void onLine(String line) {
      if (current == null) {
        return; // nothing is expected: ignore (the connection is dropped on errors anyway)
      }
      lines.add(line);
      if (lines.size() < expected) {
        armTimer();
        return;
      }
      Transfer t = current;
      finish(t, Failure.NONE);
    }

    /** Splits the reply lines into the result and hands it over; starts the next transfer. */
    private void finish(Transfer t, Failure failure) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      int i = 0;
      String auth = null;
      String sel = null;
      if (t.auth != null && i < lines.size()) {
        auth = lines.get(i++);
      }
      if (select && i < lines.size()) {
        sel = lines.get(i++);
      }
      List<String> restores = new ArrayList<>(lines.subList(i, lines.size()));
      boolean error =
          failure != Failure.NONE
              || (auth != null && auth.startsWith("-"))
              || (sel != null && sel.startsWith("-"))
              || restores.stream().anyMatch(s -> s.startsWith("-"));
      lastDbid = error ? -1 : t.dbid;
      current = null;
      lines.clear();
      lastUse = System.currentTimeMillis();
      t.done.accept(new Result(auth, sel, restores, failure));
      next();
    }

    /**
     * A socket error: the connection is dropped (forcing SELECT next time). As Redis, a transfer
     * that got no reply at all is retried once on a new connection unless it timed out.
     */
    void fail(Failure f, boolean mayRetry) {
      Transfer t = current;
      close();
      if (t == null) {
        return;
      }
      if (mayRetry && !t.retried && lines.isEmpty()) {
        t.retried = true;
        current = null;
        queue.addFirst(t);
        next();
        return;
      }
      if (f == Failure.NONE) {
        f = Failure.READ;
      }
      finish(t, f);
      if (ch == null && current == null && queue.isEmpty()) {
        links.remove(name, this);
      }
    }

    /** Closes the connection; queued transfers stay and will open a new one. */
    void close() {
      Channel c = ch;
      ch = null;
      connected = false;
      lastDbid = -1;
      if (c != null) {
        c.close();
      }
    }

    /** Drops this link from the cache, failing whatever it still had to do. */
    void drop() {
      links.remove(name, this);
      close();
      while (current != null || !queue.isEmpty()) {
        if (current == null) {
          current = queue.poll();
          lines.clear();
        }
        Transfer t = current;
        current = null;
        if (timer != null) {
          timer.cancel(false);
        }
        t.done.accept(new Result(null, null, List.of(), Failure.READ));
      }
    }

    void inactive(Channel c) {
      if (c == ch) {
        if (current != null) {
          fail(Failure.READ, true);
        } else {
          close();
        }
      }
    }
  }

  /** Reads the target's replies into its link (on the keyspace loop). */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    private final Link link;

    Reader(Link link) {
      this.link = link;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        if (ctx.channel() == link.ch) {
          link.onBytes(b);
        }
      } finally {
        b.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      link.inactive(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
