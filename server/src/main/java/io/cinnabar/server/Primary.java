package io.cinnabar.server;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.repl.ReplicationSource;
import io.cinnabar.util.Bytes;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's side of replication wired into the server (Redis's replication.c, primary half):
 * the {@link ReplicationSource} fed by every command that changes the dataset, the attached
 * replicas with their acknowledged offsets, WAIT, and the replication cron (PING, timeouts, backlog
 * time to live). Everything runs on the keyspace thread.
 *
 * <p>Propagation follows Redis 7.0's also-propagate array: during a top-level call (and the calls
 * EXEC nests in it) commands queue what they propagate; when the top-level call ends the queue goes
 * to the stream, wrapped in MULTI/EXEC when it holds more than one command.
 */
public final class Primary {
  private static final byte[] MULTI = Bytes.ascii("MULTI");
  private static final byte[] EXEC = Bytes.ascii("EXEC");
  private static final byte[] DEL = Bytes.ascii("DEL");
  private static final byte[] PING = Bytes.ascii("*1\r\n$4\r\nping\r\n");
  private static final byte[] GETACK =
      Bytes.ascii("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");

  /** One attached (or attaching) replica: the state REPLCONF and PSYNC gave its client. */
  public static final class Link implements ReplicationSource.Sink {
    final Client client;
    public int listeningPort;
    public String announcedIp;
    public boolean capaEof;
    public boolean capaPsync2;

    /**
     * Bytes of the RDB payload sent at the full sync, until the replica's first ACK says it loaded
     * it: they do not count against the replica's output buffer limit, as in Redis where the
     * payload does not go through the output buffer.
     */
    long rdbBytes;

    /** Output the limit counts beyond the socket's queue: the held stream, less the payload. */
    long pendingAdjustment() {
      return (held == null ? 0 : held.readableBytes()) - rdbBytes;
    }

    /** Attached with SYNC: such replicas never ACK, so repl-timeout does not apply (as Redis). */
    boolean legacy;

    /** True once PSYNC/SYNC made this client a replica receiving the stream. */
    public boolean online;

    public long ackOffset;
    public long ackTimeMs;

    /**
     * After an RDB ended by an EOF mark the stream waits for the replica's first ACK (Redis 7.0's
     * repl_start_cmd_stream_on_ack): bytes right behind the mark would hide it from the replica.
     */
    ByteBuf held;

    Link(Client client) {
      this.client = client;
    }

    @Override
    public void write(ByteBuf bytes) {
      if (client.isClosed()) {
        bytes.release();
        return;
      }
      if (held != null) {
        held.writeBytes(bytes);
        bytes.release();
        return;
      }
      client.server.stats.netReplOutputBytes += bytes.readableBytes();
      client.channel.writeAndFlush(bytes, client.channel.voidPromise());
    }

    /** The first ACK after an EOF-marked RDB: the held stream goes out. */
    void startStream() {
      ByteBuf h = held;
      held = null;
      if (h.isReadable()) {
        client.server.stats.netReplOutputBytes += h.readableBytes();
        client.channel.writeAndFlush(h, client.channel.voidPromise());
      } else {
        h.release();
      }
    }

    /** The address INFO and ROLE show: the announced IP, else the connection's. */
    public String ip() {
      if (announcedIp != null) {
        return announcedIp;
      }
      String a = client.address();
      int colon = a.lastIndexOf(':');
      return colon < 0 ? a : a.substring(0, colon);
    }
  }

  /**
   * Sees every command propagated by this primary (atomic slot migration forwards the writes to
   * migrating slots through it). Called on the keyspace thread, after the command ran.
   */
  public interface Tap {
    void propagated(io.cinnabar.protocol.Request r);

    void propagated(byte[][] args);
  }

  private Tap tap;

  /** Installs (or with null removes) the propagation tap; a tap makes propagation active. */
  public void setTap(Tap t) {
    tap = t;
  }

  /** A client blocked in WAIT. */
  private record Waiter(Client client, CommandSpec cmd, long offset, int wanted, long deadline) {}

  private final ServerContext server;
  public final ReplicationSource source;
  private final List<Link> replicas = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  /** Commands queued by the running top-level call: database and arguments. */
  private final List<Integer> opDbs = new ArrayList<>();

  private final List<byte[][]> ops = new ArrayList<>();
  private int depth;
  private boolean prevent;
  private boolean force;

  /** Time the last replica left (for repl-backlog-ttl), 0 while one is attached. */
  private long noReplicaSince;

  private long lastPingMs;
  private boolean getAckPending;

  /** A GETACK asked for explicitly ({@link #requestAcks}): sent even while clients are paused. */
  private boolean getAckForced;

  public long syncFull;
  public long syncPartialOk;
  public long syncPartialErr;

  Primary(ServerContext server, String replId) {
    this.server = server;
    this.source = new ReplicationSource(replId, (int) backlogSizeConfig(server));
  }

