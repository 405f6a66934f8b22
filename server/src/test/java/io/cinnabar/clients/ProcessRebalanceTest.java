package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.launcher.Main;
import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.ServerProcesses;
import io.cinnabar.testkit.TestServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Atomic slot migration with every node its own process: {@code cinnabar cluster rebalance
 * --use-empty-masters} moves a quarter of the slots onto a fourth primary while JedisCluster and
 * Lettuce clients read and write (bounded load): no client error (redirects stay transparent), no
 * key lost, every value intact, and every node ends with the same slot owners. Then a migration
 * cancelled halfway and one whose target is killed (SIGKILL) halfway: the source keeps every slot
 * and key, and all surviving nodes agree.
 */
class ProcessRebalanceTest {
  @TempDir Path dir;
  private final ServerProcesses processes = new ServerProcesses();
  private final List<Integer> ports = new ArrayList<>();
  private final List<Integer> busPorts = new ArrayList<>();

  @AfterEach
  void stopNodes() throws InterruptedException {
    processes.stopAll();
  }

  private Process startNode(int i) throws IOException {
    int port = TestServer.freePort();
    int busPort = TestServer.freePort();
    Process p =
        processes.startClusterNode(
            dir.resolve("n" + i), port, busPort, "256m", "--cluster-node-timeout", "3000");
    ports.add(port);
    busPorts.add(busPort);
    return p;
  }

