package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.NodesConf;
import io.cinnabar.cluster.NodesConfFile;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.config.Config;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
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
 */
public final class ClusterBus implements AutoCloseable {
  static final int TYPES = 11;

  /** Messages sent and received by type, as cluster_stats_messages_*. */
  public static final class Stats {
    public final long[] sent = new long[TYPES];
    public final long[] received = new long[TYPES];
  }

  final Config config;
  final NodeTable table;
  final Stats stats = new Stats();
  final Map<String, Long> blacklist = new HashMap<>();
  private final NodesConfFile file;
  private final Consumer<ClusterTopology> publisher;
  private final Map<ClusterNode, BusLink> outbound = new HashMap<>();
  final List<BusLink> inbound = new ArrayList<>();
  private NioEventLoopGroup group;
  private EventLoop loop;
  private final List<Channel> listeners = new ArrayList<>();
  private ScheduledFuture<?> cronTask;
  private long cronLoops;
  private boolean saveNeeded;
  private boolean closed;

  private ClusterBus(
      Config config, NodeTable table, NodesConfFile file, Consumer<ClusterTopology> publisher) {
    this.config = config;
    this.table = table;
    this.file = file;
    this.publisher = publisher;
  }

  /**
   * Locks and loads nodes.conf (cluster-config-file, relative to dir), creating it with a new
   * myself on first start, and publishes the first topology. The bus does not listen yet.
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
      ClusterBus bus = new ClusterBus(config, t, f, publisher);
      bus.updateMyPorts();
      bus.save();
      bus.publish();
      return bus;
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  static String randomId() {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** The bus port: cluster-port, or the client port + 10000. */
  public int busPort() {
    long p = config.getLong("cluster-port");
    return p > 0 ? (int) p : config.port + 10000;
  }

  private void updateMyPorts() {
    ClusterNode me = table.myself;
    long announced = config.getLong("cluster-announce-port");
    long announcedBus = config.getLong("cluster-announce-bus-port");
    me.port = announced > 0 ? (int) announced : config.port;
    me.cport = announcedBus > 0 ? (int) announcedBus : busPort();
    String ip = config.get("cluster-announce-ip");
    if (ip != null && !ip.isEmpty()) {
      me.ip = ip;
    }
  }

  /** Binds the bus port on every host of {@code hosts} and starts the cron. */
  public void start(List<String> hosts) throws Exception {
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("cinnabar-bus", true));
    loop = group.next();
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
                    BusLink l = new BusLink(ClusterBus.this, true, null);
                    ch.pipeline().addLast(l);
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
        afterEvent();
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
                afterEvent();
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
            BusLink l = outbound.get(n);
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

  private void afterEvent() {
    if (saveNeeded && !closed) {
      saveNeeded = false;
      try {
        save();
      } catch (IOException e) {
        io.cinnabar.server.Log.warning("Could not save the cluster config: " + e.getMessage());
      }
      publish();
    }
  }

  /** Saves nodes.conf now. */
  public void save() throws IOException {
    file.save(table, true);
  }

  /** Recomputes the cluster state and publishes a new routing view. */
  public void publish() {
    publisher.accept(topology());
  }

  ClusterTopology topology() {
    String[] owners = new String[SlotHash.SLOTS];
    Map<String, String> endpoints = new HashMap<>();
    for (ClusterNode n : table.nodes()) {
      String ip = n.ip.isEmpty() && n == table.myself ? "127.0.0.1" : n.ip;
      endpoints.put(n.id, ip + ":" + n.port);
    }
    for (int s = 0; s < owners.length; s++) {
      ClusterNode o = table.owner(s);
      owners[s] = o == null ? null : o.id;
    }
    return ClusterTopology.of(
        table.myself.id, owners, endpoints, table.myself.primaryId, stateOk());
  }