  private static long backlogSizeConfig(ServerContext s) {
    long v = s.config.getLong("repl-backlog-size");
    return Math.min(Integer.MAX_VALUE - 16, Math.max(16 * 1024, v));
  }

  /** True while commands must be propagated (a backlog exists): the hot path's one test. */
  public boolean active() {
    return source.active() || tap != null;
  }

  public List<Link> replicas() {
    return replicas;
  }

  /** The REPLCONF/PSYNC state of {@code c}, created on first use. */
  /** PSYNC {@code id offset}, or SYNC with {@code legacy}. */
  public static void sync(Client c, String id, long offset, boolean legacy) {
    SyncRequest.serve(c, id, offset, legacy);
  }

  public static Link link(Client c) {
    if (c.replicaLink == null) {
      c.replicaLink = new Link(c);
    }
    return c.replicaLink;
  }

  // ---- propagation -------------------------------------------------------------------------

  /** Dispatcher.call, before the handler: returns the caller's prevent flag to restore. */
  public boolean enterCall() {
    depth++;
    boolean outer = prevent;
    prevent = false;
    force = false;
    return outer;
  }

  /**
   * Dispatcher.call, after the handler: queues the command itself when it changed the dataset and
   * asked for no rewrite; at the top level sends the queue to the stream.
   */
  public void exitCall(Client c, CommandSpec cmd, long dirtyBefore, boolean outerPrevent) {
    boolean self =
        !prevent
            && (force || server.keyspace.stats().dirty != dirtyBefore)
            && !"exec".equals(cmd.fullName)
            && !c.isBlocked();
    prevent = outerPrevent;
    force = false;
    depth--;
    if (depth == 0 && ops.isEmpty()) {
      if (self) {
        source.propagate(c.db.id(), c.req); // the common case: no copy
        if (tap != null) {
          tap.propagated(c.req);
        }
        c.writeOffset = source.offset();
      }
      return;
    }
    if (self) {
      opDbs.add(c.db.id());
      ops.add(c.req.copyAll());
    }
    if (depth == 0) {
      emitOps();
      c.writeOffset = source.offset();
    }
  }

  private void emitOps() {
    int n = ops.size();
    if (n > 1) {
      source.propagate(opDbs.get(0), MULTI);
    }
    for (int i = 0; i < n; i++) {
      source.propagate(opDbs.get(i), ops.get(i));
      if (tap != null) {
        tap.propagated(ops.get(i));
      }
    }
    if (n > 1) {
      source.propagate(opDbs.get(n - 1), EXEC);
    }
    ops.clear();
    opDbs.clear();
  }

  /** Propagates {@code args} in database {@code db} (after the running command's own effects). */
  public void alsoPropagate(int db, byte[]... args) {
    if (!active()) {
      return;
    }
    opDbs.add(db);
    ops.add(args);
    if (depth == 0) {
      emitOps(); // outside any command: active expiry
    }
  }

  /** The running command is propagated even if it changed nothing (FLUSHALL, PUBLISH). */
  public void forcePropagation() {
    force = true;
  }

  /** The running command is not propagated as received (it propagated its effects instead). */
  public void preventPropagation() {
    prevent = true;
  }

  /**
   * Propagates {@code args} in place of the running command (Redis's rewriteClientCommandVector).
   */
  public void propagateAs(Client c, byte[]... args) {
    if (active()) {
      prevent = true;
      alsoPropagate(c.db.id(), args);
    }
  }

  /**
   * A key expired (lazily or by the active cycle): replicas delete it too, as Redis 7.0 with DEL.
   */
  void expired(int db, byte[] key) {
    if (active()) {
      alsoPropagate(db, DEL, key);
    }
  }

  /** Moves the stream to the backlog and replicas (end of an event loop batch, cron). */
  public void flush() {
    if (active()) {
      source.flush();
    }
  }

  // ---- attaching replicas ------------------------------------------------------------------

  /** A client became a replica receiving the stream after a full or partial sync. */
  void attach(Link l) {
    l.online = true;
    l.ackTimeMs = System.currentTimeMillis();
    if (replicas.isEmpty()) {
      lastPingMs = l.ackTimeMs; // the first PING one period after the sync
    }
    replicas.add(l);
    source.addReplica(l);
    noReplicaSince = 0;
    l.client.reply.mute(true); // replicas get no replies (REPLCONF ACK and the like)
  }

  /** The client closed: it leaves the replica set and any WAIT. */
  void disconnected(Client c) {
    Link l = c.replicaLink;
    if (l != null && l.online) {
      l.online = false;
      if (l.held != null) {
        l.held.release();
        l.held = null;
      }
      replicas.remove(l);
      source.removeReplica(l);
      if (replicas.isEmpty()) {
        noReplicaSince = System.currentTimeMillis();
      }
      Log.notice("Connection with replica " + l.ip() + ":" + l.listeningPort + " lost.");
    }
    waiters.removeIf(w -> w.client == c);
  }

