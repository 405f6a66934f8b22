package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.NodesConf;
import io.cinnabar.cluster.NodesConfFile;
import io.cinnabar.config.Config;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster bus of one node: the owner of its {@link NodeTable}, the listener on cluster-port,
 * the links to every known node and the 100 ms cluster cron, all on one dedicated event loop thread
 * so client commands never delay PING/PONG.
 *
 * <p>Single-writer rule: only the bus thread reads or changes the table. The keyspace thread (which
 * runs CLUSTER commands) submits work with {@link #call} and waits for it; the bus thread never
 * waits for the keyspace thread, so this cannot deadlock. The keyspace thread sees the cluster only
 * through the {@link ClusterTopology} published (a volatile write) after every change, and through
 * what {@link #call} returns. Every change also rewrites nodes.conf before the event ends.
 *
 * <p>The work is split: {@link BusLinks} (connections), {@link BusCron} (timers), {@link
 * Membership} (handshakes, removal, cluster state) and {@link BusProcessor} (messages).
 */
public final class ClusterBus implements AutoCloseable {
  static final int TYPES = 11;

  /** Messages sent and received by type, as cluster_stats_messages_*. */
  public static final class Stats {
    public final long[] sent = new long[TYPES];
    public final long[] received = new long[TYPES];
  }

  final NodeTable table;
  final Stats stats = new Stats();
  final Map<String, Long> blacklist = new HashMap<>();
  final BusLinks links = new BusLinks(this);
  final Membership membership = new Membership(this);
  final FailureDetector failures;
  final Failover failover = new Failover(this);
  final BusCron cron = new BusCron(this);
  private final NodesConfFile file;
  private final ConfigSaver saver;
  private final Consumer<ClusterTopology> publisher;

  /** The cluster-* options in force; replaced (never changed) on CONFIG SET, read on the bus. */
  volatile BusSettings settings;

  /** DEBUG DROP-CLUSTER-PACKET-FILTER: received messages of this type are ignored; -1 none. */
  private volatile int dropFilter = -1;

  private NioEventLoopGroup group;
  private EventLoop loop;
  private final List<Channel> listeners = new ArrayList<>();
  private ScheduledFuture<?> cronTask;
  private boolean saveNeeded;
  private boolean closed;

  private ClusterBus(
      BusSettings settings, NodeTable table, NodesConfFile file, Consumer<ClusterTopology> pub) {
    this.settings = settings;
    this.table = table;
    this.file = file;
    this.saver = new ConfigSaver(file);
    this.publisher = pub;
    this.failures = new FailureDetector(table, () -> this.settings.timeout(), this::broadcastFail);
  }

  /**
   * Locks and loads nodes.conf (cluster-config-file, relative to dir), creating it with a new
   * myself on first start, and publishes the first topology. The bus does not listen yet. Later
   * CONFIG SETs of cluster-* options reach the running bus (see {@link BusSettings}).
   */
  public static ClusterBus open(Config config, Consumer<ClusterTopology> publisher)
      throws IOException {
    NodesConfFile f = NodesConfFile.lock(config.resolvePath("cluster-config-file"));
    try {
      NodeTable t;
      try {
        t = f.load();
      } catch (NodesConf.FormatException e) {
        throw new IOException(e.getMessage(), e);
      }
      boolean fresh = t == null;
      if (fresh) {
        t = new NodeTable();
        ClusterNode me = new ClusterNode();
        me.id = randomId();
        me.shardId = me.id;
        me.flags = ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_PRIMARY;
        t.add(me);
        t.myself = me;
      } else {
        NodesConf.restart(t, System.currentTimeMillis());
      }
      ClusterBus bus = new ClusterBus(BusSettings.of(config), t, f, publisher);
      bus.membership.restarted = !fresh && t.size() > 1;
      bus.updateMyPorts();
      bus.save();
      bus.publish();
      config.onChange(bus::configChanged);
      return bus;
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /**
   * After a CONFIG SET (keyspace thread): the bus takes the new options before CONFIG SET answers,
   * so the next cron run, ping and CLUSTER INFO already use them.
   */
  private void configChanged(Config config) {
    BusSettings next = BusSettings.of(config);
    if (next.equals(settings)) {
      return;
    }
    call(
        () -> {
          BusSettings old = settings;
          settings = next;
          if (old.announcePort() != next.announcePort()
              || old.announceBusPort() != next.announceBusPort()
              || !old.announceIp().equals(next.announceIp())) {
            updateMyPorts();
            changed();
          }
          if (old.requireFullCoverage() != next.requireFullCoverage()) {
            publish();
          }
          return null;
        });
  }

  static String randomId() {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** The bus port: cluster-port, or the client port + 10000. */
  public int busPort() {
    return settings.busPort();
  }

  private void updateMyPorts() {
    ClusterNode me = table.myself;
    BusSettings s = settings;
    me.port = s.announcePort() > 0 ? s.announcePort() : s.clientPort();
    me.cport = s.announceBusPort() > 0 ? s.announceBusPort() : s.busPort();
    if (!s.announceIp().isEmpty()) {
      me.ip = s.announceIp();
    }
  }

  /** Binds the bus port on every host of {@code hosts} and starts the cron. */
  public void start(List<String> hosts) throws Exception {
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("cinnabar-bus", true));
    loop = group.next();
    links.loop = loop;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new BusLink(ClusterBus.this, true, null));
                  }
                });
    try {
      for (String h : hosts) {
        listeners.add(b.bind(h, busPort()).sync().channel());
      }
    } catch (Exception e) {
      close();
      throw e;
    }
    cronTask = loop.scheduleAtFixedRate(this::cron, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code work} on the bus thread and returns its result (the keyspace thread waits). */
  public <T> T call(Callable<T> work) {
    if (loop == null || loop.inEventLoop()) {
      try {
        T r = work.call();
        afterEvent(true);
        return r;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      return loop.submit(
              () -> {
                T r = work.call();
                afterEvent(true);
                return r;
              })
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code r} on the bus thread after {@code delayMs} (then saves and publishes). */
  ScheduledFuture<?> schedule(Runnable r, long delayMs) {
    if (loop == null) {
      return null;
    }
    return loop.schedule(
        () -> {
          if (!closed) {
            r.run();
            afterEvent();
          }
        },
        delayMs,
        TimeUnit.MILLISECONDS);
  }

  /** Installs the keyspace thread's side of role changes (failover, following a new primary). */
  public void setReplicationControl(ReplicationControl c) {
    failover.control = c;
  }

  /**
   * The keyspace thread publishes its replication offset (master_repl_offset as a primary, the
   * processed offset as a replica) and when it last heard from its primary (0: never): the bus
   * sends the offset in every header, ranks replicas by it and compares it in a manual failover.
   */
  public void replicationState(long offset, long primaryDataMs) {
    failover.replOffset = offset;
    failover.primaryDataMs = primaryDataMs;
    if (failover.offsetWatched) {
      execute(failover::checkManual);
    }
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]: null when accepted, else the error reply. Bus thread. */
  public String manualFailover(boolean force, boolean takeover) {
    return failover.manual(force, takeover);
  }

  /**
   * The last CLUSTER SETSLOT the keyspace thread answered from its own copy of the routing view
   * that the bus has applied to the table; stamped on every view published. Bus thread only.
   */
  long appliedSetSlot;

  /**
   * Applies a CLUSTER SETSLOT the keyspace thread has already answered (its view numbered {@code
   * seq}): {@code r} changes the table on the bus thread, which then saves nodes.conf and publishes
   * a view stamped {@code seq} that replaces the keyspace's own.
   */
  public void executeSetSlot(long seq, Runnable r) {
    pendingSetSlots.add(new PendingSetSlot(seq, r));
    execute(this::applyPendingSetSlots);
  }

  private record PendingSetSlot(long seq, Runnable work) {}

  private final java.util.Queue<PendingSetSlot> pendingSetSlots =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private boolean applyingSetSlots; // bus thread only

  /**
   * Applies the SETSLOTs the keyspace thread has answered, before the bus reads or sends anything
   * else (a received message, the cron, an outgoing PING or PONG). As in Redis, whose one thread
   * changes the table before it replies, no message that leaves this node after the reply claims a
   * slot it gave away, and none received after it is judged against the old owner.
   */
  void applyPendingSetSlots() {
    if (applyingSetSlots) {
      return; // a SETSLOT's own PONG broadcast; the rest follow in order when it returns
    }
    applyingSetSlots = true;
    try {
      PendingSetSlot p;
      while ((p = pendingSetSlots.poll()) != null) {
        p.work.run();
        appliedSetSlot = Math.max(appliedSetSlot, p.seq);
        changed();
      }
    } finally {
      applyingSetSlots = false;
    }
  }

  /** Runs {@code r} on the bus thread without waiting. */
  public void execute(Runnable r) {
    if (loop == null) {
      call(
          () -> {
            r.run();
            return null;
          });
    } else {
      loop.execute(
          () -> {
            r.run();
            afterEvent();
          });
    }
  }

  private volatile java.util.function.BiConsumer<byte[], byte[]> publishHandler = (c, m) -> {};

  /** Receives PUBLISH messages from other nodes (called on the bus thread). */
  public void onPublish(java.util.function.BiConsumer<byte[], byte[]> handler) {
    publishHandler = handler;
  }

  void delivered(MessageData.Publish p) {
    publishHandler.accept(p.channel(), p.message());
  }

  /**
   * Sends a PUBLISH to every node we have a link to (Redis's clusterPropagatePublish): their
   * subscribers receive it too. Called from the keyspace thread.
   */
  public void broadcastPublish(byte[] channel, byte[] message) {
    execute(
        () -> {
          for (ClusterNode n : table.nodes()) {
            if (n == table.myself || n.is(ClusterNode.FLAG_HANDSHAKE)) {
              continue;
            }
            BusLink l = links.outboundOf(n);
            if (l != null && l.connected()) {
              ClusterMessage m = BusProcessor.header(this, ClusterMessage.PUBLISH);
              m.data = new MessageData.Publish(channel, message);
              l.send(m);
            }
          }
        });
  }

  /** The table; only for code running on the bus thread (inside {@link #call}). */
  public NodeTable table() {
    return table;
  }

  public Stats stats() {
    return stats;
  }

  /** Marks the state changed: nodes.conf is saved and the topology published after this event. */
  public void changed() {
    saveNeeded = true;
  }

  /**
   * After a gossip or timer event: once the loop has run what is ready (as Redis's beforeSleep, so
   * the messages of one turn cost one save), nodes.conf is handed to the saver thread and the new
   * routing view published.
   */
  private void afterEvent() {
    if (!saveNeeded || flushQueued || closed) {
      return;
    }
    if (loop == null || !loop.inEventLoop()) {
      afterEvent(false);
      return;
    }
    flushQueued = true;
    loop.execute(
        () -> {
          flushQueued = false;
          afterEvent(false);
        });
  }

  private boolean flushQueued; // bus thread only

  /** The epochs of the last save (see {@link #epochs}); bus thread only. */
  private long savedEpochs;

  /**
   * Saves (if anything changed) and publishes the new routing view. {@code sync}: the event was a
   * CLUSTER command, which replies only once its change is written.
   */
  private void afterEvent(boolean sync) {
    if (closed) {
      return;
    }
    if (!saveNeeded) {
      return;
    }
    saveNeeded = false;
    try {
      long epochs = epochs();
      boolean fsync = epochs != savedEpochs;
      savedEpochs = epochs;
      String text = NodesConf.render(table);
      if (sync) {
        // Written before the command replies; an epoch change is fsynced by the saver thread,
        // so the bus never stops for the disk (a stalled bus then sends its overdue pings all at
        // once, the new epoch racing the rest of a redis-cli --cluster fix).
        saver.saveNow(text, false, false);
        if (fsync) {
          saver.saveLater(text, true);
        }
      } else {
        saver.saveLater(text, fsync);
      }
    } catch (IOException e) {
      io.cinnabar.server.Log.warning("Could not save the cluster config: " + e.getMessage());
    }
    publish();
  }

  /**
   * A digest of every epoch in the table. When it changes, the save is fsynced, as Redis's
   * CLUSTER_TODO_FSYNC_CONFIG after an epoch update; other changes (flags, addresses, slots of an
   * epoch already saved) are written without fsync.
   */
  private long epochs() {
    long h = table.currentEpoch * 0x9E3779B97F4A7C15L + table.lastVoteEpoch;
    for (ClusterNode n : table.nodes()) {
      h = h * 0x9E3779B97F4A7C15L + n.configEpoch;
    }
    return h;
  }

  /**
   * Redis's clusterSetMaster: myself becomes a replica of {@code primary} (CLUSTER REPLICATE). Open
   * slot migrations are closed; the new role travels in every header from now on. Bus thread only.
   */
  public void setMyPrimary(ClusterNode primary) {
    ClusterNode me = table.myself;
    me.flags =
        (me.flags & ~(ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_MIGRATE_TO))
            | ClusterNode.FLAG_REPLICA;
    failover.following = primary.ip + ":" + primary.port; // the caller has it follow
    me.primaryId = primary.id;
    me.shardId = primary.shardId;
    for (int s = table.nextOpenSlot(0); s >= 0; s = table.nextOpenSlot(s + 1)) {
      table.setMigratingTo(s, null);
      table.setImportingFrom(s, null);
    }
    changed();
  }

  /** The number of slots {@code n} serves; bus thread only. */
  public int slotCount(ClusterNode n) {
    return n.slotCount();
  }

  /** Saves nodes.conf now (the caller waits for the fsync). */
  public void save() throws IOException {
    saver.saveNow(NodesConf.render(table), true, true);
  }

  /** Recomputes the cluster state and publishes a new routing view. */
  public void publish() {
    membership.updateState(System.currentTimeMillis());
    publisher.accept(topology());
  }

  /** Valid failure reports about {@code n} (CLUSTER COUNT-FAILURE-REPORTS); bus thread only. */
  public int failureReports(ClusterNode n) {
    return failures.reports(n, System.currentTimeMillis());
  }

  /** clusterSendFail: tells every node we have a link to that {@code n} is FAIL. */
  private void broadcastFail(ClusterNode n) {
    ClusterMessage m = BusProcessor.header(this, ClusterMessage.FAIL);
    m.data = new MessageData.Fail(n.id);
    for (ClusterNode o : table.nodes()) {
      if (o.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
        continue;
      }
      BusLink l = links.outboundOf(o);
      if (l != null && l.connected()) {
        l.send(m);
      }
    }
  }

  ClusterTopology topology() {
    return membership.topology();
  }

  boolean stateOk() {
    return membership.stateOk();
  }

  private void cron() {
    if (closed || held) {
      return;
    }
    applyPendingSetSlots();
    long now = System.currentTimeMillis();
    cron.run(now);
    failover.cron(now);
    // Every run re-evaluates the cluster state (PFAIL set here, the rejoin delay running out);
    // other events do when they changed something (then afterEvent publishes).
    if (!saveNeeded && membership.updateState(now)) {
      publisher.accept(topology());
    }
    afterEvent();
  }

  void linkActive(BusLink l) {
    links.active(l);
    afterEvent();
  }

  void linkClosed(BusLink l) {
    links.closed(l);
  }

  /** The outbound link of a node, or null. */
  BusLink linkOf(ClusterNode n) {
    return links.outboundOf(n);
  }

  /** Frees a node's outbound link; the cron reconnects. */
  void freeLink(ClusterNode n) {
    links.free(n);
  }

  /** DEBUG DROP-CLUSTER-PACKET-FILTER: ignore received messages of {@code type} (-1: none). */
  public void dropPacketFilter(int type) {
    dropFilter = type;
  }

  /**
   * While a MULTI/EXEC with CLUSTER commands runs, messages and the cron wait (Redis runs a
   * transaction in one go, so no gossip falls between, say, the DELSLOTS and the ADDSLOTS that
   * redis-cli --cluster fix sends in one transaction). Bus thread only.
   */
  private boolean held;

  private final List<Runnable> heldEvents = new ArrayList<>();

  /** Keyspace thread, before an EXEC runs CLUSTER commands: see {@link #held}. */
  public void hold() {
    execute(() -> held = true);
  }

  /** Keyspace thread, after that EXEC: the messages that arrived meanwhile are processed. */
  public void release() {
    execute(
        () -> {
          held = false;
          List<Runnable> events = new ArrayList<>(heldEvents);
          heldEvents.clear();
          for (Runnable r : events) {
            r.run();
          }
        });
  }

  void process(BusLink link, ClusterMessage m) {
    applyPendingSetSlots();
    if (held) {
      heldEvents.add(() -> process(link, m));
      return;
    }
    stats.received[Math.min(m.type, TYPES - 1)]++;
    if (m.type == dropFilter) {
      return; // counted as received, then dropped, as Redis does
    }
    BusProcessor.process(this, link, m);
    failover.step(); // a FAIL, a vote or a new rank may let the election move on
    afterEvent();
  }

  /**
   * Redis's clusterBroadcastPong(CLUSTER_BROADCAST_ALL): every connected node hears myself's slots
   * and epoch now rather than at the next ping (after CLUSTER SETSLOT NODE closed an import).
   */
  public void broadcastPong() {
    for (ClusterNode n : table.nodes()) {
      if (n == table.myself || n.is(ClusterNode.FLAG_HANDSHAKE)) {
        continue;
      }
      BusLink l = links.outboundOf(n);
      if (l != null && l.connected()) {
        sendPing(l, ClusterMessage.PONG);
      }
    }
  }

  void sendPing(BusLink l, int type) {
    applyPendingSetSlots();
    BusProcessor.sendPing(this, l, type);
  }

  /** Removes a node and its links (clusterDelNode). */
  public void forget(ClusterNode n) {
    membership.forget(n);
  }

  /**
   * CLUSTER MEET: starts a handshake with ip:port@cport (clusterStartHandshake). False when the
   * address is invalid; true (and nothing done) when a handshake with it is already running.
   */
  public boolean meet(String ip, int port, int cport) {
    return membership.meet(ip, port, cport);
  }

  /** CLUSTER RESET: forgets every other node and the slots; hard also renews id and epochs. */
  public void reset(boolean hard) {
    membership.reset(hard);
  }

  /** CLUSTER FORGET keeps a forgotten node from being re-added by gossip for 60 seconds. */
  public void blacklistAdd(String id) {
    blacklist.put(id, System.currentTimeMillis() + 60_000);
  }

  /** CLUSTER LINKS: every outbound then inbound link with a known node, as Redis 7.0 lists them. */
  public void replyLinks(io.cinnabar.protocol.Reply r) {
    links.reply(r);
  }

  @Override
  public void close() {
    if (loop != null && !closed) {
      try {
        loop.submit(
                () -> {
                  closed = true;
                  if (cronTask != null) {
                    cronTask.cancel(false);
                  }
                  links.closeAll();
                  for (Channel c : listeners) {
                    c.close();
                  }
                })
            .await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closed = true;
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    saver.close();
    try {
      file.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
