package io.cinnabar.server;

import io.cinnabar.command.CommandTable;
import io.cinnabar.command.Dispatcher;
import io.cinnabar.config.Config;
import io.cinnabar.keyspace.Keyspace;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The state of one running node, owned by the keyspace thread: configuration, keyspace, command
 * table, connected clients, statistics and the cron. Commands reach everything through here.
 */
public final class ServerContext {
  public static final String REDIS_VERSION = "7.0.15";
  public static final String CINNABAR_VERSION = "0.1.0";

  public final Config config;
  public final Keyspace keyspace;
  public final CommandTable commands;
  public final Dispatcher dispatcher;
  public final ServerStats stats = new ServerStats();
  public final Map<Long, Client> clients = new LinkedHashMap<>();
  public final long startTimeMs = System.currentTimeMillis();
  public final String runId;

  /** Replication ID (INFO replication's master_replid). */
  public final String replId;

  /**
   * Replication IDs, offset and backlog: the one ReplicationSource, owned by {@link #primary} (a
   * replica adopts its primary's history into it; promotion shifts it).
   */
  public final io.cinnabar.repl.ReplicationSource replication;

  /** The link to our primary while this node is a replica, else null. */
  private ReplicaLink replicaLink;

  /** The primary side of replication: the stream, the backlog, attached replicas, WAIT. */
  public final Primary primary;

  /** Atomic slot migrations (CLUSTER MIGRATESLOTS) exported from and imported into this node. */
  public final io.cinnabar.cluster.migration.SlotMigrations slotMigrations;

  /** Unix seconds of the last successful save (LASTSAVE); the start time until saving exists. */
  public long lastSaveSeconds = startTimeMs / 1000;

  /** Snapshot statistics and the running BGSAVE, if any. */
  public final io.cinnabar.rdb.Persistence persistence = new io.cinnabar.rdb.Persistence();

  final OutputLimits outputLimits;

  /** WATCHed keys and the clients watching them. */
  public final Watches watches = new Watches();

  /** Pub/sub channels, patterns and shard channels. */
  public final PubSub pubsub = new PubSub();

  private final EventLoop loop;
  private ScheduledFuture<?> cronTask;
  private long nextClientId = 1;
  private long now;
  private boolean activeExpireEnabled = true;
  private long cronLoops;
  private Runnable shutdownHandler = () -> {};

  /** The cluster bus, owner of the cluster state, in cluster mode; else null. */
  public final io.cinnabar.cluster.bus.ClusterBus cluster;

  private volatile io.cinnabar.cluster.ClusterTopology topology;

  /** The keyspace side of cluster failover (null unless cluster mode). */
  private final ClusterReplication clusterReplication;

  /**
   * Clients paused until this time (ms), and whether only writes are paused (see {@link #pauses}).
   */
  public long pauseEndMs;

  public boolean pauseWritesOnly;

  /** A cluster primary handing its slots over before shutting down, or null. */
  ShutdownHandover handover;

  /** The pauses by purpose that set {@link #pauseEndMs} and {@link #pauseWritesOnly}. */
  public final Pauses pauses = new Pauses(this);

  /** Clients blocked on keys (BLPOP and the like). */
  public final Blocking blocking = new Blocking(this);

  /** MIGRATE's cached target connections and the keys being transferred. */
  public final MigrateSockets migrate = new MigrateSockets(this);

  /** Clients holding a command until the pause ends. */
  public final java.util.List<Client> pausedClients = new java.util.ArrayList<>();