  /**
   * Redis's clusterUpdateState without failure detection: with cluster-require-full-coverage every
   * slot must be served, and a majority of the primaries serving slots must be reachable (at least
   * one primary serves slots).
   */
  boolean stateOk() {
    boolean full = config.getBool("cluster-require-full-coverage");
    int size = 0;
    int reachable = 0;
    for (ClusterNode n : table.nodes()) {
      if (n.is(ClusterNode.FLAG_PRIMARY) && n.slotCount() > 0) {
        size++;
        if (!n.is(ClusterNode.FLAG_FAIL) && !n.is(ClusterNode.FLAG_PFAIL)) {
          reachable++;
        }
      }
    }
    if (full) {
      for (int s = 0; s < ClusterNode.SLOTS; s++) {
        ClusterNode o = table.owner(s);
        if (o == null || o.is(ClusterNode.FLAG_FAIL)) {
          return false;
        }
      }
    }
    return size > 0 && reachable >= size / 2 + 1;
  }

  /** The cron: connects links, pings, expires handshakes and the blacklist (clusterCron). */
  private void cron() {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    long timeout = Math.max(1, config.getLong("cluster-node-timeout"));
    long handshakeTimeout = Math.max(1000, timeout);
    blacklist.values().removeIf(expire -> expire < now);
    for (ClusterNode n : new ArrayList<>(table.nodes())) {
      if (n == table.myself || n.is(ClusterNode.FLAG_NOADDR)) {
        continue;
      }
      if (n.is(ClusterNode.FLAG_HANDSHAKE) && now - n.ctimeMs > handshakeTimeout) {
        forget(n);
        continue;
      }
      if (!outbound.containsKey(n)) {
        connect(n);
      }
    }
    if (cronLoops++ % 10 == 0) {
      ClusterNode oldest = null;
      List<ClusterNode> all = new ArrayList<>(table.nodes());
      for (int i = 0; i < 5 && !all.isEmpty(); i++) {
        ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
        BusLink l = outbound.get(n);
        if (l == null
            || !l.connected()
            || n.pingSentMs != 0
            || n.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
          continue;
        }
        if (oldest == null || n.pongReceivedMs < oldest.pongReceivedMs) {
          oldest = n;
        }
      }
      if (oldest != null) {
        sendPing(outbound.get(oldest), ClusterMessage.PING);
      }
    }
    for (Map.Entry<ClusterNode, BusLink> e : new ArrayList<>(outbound.entrySet())) {
      ClusterNode n = e.getKey();
      BusLink l = e.getValue();
      if (!l.connected()) {
        continue;
      }
      if (now - l.createdMs > timeout
          && n.pingSentMs != 0
          && now - n.pingSentMs > timeout / 2
          && now - n.pongReceivedMs > timeout / 2) {
        l.close(); // no answer: reconnect
        continue;
      }
      if (n.pingSentMs == 0 && now - n.pongReceivedMs > timeout / 2) {
        sendPing(l, ClusterMessage.PING);
      }
    }
    afterEvent();
  }

