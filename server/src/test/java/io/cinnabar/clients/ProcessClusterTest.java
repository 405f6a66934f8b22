package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.ServerProcesses;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPubSub;

/**
 * Six Cinnabar nodes, each its own process (as a user starts them), made a cluster by {@code
 * redis-cli --cluster create ... --cluster-replicas 0}: {@code --cluster check} finds all 16384
 * slots covered, and a message published on any node reaches a JedisCluster subscriber connected to
 * one of them over the cluster bus. Skipped without redis-cli.
 */
class ProcessClusterTest {
  static final int NODES = 6;

  @TempDir Path dir;
  private final ServerProcesses processes = new ServerProcesses();

  @AfterEach
  void stopNodes() throws InterruptedException {
    processes.stopAll();
  }

  /** Starts {@code cinnabar server} in a JVM of its own, sized for CI (C1 only, small heap). */
  private int startNode(int i) throws IOException {
    int port = TestServer.freePort();
    processes.startClusterNode(dir.resolve("n" + i), port, TestServer.freePort(), "128m");
    return port;
  }

  private String redisCli(String... args) throws IOException, InterruptedException {
    RedisCli.Run r = new RedisCli(dir).run(args);
    assertThat(r.exit()).as(r.out()).isZero();
    return r.out();
  }

  @Test
  void redisCliCreatesSixNodeClusterAndPubSubCrossesNodes() throws Exception {
    Assumptions.assumeTrue(RedisCli.available(), "redis-cli is not on PATH");
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ports.add(startNode(i));
    }
    List<String> create = new ArrayList<>(List.of("--cluster", "create"));
    for (int port : ports) {
      ClusterClientsTest.await("node " + port + " up", () -> ServerProcesses.pingable(port));
      create.add("127.0.0.1:" + port);
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    assertThat(redisCli(create.toArray(new String[0])))
        .contains("[OK] All 16384 slots covered.")
        .doesNotContain("[ERR]");
    for (int port : ports) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        ClusterClientsTest.await("node " + port + " ok", () -> ClusterClientsTest.clusterOk(c));
        assertThat(c.call("CLUSTER", "INFO")).contains("cluster_known_nodes:6", "cluster_size:6");
      }
    }
    assertThat(redisCli("--cluster", "check", "127.0.0.1:" + ports.get(3)))
        .contains("[OK] All nodes agree about slots configuration.")
        .contains("[OK] All 16384 slots covered.")
        .doesNotContain("[ERR]")
        .doesNotContain("[WARNING]");

    // Pub/sub: JedisCluster subscribes through one node; every node's PUBLISH reaches it.
    Set<HostAndPort> seeds = Set.of(new HostAndPort("127.0.0.1", ports.get(0)));
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String channel, int count) {
            subscribed.countDown();
          }

          @Override
          public void onMessage(String channel, String message) {
            got.add(channel + "=" + message);
          }
        };
    try (JedisCluster cluster =
        new JedisCluster(seeds, DefaultJedisClientConfig.builder().timeoutMillis(5000).build())) {
      Thread sub = new Thread(() -> cluster.subscribe(listener, "news"), "subscriber");
      sub.setDaemon(true);
      sub.start();
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
      Set<String> want = new HashSet<>();
      for (int port : ports) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          j.publish("news", "from-" + port);
        }
        want.add("news=from-" + port);
      }
      Set<String> seen = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (seen.size() < want.size() && System.nanoTime() < deadline) {
        String m = got.poll(100, TimeUnit.MILLISECONDS);
        if (m != null) {
          seen.add(m);
        }
      }
      assertThat(seen).isEqualTo(want);
      listener.unsubscribe();
      sub.join(5000);
    }
  }
}