  ServerContext(Config config, CommandTable commands, EventLoop loop) {
    this.config = config;
    this.keyspace = new Keyspace(config.databases, config.getBool("cluster-enabled"));
    this.keyspace.setListener(
        new Keyspace.Listener() {
          @Override
          public void added(io.cinnabar.keyspace.Database db, byte[] key) {
            notifyKeyspaceEvent(io.cinnabar.config.KeyspaceEvents.NEW, "new", key, db.id());
          }

          @Override
          public void expired(io.cinnabar.keyspace.Database db, byte[] key) {
            // Redis 7.0 does not fail a WATCH on expiry (checked against 7.0.15): notify only.
            notifyKeyspaceEvent(io.cinnabar.config.KeyspaceEvents.EXPIRED, "expired", key, db.id());
            primary.expired(db.id(), key);
          }

          @Override
          public boolean wantsMisses() {
            return (config.notifyKeyspaceEvents & io.cinnabar.config.KeyspaceEvents.KEY_MISS) != 0;
          }

          @Override
          public void missed(io.cinnabar.keyspace.Database db, byte[] key) {
            notifyKeyspaceEvent(
                io.cinnabar.config.KeyspaceEvents.KEY_MISS, "keymiss", key, db.id());
          }
        });
    this.outputLimits = new OutputLimits(config);
    this.commands = commands;
    this.dispatcher = new Dispatcher(this);
    this.loop = loop;
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    this.runId = HexFormat.of().formatHex(id);
    new SecureRandom().nextBytes(id);
    this.replId = HexFormat.of().formatHex(id);
    this.primary = new Primary(this, replId);
    this.slotMigrations = new io.cinnabar.cluster.migration.SlotMigrations(this);
    this.replication = primary.source;
    this.now = System.currentTimeMillis();
    if (config.getBool("cluster-enabled")) {
      try {
        cluster = io.cinnabar.cluster.bus.ClusterBus.open(config, this::publishTopology);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      // PUBLISH from another node: delivered here on the keyspace thread.
      cluster.onPublish((ch, msg) -> loop.execute(() -> pubsub.publish(null, ch, msg)));
      clusterReplication = new ClusterReplication(this);
      cluster.setReplicationControl(clusterReplication);
    } else {
      cluster = null;
      clusterReplication = null;
    }
  }

  /**
   * A write command changed {@code key} (Redis's signalModifiedKey): WATCHed transactions on it
   * fail. Every write calls this for each key it modifies, deletes or creates.
   */
  public void signalModifiedKey(io.cinnabar.keyspace.Database db, byte[] key) {
    if (!watches.isEmpty()) {
      watches.touch(db.id(), key);
    }
  }

  /** FLUSHDB/FLUSHALL, before emptying {@code db}: WATCHes on its existing keys fail. */
  public void signalFlushedDb(io.cinnabar.keyspace.Database db) {
    watches.touchAll(db, null);
  }

  /** SWAPDB, before swapping: WATCHes on keys existing in either database fail. */
  public void signalSwappedDbs(int a, int b) {
    watches.touchAll(keyspace.db(a), keyspace.db(b));
    watches.touchAll(keyspace.db(b), keyspace.db(a));
  }

  /**
   * Raises a keyspace notification (Redis's notifyKeyspaceEvent): published on {@code
   * __keyspace@<db>__:<key>} and {@code __keyevent@<db>__:<event>} when notify-keyspace-events
   * enables the class ({@code type}, a {@link io.cinnabar.config.KeyspaceEvents} bit). Costs one
   * field test when notifications are off.
   */
  public void notifyKeyspaceEvent(int type, String event, byte[] key, int dbId) {
    int flags = config.notifyKeyspaceEvents;
    if ((flags & type) == 0) {
      return;
    }
    byte[] eventBytes = event.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if ((flags & io.cinnabar.config.KeyspaceEvents.KEYSPACE) != 0) {
      byte[] prefix =
          ("__keyspace@" + dbId + "__:").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      pubsub.publish(null, io.cinnabar.util.Bytes.concat(prefix, key), eventBytes);
    }
    if ((flags & io.cinnabar.config.KeyspaceEvents.KEYEVENT) != 0) {
      byte[] channel =
          ("__keyevent@" + dbId + "__:" + event)
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      pubsub.publish(null, channel, key);
    }
  }

  /** The link to the primary when this node is a replica (REPLICAOF host port), else null. */
  public ReplicaLink replicaLink() {
    return replicaLink;
  }

  /**
   * Follows {@code host:port} (Redis's replicationSetMaster): the data and its replication history
   * are kept so the new primary can continue from them with a partial resync.
   */
  public void replicaOf(String host, int port) {
    String id = replication.replId();
    long off = replication.offset();
    if (replicaLink != null) {
      id = replicaLink.replId() != null ? replicaLink.replId() : id;
      off = replicaLink.offset();
      replicaLink.stop();
    }
    replicaLink = new ReplicaLink(this, host, port);
    setReplicaofConfig(host + " " + port);
    if (id != null && off >= 0) {
      replicaLink.inherit(id, off);
    }
  }

  /**
   * REPLICAOF NO ONE (Redis's replicationUnsetMaster): keeps the data and starts a new history,
   * keeping the old ID valid up to this offset so siblings can continue from us.
   */
  public void replicaOfNoOne() {
    if (replicaLink == null) {
      return;
    }
    ReplicaLink l = replicaLink;
    replicaLink = null;
    l.stop();
    setReplicaofConfig("no one");
    // The stream fed our backlog, so normally the history is already the primary's: keep it.
    if (l.replId() != null
        && l.offset() >= 0
        && (!l.replId().equals(replication.replId()) || l.offset() != replication.offset())) {
      replication.adopt(l.replId(), l.offset());
    }
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    replication.shiftReplicationId(HexFormat.of().formatHex(id));
    slotMigrations.promoted();
  }

  /** CONFIG GET replicaof (and CONFIG REWRITE) show the current primary, as Redis's getter. */
  private void setReplicaofConfig(String value) {
    try {
      config.set("replicaof", value);
    } catch (io.cinnabar.config.ConfigException e) {
      Log.warning("Cannot record replicaof " + value + ": " + e.getMessage());
    }
  }

  /** True when this node runs in cluster mode (cluster-enabled yes). */
  public boolean clusterEnabled() {
    return cluster != null;
  }

  /** The routing view of the cluster (null unless cluster mode); replaced, never modified. */
  public io.cinnabar.cluster.ClusterTopology topology() {
    return topology;
  }

  /**
   * Publishes the bus's new routing view; later commands route with it. A view older than a CLUSTER
   * SETSLOT the keyspace thread has already applied to its own copy ({@link #applyTopology}) is
   * dropped: the bus publishes again once it has applied that change too.
   */
  public void publishTopology(io.cinnabar.cluster.ClusterTopology t) {
    while (true) {
      io.cinnabar.cluster.ClusterTopology cur = topology;
      if (cur != null && cur.seq() > t.seq()) {
        return;
      }
      if (TOPOLOGY.compareAndSet(this, cur, t)) {
        break;
      }
    }
    if (blocking.blockedClients() > 0) {
      loop.execute(blocking::checkSlots); // blocked clients on slots moved away get redirected
    }
  }

  /**
   * Keyspace thread: routes with {@code change} applied to the current view from now on, before the
   * bus has applied it to the node table (CLUSTER SETSLOT's fast path). {@code change} gets the
   * current view and the change's sequence number, and may be run again if the bus publishes
   * meanwhile. Returns the sequence number the bus must stamp on its view once it applied it.
   */
  public long applyTopology(
      java.util.function.BiFunction<
              io.cinnabar.cluster.ClusterTopology, Long, io.cinnabar.cluster.ClusterTopology>
          change) {
    long seq = ++localTopologySeq;
    while (true) {
      io.cinnabar.cluster.ClusterTopology cur = topology;
      if (TOPOLOGY.compareAndSet(this, cur, change.apply(cur, seq))) {
        break;
      }
    }
    if (blocking.blockedClients() > 0) {
      blocking.checkSlots();
    }
    return seq;
  }

  private long localTopologySeq; // keyspace thread only

  private static final java.lang.invoke.VarHandle TOPOLOGY;

  static {
    try {
      TOPOLOGY =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(
                  ServerContext.class, "topology", io.cinnabar.cluster.ClusterTopology.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The event loop that owns the keyspace; run keyspace work here. */
  public EventLoop loop() {
    return loop;
  }

  /** Wall-clock time cached at the start of the current command (Unix ms). */
  public long now() {
    return now;
  }

  public void updateClock() {
    now = System.currentTimeMillis();
  }

  /** Redis's LRU clock: seconds, 24 bits. */
  public int lruClock() {
    return (int) ((now / 1000) & 0xFFFFFF);
  }

  long newClientId() {
    return nextClientId++;
  }

  public boolean activeExpireEnabled() {
    return activeExpireEnabled;
  }

  public void setActiveExpireEnabled(boolean on) {
    activeExpireEnabled = on;
  }

  void setShutdownHandler(Runnable r) {
    shutdownHandler = r;
  }

  /**
   * Cluster mode, before a shutdown: when this primary has slots and an online replica, pauses
   * writes and hands the slots to the most up-to-date replica (bounded by shutdown-timeout), then
   * runs {@code then}; otherwise runs it at once. SHUTDOWN ABORT meanwhile runs {@code aborted}
   * instead. Keyspace thread.
   */
  public void handOverSlotsThen(Runnable then, Runnable aborted) {
    if (handover == null && ShutdownHandover.wanted(this)) {
      ShutdownHandover.start(this, then, aborted);
    } else {
      then.run();
    }
  }

  /** SHUTDOWN ABORT: false when no hand-over is running. */
  public boolean abortHandover() {
    return handover != null && handover.abort();
  }

  /** Asks the owner of the server (launcher or embedding application) to shut it down. */
  public void requestShutdown() {
    shutdownHandler.run();
  }

  void startCron() {
    scheduleCron();
    config.onChange(
        c -> {
          if (cronTask != null) {
            cronTask.cancel(false);
          }
          scheduleCron();
        });
  }

  private void scheduleCron() {
    int hz = Math.max(1, Math.min(500, config.hz));
    long period = Math.max(1, 1000 / hz);
    cronTask = loop.scheduleAtFixedRate(this::cron, period, period, TimeUnit.MILLISECONDS);
  }

  void stopCron() {
    if (cronTask != null) {
      cronTask.cancel(false);
    }
    migrate.closeAll();
  }

  /** Periodic upkeep, like Redis's serverCron: expiry, table resizing, client timeouts, metrics. */
  private void cron() {
    updateClock();
    cronLoops++;
    // As Redis, no active expiry while clients are paused: the dataset must stay static.
    // A replica expires nothing itself: its primary's DELs do (Redis's rule).
    if (activeExpireEnabled && replicaLink == null && !(pauseEndMs > 0 && now < pauseEndMs)) {
      keyspace.activeExpireCycle(now, Math.max(1, config.hz), config.activeExpireEffort);
    }
    keyspace.cron();
    stats.sampleOps(now);
    clientsCron();
    primary.cron();
    publishReplicationState();
  }

  /** Cluster mode: tells the bus our replication offset (ranking, manual failover). */
  void publishReplicationState() {
    if (clusterReplication != null) {
      clusterReplication.publish();
    }
  }

  /**
   * Redis's fast expire cycle from beforeSleep: returns at once unless the last slow cycle ran out
   * of time, then expires for at most about 1 ms, no more often than every 2 ms.
   */
  public void activeExpireFast() {
    if (keyspace.fastCycleWanted()
        && activeExpireEnabled
        && replicaLink == null
        && !(pauseEndMs > 0 && now < pauseEndMs)) {
      keyspace.activeExpireCycleFast(System.currentTimeMillis(), config.activeExpireEffort);
    }
  }

  private void clientsCron() {
    int timeout = config.timeout;
    if (timeout <= 0) {
      return;
    }
    long limit = now - timeout * 1000L;
    for (Client c : clients.values().toArray(new Client[0])) {
      if (c.lastInteraction < limit
          && !c.isBlocked()
          && (replicaLink == null || !replicaLink.isPrimary(c))) {
        Log.verbose("Closing idle client");
        c.close();
      }
    }
  }

  public long cronLoops() {
    return cronLoops;
  }

  public long uptimeSeconds() {
    return (System.currentTimeMillis() - startTimeMs) / 1000;
  }
}