  private void connect(ClusterNode n) {
    BusLink l = new BusLink(this, false, n);
    outbound.put(n, l);
    ChannelFuture f =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
            .handler(l)
            .connect(new InetSocketAddress(n.ip.isEmpty() ? "127.0.0.1" : n.ip, n.cport));
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            // Retried by the next cron run, like Redis (which retries every 100 ms).
            loop.schedule(() -> dropLink(l), 0, TimeUnit.MILLISECONDS);
          }
        });
  }

  private void dropLink(BusLink l) {
    if (l.node != null && outbound.get(l.node) == l) {
      outbound.remove(l.node);
      l.node.linkConnected = false;
    }
  }

  void linkActive(BusLink l) {
    if (l.inbound) {
      inbound.add(l);
      return;
    }
    ClusterNode n = l.node;
    if (outbound.get(n) != l) {
      l.close();
      return;
    }
    n.linkConnected = true;
    long oldPing = n.pingSentMs;
    sendPing(l, n.is(ClusterNode.FLAG_MEET) ? ClusterMessage.MEET : ClusterMessage.PING);
    if (oldPing != 0) {
      n.pingSentMs = oldPing;
    }
    n.flags &= ~ClusterNode.FLAG_MEET;
    afterEvent();
  }

  void linkClosed(BusLink l) {
    if (l.inbound) {
      inbound.remove(l);
    } else {
      dropLink(l);
    }
  }

  /** The outbound link of a node, or null. */
  BusLink linkOf(ClusterNode n) {
    return outbound.get(n);
  }

  Map<ClusterNode, BusLink> outboundLinks() {
    return outbound;
  }

  /** Frees a node's outbound link; the cron reconnects. */
  void freeLink(ClusterNode n) {
    BusLink l = outbound.remove(n);
    if (l != null) {
      l.close();
    }
    n.linkConnected = false;
  }

  void process(BusLink link, ClusterMessage m) {
    stats.received[Math.min(m.type, TYPES - 1)]++;
    BusProcessor.process(this, link, m);
    afterEvent();
  }

  void sendPing(BusLink l, int type) {
    BusProcessor.sendPing(this, l, type);
  }

  /** Removes a node and its links (clusterDelNode). */
  public void forget(ClusterNode n) {
    freeLink(n);
    for (BusLink l : new ArrayList<>(inbound)) {
      if (l.peer == n) {
        l.close();
      }
    }
    table.remove(n);
    changed();
  }

  /**
   * CLUSTER MEET: starts a handshake with ip:port@cport (clusterStartHandshake). False when the
   * address is invalid; true (and nothing done) when a handshake with it is already running.
   */
  public boolean meet(String ip, int port, int cport) {
    String norm;
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(ip);
      if (!(ip.matches("[0-9.]+") || ip.contains(":"))) {
        return false;
      }
      norm = a.getHostAddress();
    } catch (IOException e) {
      return false;
    }
    if (port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
      return false;
    }
    for (ClusterNode n : table.nodes()) {
      if (n.is(ClusterNode.FLAG_HANDSHAKE)
          && n.ip.equals(norm)
          && n.port == port
          && n.cport == cport) {
        return true;
      }
    }
    ClusterNode n = new ClusterNode();
    n.id = randomId();
    n.shardId = randomId();
    n.ip = norm;
    n.port = port;
    n.cport = cport;
    n.flags = ClusterNode.FLAG_HANDSHAKE | ClusterNode.FLAG_MEET;
    table.add(n);
    changed();
    return true;
  }

  /** CLUSTER RESET: forgets every other node and the slots; hard also renews id and epochs. */
  public void reset(boolean hard) {
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      table.unassignSlot(s);
      table.setMigratingTo(s, null);
      table.setImportingFrom(s, null);
    }
    for (ClusterNode n : new ArrayList<>(table.nodes())) {
      if (n != table.myself) {
        forget(n);
      }
    }
    ClusterNode me = table.myself;
    me.primaryId = null;
    me.flags = (me.flags & ~ClusterNode.FLAG_REPLICA) | ClusterNode.FLAG_PRIMARY;
    if (hard) {
      table.currentEpoch = 0;
      table.lastVoteEpoch = 0;
      me.configEpoch = 0;
      table.remove(me);
      me.id = randomId();
      me.shardId = me.id;
      table.add(me);
    }
    changed();
  }

  /** CLUSTER FORGET keeps a forgotten node from being re-added by gossip for 60 seconds. */
  public void blacklistAdd(String id) {
    blacklist.put(id, System.currentTimeMillis() + 60_000);
  }

  /** CLUSTER LINKS: every outbound then inbound link with a known node, as Redis 7.0 lists them. */
  public void replyLinks(io.cinnabar.protocol.Reply r) {
    List<BusLink> all = new ArrayList<>();
    for (ClusterNode n : table.nodes()) {
      BusLink out = outbound.get(n);
      if (out != null && out.connected()) {
        all.add(out);
      }
      for (BusLink in : inbound) {
        if (in.peer == n) {
          all.add(in);
        }
      }
    }
    r.array(all.size());
    for (BusLink l : all) {
      r.map(6);
      r.bulk("direction");
      r.bulk(l.inbound ? "from" : "to");
      r.bulk("node");
      r.bulk(l.inbound ? l.peer.id : l.node.id);
      r.bulk("create-time");
      r.integer(l.createdMs);
      r.bulk("events");
      r.bulk(l.channel.isWritable() ? "r" : "rw");
      r.bulk("send-buffer-allocated");
      r.integer(0);
      r.bulk("send-buffer-used");
      r.integer(0);
    }
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
                  for (BusLink l : new ArrayList<>(outbound.values())) {
                    l.close();
                  }
                  for (BusLink l : new ArrayList<>(inbound)) {
                    l.close();
                  }
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
    try {
      file.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