  /** REPLCONF ACK from a replica. */
  public void ack(Client c, long offset) {
    Link l = c.replicaLink;
    if (l == null || !l.online) {
      return;
    }
    l.rdbBytes = 0;
    if (l.held != null) {
      l.startStream();
    }
    if (offset > l.ackOffset) {
      l.ackOffset = offset;
    }
    l.ackTimeMs = System.currentTimeMillis();
    if (!waiters.isEmpty()) {
      checkWaiters();
    }
  }

  // ---- WAIT and min-replicas ---------------------------------------------------------------

  /** Replicas that acknowledged at least {@code offset}. */
  public int replicasAcked(long offset) {
    int n = 0;
    for (Link l : replicas) {
      if (l.ackOffset >= offset) {
        n++;
      }
    }
    return n;
  }

  /**
   * Blocks {@code c} in WAIT until {@code wanted} replicas acked {@code offset} or the deadline.
   */
  public void blockWait(Client c, CommandSpec cmd, long offset, int wanted, long deadline) {
    c.block();
    waiters.add(new Waiter(c, cmd, offset, wanted, deadline));
    getAckPending = true;
  }

  /**
   * Asks every replica for a REPLCONF ACK at the end of this event loop batch, even while clients
   * are paused (a shutdown hand-over asks during its own pause, as Redis's sendGetackToReplicas).
   */
  public void requestAcks() {
    getAckForced = true;
  }

  /** Replicas whose last ack is within min-replicas-max-lag (Redis's repl_good_slaves_count). */
  public int goodReplicas() {
    long now = System.currentTimeMillis();
    long maxLag = server.config.getLong("min-replicas-max-lag") * 1000L;
    int n = 0;
    for (Link l : replicas) {
      if (now - l.ackTimeMs <= maxLag) {
        n++;
      }
    }
    return n;
  }

  private void checkWaiters() {
    long now = System.currentTimeMillis();
    for (Waiter w : waiters.toArray(new Waiter[0])) {
      int acked = replicasAcked(w.offset);
      if (acked >= w.wanted || (w.deadline > 0 && now >= w.deadline)) {
        waiters.remove(w);
        Client c = w.client;
        if (c.isClosed()) {
          continue;
        }
        c.ensureOutput();
        c.reply.integer(acked);
        server.dispatcher.account(c, w.cmd, 0);
        c.unblock();
      }
    }
  }

  /**
   * Once per event loop batch (Redis's beforeSleep): sends the stream, and asks replicas for an ack
   * when a WAIT started. A WAIT's GETACK waits while clients are paused (as Redis): it would move
   * the offset a manual failover hands over at; it goes out after the pause.
   */
  public void beforeSleep() {
    if (getAckForced || (getAckPending && !paused())) {
      getAckForced = false;
      getAckPending = false;
      source.propagateRaw(GETACK);
    }
    flush();
  }

  /** CLIENT PAUSE, a manual failover or a shutdown hand-over holds clients. */
  private boolean paused() {
    return server.pauseEndMs > 0 && System.currentTimeMillis() < server.pauseEndMs;
  }

  // ---- cron --------------------------------------------------------------------------------

  /** Redis's replicationCron, primary half: ping, timeouts, backlog ttl, WAIT deadlines. */
  void cron() {
    long now = System.currentTimeMillis();
    if (!waiters.isEmpty()) {
      checkWaiters();
    }
    if (!active()) {
      return;
    }
    long period = server.config.getLong("repl-ping-replica-period") * 1000L;
    // No PING while clients are paused either (Redis skips it during a manual failover).
    if (!replicas.isEmpty() && now - lastPingMs >= period && !paused()) {
      lastPingMs = now;
      source.propagateRaw(PING);
    }
    long timeout = server.config.getLong("repl-timeout") * 1000L;
    for (Link l : replicas.toArray(new Link[0])) {
      if (!l.legacy && now - l.ackTimeMs > timeout) {
        Log.warning("Disconnecting timedout replica (streaming sync): " + l.ip());
        l.client.close();
      } else {
        Connections.enforceOutputLimits(l.client);
      }
    }
    long ttl = server.config.getLong("repl-backlog-ttl") * 1000L;
    if (replicas.isEmpty() && ttl > 0 && noReplicaSince > 0 && now - noReplicaSince > ttl) {
      source.freeBacklog();
      noReplicaSince = 0;
      Log.notice(
          "Replication backlog freed after " + ttl / 1000 + " seconds without connected replicas.");
    }
    int size = (int) backlogSizeConfig(server);
    if (source.backlog() != null && source.backlog().capacity() != size) {
      source.resizeBacklog(size);
    }
    beforeSleep();
  }
}
