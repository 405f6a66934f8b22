package io.cinnabar.clients;

import static io.cinnabar.clients.RedisCli.addr;
import static io.cinnabar.clients.RedisCli.awaitOk;
import static io.cinnabar.clients.RedisCli.myId;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Redis's own cluster tooling against Cinnabar: {@code redis-cli --cluster create} builds a cluster
 * out of bare nodes (ADDSLOTS, SET-CONFIG-EPOCH, MEET, then it polls CLUSTER NODES until every node
 * agrees), {@code --cluster check} finds it consistent and {@code redis-cli -c} follows MOVED. Also
 * a mixed cluster of two Cinnabar nodes and one real redis-server. Skipped without redis-cli.
 */
class RedisCliClusterTest {
  @TempDir Path dir;

  private RedisCli cli;

  @BeforeEach
  void needRedisCli() {
    Assumptions.assumeTrue(RedisCli.available(), "redis-cli is not on PATH");
    cli = new RedisCli(dir);
  }

  @Test
  void createCheckAndRedirect() throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    try {
      RedisCli.Run create = cli.create(nodes, "n");
      int p0 = nodes.get(0).port();
      assertThat(create.out()).contains("[OK] All 16384 slots covered.").doesNotContain("[ERR]");

      RedisCli.Run check = cli.run("--cluster", "check", addr(p0));
      assertThat(check.exit()).as(check.out()).isZero();
      assertThat(check.out())
          .contains("[OK] All nodes agree about slots configuration.")
          .contains("[OK] All 16384 slots covered.")
          .doesNotContain("[ERR]")
          .doesNotContain("[WARNING]");

      // "foo" is slot 12182, on the third node: -c follows the MOVED from the first.
      RedisCli.Run set = cli.run("-c", "-p", Integer.toString(p0), "set", "foo", "bar");
      assertThat(set.out()).isEqualTo("OK\n");
      RedisCli.Run get = cli.run("-c", "-p", Integer.toString(p0), "get", "foo");
      assertThat(get.out()).isEqualTo("bar\n");
      RedisCli.Run resp3 = cli.run("-3", "-c", "-p", Integer.toString(p0), "get", "foo");
      assertThat(resp3.out()).isEqualTo("bar\n");
      RedisCli.Run plain = cli.run("-p", Integer.toString(p0), "get", "foo");
      assertThat(plain.out()).startsWith("MOVED 12182 127.0.0.1:" + nodes.get(2).port());
      try (RespClient c = nodes.get(2).client()) {
        assertThat(c.call("GET", "foo")).isEqualTo("$3\r\nbar\r\n");
      }

      RedisCli.Run info = cli.run("--cluster", "info", addr(p0));
      assertThat(info.out()).contains("1 keys in 3 masters.");

      // Grow and shrink: add an empty primary, move 100 (keyless) slots to it, then back, remove
      // it.
      nodes.add(cli.node("n3"));
      TestServer extra = nodes.get(3);
      RedisCli.Run add = cli.run("--cluster", "add-node", addr(extra.port()), addr(p0));
      assertThat(add.out()).as(add.out()).contains("[OK] New node added correctly.");
      awaitOk("added node", extra::client);
      String id0 = myId(nodes.get(0).port());
      String id3 = myId(extra.port());
      // redis-cli sends SETSLOT NODE <id3> to every primary: each must know the new node by its
      // real ID (a node still in handshake with it counts in known_nodes under a random ID).
      for (TestServer n : nodes) {
        try (RespClient c = n.client()) {
          ClusterClientsTest.await(
              "the new node known by its ID",
              () -> {
                String all = c.call("CLUSTER", "NODES");
                return all.contains(id3) && !all.contains("handshake");
              });
        }
      }
      RedisCli.Run to = reshard(p0, id0, id3, 100);
      assertThat(to.exit()).as(to.out()).isZero();
      try (RespClient c = extra.client()) {
        ClusterClientsTest.await("moved slots", () -> c.call("CLUSTER", "NODES").contains(" 0-99"));
        assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "0")).isEqualTo(":0\r\n");
      }
      cli.awaitChecked(p0);
      RedisCli.Run back = reshard(p0, id3, id0, 100);
      assertThat(back.exit()).as(back.out()).isZero();
      cli.awaitChecked(p0);
      RedisCli.Run del = cli.run("--cluster", "del-node", addr(p0), id3);
      assertThat(del.exit()).as(del.out()).isZero();
      try (RespClient c = nodes.get(1).client()) {
        ClusterClientsTest.await(
            "node forgotten", () -> c.call("CLUSTER", "INFO").contains("cluster_known_nodes:3"));
      }
      cli.awaitChecked(p0);
    } finally {
      for (TestServer n : nodes) {
        n.close();
      }
    }
  }

  private RedisCli.Run reshard(int port, String from, String to, int slots) throws Exception {
    return cli.run(
        "--cluster",
        "reshard",
        addr(port),
        "--cluster-from",
        from,
        "--cluster-to",
        to,
        "--cluster-slots",
        Integer.toString(slots),
        "--cluster-yes");
  }

  @Test
  void standaloneServerIsRefused() throws Exception {
    try (TestServer s = TestServer.start()) {
      RedisCli.Run check = cli.run("--cluster", "check", addr(s.port()));
      assertThat(check.exit()).isNotZero();
      assertThat(check.out())
          .contains("[ERR] Node 127.0.0.1:" + s.port() + " is not configured as a cluster node.");
    }
  }

  @Test
  void mixedClusterWithRealRedis() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server is not on PATH");
    List<TestServer> nodes = new ArrayList<>();
    RealRedis redis = null;
    try {
      RedisCli.Mixed mixed = cli.createMixed(nodes);
      redis = mixed.redis();
      RealRedis r = redis;
      RedisCli.Run create = mixed.create();
      assertThat(create.out()).contains("[OK] All 16384 slots covered.").doesNotContain("[ERR]");

      for (int port : List.of(nodes.get(0).port(), nodes.get(1).port(), redis.port())) {
        RedisCli.Run check = cli.run("--cluster", "check", addr(port));
        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out())
            .contains("[OK] All nodes agree about slots configuration.")
            .contains("[OK] All 16384 slots covered.")
            .doesNotContain("[ERR]");
      }

      try (JedisCluster jc =
          new JedisCluster(
              Set.of(new HostAndPort("127.0.0.1", nodes.get(0).port())),
              DefaultJedisClientConfig.builder()
                  .socketTimeoutMillis((int) Duration.ofSeconds(10).toMillis())
                  .build())) {
        assertThat(jc.getClusterNodes()).hasSize(3);
        for (int i = 0; i < 600; i++) {
          assertThat(jc.set("mixed:" + i, "v" + i)).isEqualTo("OK");
        }
        for (int i = 0; i < 600; i++) {
          assertThat(jc.get("mixed:" + i)).isEqualTo("v" + i);
        }
      }
      for (Supplier<RespClient> s :
          List.<Supplier<RespClient>>of(nodes.get(0)::client, nodes.get(1)::client, r::client)) {
        try (RespClient c = s.get()) {
          assertThat(c.call("DBSIZE")).isNotEqualTo(":0\r\n");
        }
      }
    } finally {
      for (TestServer n : nodes) {
        n.close();
      }
      if (redis != null) {
        redis.close();
      }
    }
  }
}
