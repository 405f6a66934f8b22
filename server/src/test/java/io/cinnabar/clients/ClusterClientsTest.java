package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Real cluster clients (JedisCluster, Lettuce RedisClusterClient) against a 3-primary Cinnabar
 * cluster built over the bus with MEET and ADDSLOTSRANGE, slots split as redis-cli splits them:
 * topology discovery from one seed, keys spread over all primaries, MOVED, hash tags, CROSSSLOT and
 * pipelines, in RESP2 and RESP3.
 */
class ClusterClientsTest {
  static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

  private static final List<TestServer> nodes = new ArrayList<>();
  private static ClientResources resources;

  @BeforeAll
  static void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.add(TestServer.start("cluster-enabled", "yes", "cluster-node-timeout", "2000"));
    }
    try (RespClient c0 = nodes.get(0).client()) {
      for (int i = 1; i < 3; i++) {
        io.cinnabar.testkit.ClusterPair.meet(nodes.get(i), c0);
      }
    }
    for (int i = 0; i < 3; i++) {
      try (RespClient c = nodes.get(i).client()) {
        await("3 known nodes", () -> c.call("CLUSTER", "INFO").contains("cluster_known_nodes:3"));
        assertThat(
                c.call(
                    "CLUSTER",
                    "ADDSLOTSRANGE",
                    Integer.toString(RANGES[i][0]),
                    Integer.toString(RANGES[i][1])))
            .isEqualTo("+OK\r\n");
      }
    }
    for (TestServer n : nodes) {
      try (RespClient c = n.client()) {
        await("cluster_state:ok", () -> clusterOk(c));
      }
    }
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
  }

  @AfterAll
  static void stop() {
    try {
      if (resources != null) {
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
      }
    } finally {
      for (TestServer n : nodes) {
        n.close();
      }
    }
  }

  /** True when every node agrees the cluster is up and sees all 3 nodes connected. */
  static boolean clusterOk(RespClient c) {
    String info = c.call("CLUSTER", "INFO");
    return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
  }

  static void await(String what, BooleanSupplier cond) throws InterruptedException {
    io.cinnabar.testkit.Await.until(what, 20_000, cond);
  }

  static int owner(int slot) {
    for (int i = 0; i < RANGES.length; i++) {
      if (slot >= RANGES[i][0] && slot <= RANGES[i][1]) {
        return i;
      }
    }
    throw new IllegalArgumentException("slot " + slot);
  }

  /** Two keys (from a prefix) whose slots belong to different primaries. */
  static String[] keysOnDifferentNodes(String prefix) {
    String a = prefix + "a";
    for (int i = 0; ; i++) {
      String b = prefix + "b" + i;
      if (owner(JedisClusterCRC16.getSlot(b)) != owner(JedisClusterCRC16.getSlot(a))) {
        return new String[] {a, b};
      }
    }
  }

  /** Asserts each primary holds some of the keys: by DBSIZE and by COUNTKEYSINSLOT. */
  static void assertSpread(List<String> keys) {
    for (int i = 0; i < 3; i++) {
      int node = i;
      String key =
          keys.stream()
              .filter(k -> owner(JedisClusterCRC16.getSlot(k)) == node)
              .findFirst()
              .orElseThrow();
      try (RespClient c = nodes.get(i).client()) {
        assertThat(c.call("DBSIZE")).isNotEqualTo(":0\r\n");
        String slot = Integer.toString(JedisClusterCRC16.getSlot(key));
        assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", slot)).isNotEqualTo(":0\r\n");
        assertThat(c.call("EXISTS", key)).isEqualTo(":1\r\n");
      }
    }
  }

  // ---- Jedis ----

  private static JedisCluster jedisCluster(RedisProtocol p) {
    // One seed: the client discovers the other two primaries from CLUSTER SLOTS.
    return new JedisCluster(
        Set.of(new HostAndPort("127.0.0.1", nodes.get(0).port())),
        DefaultJedisClientConfig.builder().protocol(p).socketTimeoutMillis(10_000).build());
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void jedisClusterWorks(RedisProtocol p) {
    String pre = "jc:" + p + ":";
    try (JedisCluster jc = jedisCluster(p)) {
      Map<String, ?> discovered = jc.getClusterNodes();
      assertThat(discovered).hasSize(3);
      for (TestServer n : nodes) {
        assertThat(discovered).containsKey("127.0.0.1:" + n.port());
      }

      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        keys.add(pre + i);
      }
      for (String k : keys) {
        assertThat(jc.set(k, "v:" + k)).isEqualTo("OK");
      }
      for (String k : keys) {
        assertThat(jc.get(k)).isEqualTo("v:" + k);
      }
      assertSpread(keys);

      // A plain connection to a node that does not own the slot sees -MOVED.
      String k = keys.get(0);
      int slot = JedisClusterCRC16.getSlot(k);
      TestServer right = nodes.get(owner(slot));
      TestServer wrong = nodes.get((owner(slot) + 1) % 3);
      try (Jedis j = new Jedis("127.0.0.1", wrong.port())) {
        assertThatThrownBy(() -> j.get(k))
            .isInstanceOf(JedisDataException.class)
            .hasMessage("MOVED " + slot + " 127.0.0.1:" + right.port());
      }

      // Hash tags keep related keys in one slot, so multi-key commands work.
      String a = "{" + pre + "user1}:a";
      String b = "{" + pre + "user1}:b";
      assertThat(JedisClusterCRC16.getSlot(a)).isEqualTo(JedisClusterCRC16.getSlot(b));
      assertThat(jc.mset(a, "1", b, "2")).isEqualTo("OK");
      assertThat(jc.mget(a, b)).containsExactly("1", "2");
      assertThat(jc.del(a, b)).isEqualTo(2);

      // Unrelated keys: the server's CROSSSLOT reaches the caller.
      String[] cross = keysOnDifferentNodes(pre + "x");
      assertThatThrownBy(
              () -> jc.sendCommand(cross[0], Protocol.Command.MSET, cross[0], "1", cross[1], "2"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("CROSSSLOT Keys in request don't hash to the same slot");
      try (Jedis j = new Jedis("127.0.0.1", right.port())) {
        assertThatThrownBy(() -> j.mset(cross[0], "1", cross[1], "2"))
            .hasMessage("CROSSSLOT Keys in request don't hash to the same slot");
      }

      // ClusterPipeline groups commands per node.
      try (ClusterPipeline pipe = jc.pipelined()) {
        List<Response<String>> sets = new ArrayList<>();
        List<Response<Long>> incrs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          sets.add(pipe.set(pre + "p" + i, Integer.toString(i)));
          incrs.add(pipe.incr(pre + "p" + i));
        }
        pipe.sync();
        for (int i = 0; i < 300; i++) {
          assertThat(sets.get(i).get()).isEqualTo("OK");
          assertThat(incrs.get(i).get()).isEqualTo(i + 1L);
        }
      }
      assertThat(jc.get(pre + "p299")).isEqualTo("300");
    }
  }

  // ---- Lettuce ----

  private static RedisClusterClient lettuce(ProtocolVersion v) {
    RedisClusterClient client =
        RedisClusterClient.create(
            resources,
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(nodes.get(0).port())
                .withTimeout(Duration.ofSeconds(10))
                .build());
    client.setOptions(
        ClusterClientOptions.builder()
            .protocolVersion(v)
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(Duration.ofSeconds(1))
                    .enableAllAdaptiveRefreshTriggers()
                    .build())
            .build());
    return client;
  }

  @ParameterizedTest
  @EnumSource(
      value = ProtocolVersion.class,
      names = {"RESP2", "RESP3"})
  void lettuceClusterWorks(ProtocolVersion v) throws Exception {
    String pre = "lc:" + v + ":";
    RedisClusterClient client = lettuce(v);
    try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
      RedisAdvancedClusterCommands<String, String> sync = conn.sync();
      RedisAdvancedClusterAsyncCommands<String, String> async = conn.async();

      assertThat(client.getPartitions()).hasSize(3);
      for (RedisClusterNode n : client.getPartitions()) {
        assertThat(n.is(RedisClusterNode.NodeFlag.UPSTREAM)).isTrue();
        int i = nodes.stream().map(TestServer::port).toList().indexOf(n.getUri().getPort());
        assertThat(i).isNotNegative();
        assertThat(n.getSlots()).hasSize(RANGES[i][1] - RANGES[i][0] + 1);
      }

      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        keys.add(pre + i);
      }
      for (int i = 0; i < 500; i++) {
        assertThat(sync.set(keys.get(i), "v" + i)).isEqualTo("OK");
      }
      // The async half, pipelined: queue everything, then flush once.
      conn.setAutoFlushCommands(false);
      List<RedisFuture<String>> futures = new ArrayList<>();
      for (int i = 500; i < 1000; i++) {
        futures.add(async.set(keys.get(i), "v" + i));
      }
      conn.flushCommands();
      for (RedisFuture<String> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
      }
      conn.setAutoFlushCommands(true);
      for (int i = 0; i < 1000; i++) {
        String want = "v" + i;
        if (i % 2 == 0) {
          assertThat(sync.get(keys.get(i))).isEqualTo(want);
        } else {
          assertThat(async.get(keys.get(i)).get(10, TimeUnit.SECONDS)).isEqualTo(want);
        }
      }
      assertSpread(keys);

      // Lettuce splits a cross-node MSET/MGET per slot itself.
      String[] cross = keysOnDifferentNodes(pre + "x");
      assertThat(sync.mset(Map.of(cross[0], "1", cross[1], "2"))).isEqualTo("OK");
      assertThat(sync.mget(cross[0], cross[1]))
          .extracting(kv -> kv.getValue())
          .containsExactly("1", "2");
      // Sent as one command, the server's CROSSSLOT reaches the caller.
      assertThatThrownBy(
              () ->
                  sync.dispatch(
                      CommandType.MSET,
                      new StatusOutput<>(StringCodec.UTF8),
                      new CommandArgs<>(StringCodec.UTF8)
                          .addKey(cross[0])
                          .addValue("1")
                          .addKey(cross[1])
                          .addValue("2")))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessage("CROSSSLOT Keys in request don't hash to the same slot");

      String a = "{" + pre + "user1}:a";
      String b = "{" + pre + "user1}:b";
      assertThat(SlotHash.getSlot(a)).isEqualTo(SlotHash.getSlot(b));
      assertThat(async.mset(Map.of(a, "1", b, "2")).get(10, TimeUnit.SECONDS)).isEqualTo("OK");
      assertThat(sync.mget(a, b)).extracting(kv -> kv.getValue()).containsExactly("1", "2");

      // A node-level connection to a node that does not own the slot sees -MOVED.
      String k = keys.get(0);
      int slot = SlotHash.getSlot(k);
      TestServer wrong = nodes.get((owner(slot) + 1) % 3);
      var direct = conn.getConnection("127.0.0.1", wrong.port()).sync();
      assertThatThrownBy(() -> direct.get(k))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessage("MOVED " + slot + " 127.0.0.1:" + nodes.get(owner(slot)).port());

      // Topology refresh runs against the cluster without changing the view.
      client.refreshPartitions();
      assertThat(client.getPartitions()).hasSize(3);
      assertThat(sync.get(keys.get(999))).isEqualTo("v999");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static String id(TestServer n) {
    try (RespClient c = n.client()) {
      String r = c.call("CLUSTER", "MYID");
      return r.substring(r.indexOf("\r\n") + 2, r.length() - 2);
    }
  }

  /** Moves an empty slot the way redis-cli --cluster reshard does (IMPORTING, MIGRATING, NODE). */
  private static void moveSlot(int slot, TestServer from, TestServer to) {
    String s = Integer.toString(slot);
    try (RespClient src = from.client();
        RespClient dst = to.client()) {
      assertThat(dst.call("CLUSTER", "SETSLOT", s, "IMPORTING", id(from))).isEqualTo("+OK\r\n");
      assertThat(src.call("CLUSTER", "SETSLOT", s, "MIGRATING", id(to))).isEqualTo("+OK\r\n");
      assertThat(src.call("CLUSTER", "GETKEYSINSLOT", s, "10")).isEqualTo("*0\r\n");
      for (TestServer n : nodes) {
        try (RespClient c = n.client()) {
          assertThat(c.call("CLUSTER", "SETSLOT", s, "NODE", id(to))).isEqualTo("+OK\r\n");
        }
      }
    }
  }

  /**
   * Both clients cache the topology; after a slot moves their next command for it gets -MOVED,
   * which they follow, and Lettuce's periodic refresh picks the new owner up.
   */
  @org.junit.jupiter.api.Test
  void clientsFollowMovedAfterReshard() throws Exception {
    String key = "{moving}k";
    int slot = JedisClusterCRC16.getSlot(key);
    TestServer from = nodes.get(owner(slot));
    TestServer to = nodes.get((owner(slot) + 1) % 3);
    RedisClusterClient client = lettuce(ProtocolVersion.RESP3);
    try (JedisCluster jc = jedisCluster(RedisProtocol.RESP2);
        StatefulRedisClusterConnection<String, String> conn = client.connect()) {
      assertThat(jc.get(key)).isNull();
      assertThat(conn.sync().get(key)).isNull();
      moveSlot(slot, from, to);
      try {
        assertThat(jc.set(key, "j")).isEqualTo("OK");
        assertThat(conn.sync().get(key)).isEqualTo("j");
        assertThat(conn.sync().set(key, "l")).isEqualTo("OK");
        assertThat(jc.get(key)).isEqualTo("l");
        try (RespClient c = to.client()) {
          assertThat(c.call("GET", key)).isEqualTo("$1\r\nl\r\n");
        }
        await(
            "Lettuce sees the new owner",
            () -> client.getPartitions().getPartitionBySlot(slot).getUri().getPort() == to.port());
        assertThat(jc.del(key)).isEqualTo(1);
      } finally {
        moveSlot(slot, to, from);
      }
      for (TestServer n : nodes) {
        try (RespClient c = n.client()) {
          await("slot back and cluster ok", () -> clusterOk(c));
        }
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