  private static String call(int port, String... args) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      return c.call(args);
    }
  }

  private static String bulk(String reply) {
    return reply.substring(reply.indexOf('\n') + 1, reply.length() - 2);
  }

  /** Starts {@code n} nodes; the first {@code owners} split the slots; all meet. */
  private void cluster(int n, int owners) throws Exception {
    for (int i = 0; i < n; i++) {
      startNode(i);
    }
    for (int port : ports) {
      Await.until("node " + port + " up", 30_000, () -> ServerProcesses.pingable(port));
    }
    int per = 16384 / owners;
    for (int i = 0; i < owners; i++) {
      int hi = i == owners - 1 ? 16383 : (i + 1) * per - 1;
      assertThat(
              call(
                  ports.get(i),
                  "CLUSTER",
                  "ADDSLOTSRANGE",
                  Integer.toString(i * per),
                  Integer.toString(hi)))
          .isEqualTo("+OK\r\n");
    }
    String cport = Integer.toString(busPorts.get(0));
    for (int i = 1; i < n; i++) {
      call(ports.get(i), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports.get(0)), cport);
    }
    awaitAgreement(ports);
  }

  /** Every node's view: owner id and slots per primary, sorted. */
  private static String view(int port) {
    String nodes = call(port, "CLUSTER", "NODES");
    TreeSet<String> v = new TreeSet<>();
    for (String line : nodes.substring(nodes.indexOf('\n') + 1).split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8) {
        continue;
      }
      StringBuilder b = new StringBuilder(f[0]).append(f[2].contains("fail") ? " FAIL" : "");
      for (int i = 8; i < f.length; i++) {
        b.append(' ').append(f[i]);
      }
      v.add(b.toString());
    }
    return v.toString();
  }

  private static void awaitAgreement(List<Integer> ports) throws InterruptedException {
    Await.until(
        "every node agrees on the slot owners and the cluster is ok",
        30_000,
        () -> {
          Set<String> views = new HashSet<>();
          for (int p : ports) {
            if (!call(p, "CLUSTER", "INFO").contains("cluster_state:ok")) {
              return false;
            }
            views.add(view(p));
          }
          return views.size() == 1 && !views.iterator().next().contains("handshake");
        });
  }

  private JedisCluster jedis() {
    return new JedisCluster(
        Set.of(new HostAndPort("127.0.0.1", ports.get(0))),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).build(),
        10);
  }

  private static long dbsizeSum(List<Integer> ports) {
    long n = 0;
    for (int p : ports) {
      String r = call(p, "DBSIZE");
      n += Long.parseLong(r.substring(1, r.length() - 2));
    }
    return n;
  }

  @Test
  void rebalanceUnderClientLoadLosesNothing() throws Exception {
    cluster(4, 3);
    int keys = 20_000;
    try (JedisCluster jc = jedis()) {
      for (int i = 0; i < keys; i++) {
        jc.set("k:" + i, "v" + i);
      }
      for (int i = 0; i < 200; i++) {
        jc.hset("h:" + i, Map.of("a", "1", "b", Integer.toString(i)));
        jc.rpush("l:" + i, "x", "y", Integer.toString(i));
      }
    }
    long before = dbsizeSum(ports);
    assertThat(before).isEqualTo(keys + 400);

    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Map<String, String> written = new ConcurrentHashMap<>();
    AtomicLong ops = new AtomicLong();
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int id = t;
      load.add(
          new Thread(
              () -> {
                try (JedisCluster jc = jedis()) {
                  for (int n = 0; !stop.get(); n++) {
                    String k = "j" + id + ":" + (n % 3000);
                    String v = Integer.toString(n);
                    jc.set(k, v);
                    written.put(k, v);
                    String read = jc.get("k:" + (n * 7 % keys));
                    if (!read.equals("v" + (n * 7 % keys))) {
                      throw new AssertionError("k:" + (n * 7 % keys) + " read " + read);
                    }
                    ops.incrementAndGet();
                    Thread.sleep(1); // bounded load
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              }));
    }
    RedisClusterClient lettuce =
        RedisClusterClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(ports.get(0))
                .withTimeout(Duration.ofSeconds(10))
                .build());
    lettuce.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
            .build());
    StatefulRedisClusterConnection<String, String> lc = lettuce.connect();
    load.add(
        new Thread(
            () -> {
              try {
                RedisAdvancedClusterCommands<String, String> sync = lc.sync();
                for (int n = 0; !stop.get(); n++) {
                  String k = "lt:" + (n % 3000);
                  sync.set(k, Integer.toString(n));
                  written.put(k, Integer.toString(n));
                  String h = sync.hget("h:" + (n % 200), "b");
                  if (!h.equals(Integer.toString(n % 200))) {
                    throw new AssertionError("h:" + (n % 200) + " read " + h);
                  }
                  ops.incrementAndGet();
                  Thread.sleep(1);
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            }));
    load.forEach(Thread::start);
    try {
      Await.until("load running", 20_000, () -> ops.get() > 300);
      int rc =
          new CommandLine(new Main())
              .execute("cluster", "rebalance", "--use-empty-masters", "127.0.0.1:" + ports.get(0));
      assertThat(rc).isZero();
      long at = ops.get();
      Await.until("load goes on after the moves", 20_000, () -> ops.get() > at + 300);
    } finally {
      stop.set(true);
      for (Thread t : load) {
        t.join(20_000);
      }
      lc.close();
      lettuce.shutdown();
    }
    assertThat(errors).isEmpty();
    awaitAgreement(ports);
    String fourth = bulk(call(ports.get(3), "CLUSTER", "MYID"));
    assertThat(view(ports.get(0))).contains(fourth + " ");
    // Nothing lost, nothing left behind on the sources once they have deleted what moved.
    Await.until(
        "sources deleted the moved keys",
        20_000,
        () -> dbsizeSum(ports) == keys + 400 + written.size());
    assertThat(Long.parseLong(call(ports.get(3), "DBSIZE").substring(1).trim()))
        .isGreaterThan(keys / 8);
    try (JedisCluster jc = jedis()) {
      for (int i = 0; i < keys; i++) {
        assertThat(jc.get("k:" + i)).isEqualTo("v" + i);
      }
      for (int i = 0; i < 200; i++) {
        assertThat(jc.hgetAll("h:" + i)).isEqualTo(Map.of("a", "1", "b", Integer.toString(i)));
        assertThat(jc.lrange("l:" + i, 0, -1)).containsExactly("x", "y", Integer.toString(i));
      }
      for (Map.Entry<String, String> e : written.entrySet()) {
        assertThat(jc.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  /** Node 0 owns every slot with data in slots 0-4095; node 1 is the target. */
  private Map<String, String> twoNodesWithData() throws Exception {
    cluster(3, 1);
    Map<String, String> data = new HashMap<>();
    try (JedisCluster jc = jedis()) {
      for (int i = 0; i < 30_000; i++) {
        String k = "k:" + i;
        jc.set(k, "v" + i);
        data.put(k, "v" + i);
      }
    }
    return data;
  }

  private static String jobs(int port) {
    return call(port, "CLUSTER", "GETSLOTMIGRATIONS");
  }

  private void assertSourceKeepsAll(Map<String, String> data, List<Integer> alive)
      throws Exception {
    awaitAgreement(alive);
    String me = bulk(call(ports.get(0), "CLUSTER", "MYID"));
    for (int p : alive) {
      assertThat(view(p)).contains(me + " 0-16383");
    }
    assertThat(call(ports.get(0), "DBSIZE")).isEqualTo(":" + data.size() + "\r\n");
    try (JedisCluster jc = jedis()) {
      for (Map.Entry<String, String> e : data.entrySet()) {
        assertThat(jc.get(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void cancelledAndKilledMigrationsLeaveTheSourceOwningEverything() throws Exception {
    Map<String, String> data = twoNodesWithData();
    int source = ports.get(0);
    String target = bulk(call(ports.get(1), "CLUSTER", "MYID"));

    // Cancelled halfway: the target stalls (DEBUG SLEEP) so the stream backs up mid-snapshot.
    try (RespClient sleeper = new RespClient("127.0.0.1", ports.get(1))) {
      sleeper.send("DEBUG", "SLEEP", "2");
      Thread.sleep(100);
      assertThat(call(source, "CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", "0", "8191", "NODE", target))
          .isEqualTo("+OK\r\n");
      Await.until("syncing", 10_000, () -> jobs(source).contains("syncing"));
      assertThat(call(source, "CLUSTER", "CANCELSLOTMIGRATIONS")).isEqualTo("+OK\r\n");
      assertThat(jobs(source)).contains("cancelled");
      sleeper.readReply();
    }
    Await.until(
        "the target rolled back",
        20_000,
        () ->
            jobs(ports.get(1)).contains("failed") && call(ports.get(1), "DBSIZE").equals(":0\r\n"));
    assertSourceKeepsAll(data, ports);

    // Target killed halfway (SIGKILL while it stalls with part of the stream applied).
    try (RespClient sleeper = new RespClient("127.0.0.1", ports.get(1))) {
      sleeper.send("DEBUG", "SLEEP", "1");
      Thread.sleep(100);
      assertThat(call(source, "CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", "0", "8191", "NODE", target))
          .isEqualTo("+OK\r\n");
      Await.until("syncing again", 10_000, () -> jobs(source).contains("syncing"));
      processes.get(1).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Await.until(
        "the source's job failed",
        20_000,
        () -> jobs(source).contains("connection with the target lost"));
    List<Integer> alive = List.of(ports.get(0), ports.get(2));
    assertSourceKeepsAll(data, alive);
  }
}
