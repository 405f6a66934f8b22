package io.cinnabar.clients;

import static io.cinnabar.clients.RedisCli.addr;
import static io.cinnabar.clients.RedisCli.myId;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Keys;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.ServerProcesses;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Per-key slot migration driven by Redis's own tooling: {@code redis-cli --cluster rebalance} onto
 * an added primary and back out under a JedisCluster read-write load (nodes in processes of their
 * own), {@code --cluster fix} of an interrupted migration, and resharding both ways in a cluster
 * mixing Cinnabar and redis-server nodes. Skipped without redis-cli.
 */
class ReshardTest {
  @TempDir Path dir;
  private final ServerProcesses processes = new ServerProcesses();

  private RedisCli cli;

  @BeforeEach
  void needRedisCli() {
    Assumptions.assumeTrue(RedisCli.available(), "redis-cli is not on PATH");
    cli = new RedisCli(dir);
  }

  @AfterEach
  void stopNodes() throws InterruptedException {
    processes.stopAll();
  }

  /** A Cinnabar node in a JVM of its own (C1 only, small heap, as ProcessClusterTest). */
  private int startProcess(String name) throws IOException, InterruptedException {
    int port = TestServer.freePort();
    processes.startClusterNode(dir.resolve(name), port, TestServer.freePort(), "128m");
    ClusterClientsTest.await("node " + port + " up", () -> ServerProcesses.pingable(port));
    return port;
  }

  private static String nodes(int port) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      return c.call("CLUSTER", "NODES");
    }
  }

  private static JedisCluster jedis(int port) {
    return new JedisCluster(
        Set.of(new HostAndPort("127.0.0.1", port)),
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis((int) Duration.ofSeconds(10).toMillis())
            .build(),
        10);
  }

  @Test
  void rebalanceOntoANewPrimaryAndBackOutUnderLoad() throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports.add(startProcess("n" + i));
    }
    int p0 = ports.get(0);
    RedisCli.Run create =
        cli.run(
            "--cluster",
            "create",
            addr(ports.get(0)),
            addr(ports.get(1)),
            addr(ports.get(2)),
            "--cluster-yes");
    assertThat(create.exit()).as(create.out()).isZero();
    for (int port : ports) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        ClusterClientsTest.await("node " + port + " ok", () -> ClusterClientsTest.clusterOk(c));
      }
    }
    int keys = 3000;
    Map<String, String> expected = new ConcurrentHashMap<>();
    try (JedisCluster jc = jedis(p0)) {
      for (int i = 0; i < keys; i++) {
        jc.set("k:" + i, "v0:" + i);
        expected.put("k:" + i, "v0:" + i);
      }
    }
    int p3 = startProcess("n3");
    RedisCli.Run add = cli.run("--cluster", "add-node", addr(p3), addr(p0));
    assertThat(add.out()).as(add.out()).contains("[OK] New node added correctly.");
    String id3 = myId(p3);
    for (int port : ports) {
      // every primary must know the new node by its real ID before slots move to it
      ClusterClientsTest.await(
          "node " + port + " knows the new node",
          () -> {
            String all = nodes(port);
            return all.contains(id3) && !all.contains("handshake");
          });
    }
    cli.awaitChecked(p0);

    // Two writers on disjoint keys, each checking what it reads back, until told to stop.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ops = new AtomicLong();
    // What redis-cli was doing when a writer failed, for the failure message.
    java.util.concurrent.atomic.AtomicReference<String> phase =
        new java.util.concurrent.atomic.AtomicReference<>("before the rebalance");
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Before del-node each writer reads all its keys once, so its client has followed every slot
    // off the node (a MOVED from it) before that node is reset. A reset node knows no other node
    // and answers "CLUSTERDOWN Hash slot not served", as a real redis-server does; a client still
    // mapping a slot there would get that error from Redis too.
    AtomicBoolean sweep = new AtomicBoolean();
    java.util.concurrent.CountDownLatch swept = new java.util.concurrent.CountDownLatch(2);
    List<Thread> load = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                java.util.Random rnd = new java.util.Random(writer);
                try (JedisCluster jc = jedis(p0)) {
                  int n = 0;
                  boolean sweptMine = false;
                  while (!stop.get()) {
                    if (sweep.get() && !sweptMine) {
                      for (int i = writer; i < keys; i += 2) {
                        String got = jc.get("k:" + i);
                        if (!expected.get("k:" + i).equals(got)) {
                          errors.add(new AssertionError("k:" + i + ": " + got));
                        }
                      }
                      sweptMine = true;
                      swept.countDown();
                    }
                    String k = "k:" + (rnd.nextInt(keys / 2) * 2 + writer);
                    if (rnd.nextBoolean()) {
                      String v = "w" + writer + ":" + (n++);
                      jc.set(k, v);
                      expected.put(k, v);
                    } else {
                      String got = jc.get(k);
                      if (!expected.get(k).equals(got)) {
                        errors.add(new AssertionError(k + ": " + got + " != " + expected.get(k)));
                      }
                    }
                    ops.incrementAndGet();
                  }
                } catch (Throwable e) {
                  errors.add(new AssertionError("writer " + writer + " " + phase.get(), e));
                  swept.countDown(); // the test fails on the error; del-node need not wait
                }
              });
      t.start();
      load.add(t);
    }
    try {
      // A small weight keeps the test short: about 500 slots move to the new node.
      phase.set("during the rebalance onto the new node");
      RedisCli.Run onto =
          cli.run(
              "--cluster",
              "rebalance",
              addr(p0),
              "--cluster-use-empty-masters",
              "--cluster-weight",
              id3 + "=0.1");
      assertThat(onto.exit()).as(onto.out() + nodes(p0)).isZero();
      assertThat(onto.out()).contains("to " + addr(p3));
      cli.awaitChecked(p0);
      try (RespClient c = new RespClient("127.0.0.1", p3)) {
        assertThat(c.call("DBSIZE")).isNotEqualTo(":0\r\n");
      }
      phase.set("during the rebalance off the new node");
      RedisCli.Run out =
          cli.run("--cluster", "rebalance", addr(p0), "--cluster-weight", id3 + "=0");
      assertThat(out.exit()).as(out.out()).isZero();
      cli.awaitChecked(p0);
      // Emptied of slots, the node either holds no keys or (cluster-allow-replica-migration, as
      // Redis 7.0) became a replica of a slot's new owner and holds that node's data.
      try (RespClient c = new RespClient("127.0.0.1", p3)) {
        String myself =
            java.util.Arrays.stream(c.call("CLUSTER", "NODES").split("\n"))
                .filter(l -> l.contains("myself"))
                .findFirst()
                .orElseThrow();
        assertThat(myself.trim().split(" ")).as(myself).hasSize(8);
        if (myself.contains("master")) {
          assertThat(c.call("DBSIZE")).isEqualTo(":0\r\n");
        }
      }
      sweep.set(true);
      assertThat(swept.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      phase.set("during del-node");
      RedisCli.Run del = cli.run("--cluster", "del-node", addr(p0), id3);
      assertThat(del.exit()).as(del.out()).isZero();
      cli.awaitChecked(p0);
    } finally {
      stop.set(true);
      for (Thread t : load) {
        t.join(30_000);
      }
    }
    assertThat(errors).isEmpty();
    assertThat(ops.get()).isPositive();
    try (JedisCluster jc = jedis(p0)) {
      for (Map.Entry<String, String> e : new HashMap<>(expected).entrySet()) {
        assertThat(jc.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    long total = 0;
    for (int port : ports) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        total += Long.parseLong(c.call("DBSIZE").substring(1).trim());
      }
    }
    assertThat(total).isEqualTo(keys);
  }

  @Test
  void fixFinishesAnInterruptedMigration() throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    try {
      cli.create(nodes, "f");
      int p0 = nodes.get(0).port();
      // Slot 100 is on the first node; move most of its keys to the second and stop there
      // (redis-cli then picks the node with more keys as the owner and finishes the move).
      int slot = 100;
      String tag = Keys.inSlot(slot);
      TestServer from = nodes.get(0);
      TestServer to = nodes.get(1);
      String fromId = myId(from.port());
      String toId = myId(to.port());
      try (RespClient a = from.client();
          RespClient b = to.client()) {
        for (int i = 0; i < 20; i++) {
          assertThat(a.call("SET", "{" + tag + "}" + i, "v" + i)).isEqualTo("+OK\r\n");
        }
        assertThat(b.call("CLUSTER", "SETSLOT", "100", "IMPORTING", fromId)).isEqualTo("+OK\r\n");
        assertThat(a.call("CLUSTER", "SETSLOT", "100", "MIGRATING", toId)).isEqualTo("+OK\r\n");
        List<String> args =
            new ArrayList<>(
                List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0", "5000"));
        args.add("KEYS");
        for (int i = 0; i < 15; i++) {
          args.add("{" + tag + "}" + i);
        }
        assertThat(a.call(args.toArray(new String[0]))).isEqualTo("+OK\r\n");
        assertThat(a.call("CLUSTER", "NODES")).contains("[100->-" + toId + "]");
        assertThat(b.call("CLUSTER", "NODES")).contains("[100-<-" + fromId + "]");
        // a client is redirected for the moved keys, served for the others
        assertThat(a.call("GET", "{" + tag + "}0")).startsWith("-ASK 100 ");
        assertThat(a.call("GET", "{" + tag + "}17")).isEqualTo("$3\r\nv17\r\n");
      }
      RedisCli.Run check = cli.run("--cluster", "check", addr(p0));
      assertThat(check.out()).contains("[WARNING]").contains("open slot");
      RedisCli.Run fix = cli.run("--cluster", "fix", addr(p0));
      assertThat(fix.exit()).as(fix.out()).isZero();
      cli.awaitChecked(p0);
      try (RespClient b = to.client();
          RespClient a = from.client()) {
        assertThat(b.call("CLUSTER", "COUNTKEYSINSLOT", "100")).as(fix.out()).isEqualTo(":20\r\n");
        assertThat(a.call("CLUSTER", "COUNTKEYSINSLOT", "100")).isEqualTo(":0\r\n");
        assertThat(b.call("GET", "{" + tag + "}17")).isEqualTo("$3\r\nv17\r\n");
        assertThat(a.call("GET", "{" + tag + "}17")).startsWith("-MOVED 100 ");
      }
    } finally {
      for (TestServer n : nodes) {
        n.close();
      }
    }
  }

  @Test
  void addNodeAsAReplicaThenReshardItsPrimary() throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    try {
      cli.create(nodes, "r");
      int p0 = nodes.get(0).port();
      try (JedisCluster jc = jedis(p0)) {
        for (int i = 0; i < 500; i++) {
          jc.set("r:" + i, "v" + i);
        }
      }
      String id0 = myId(p0);
      nodes.add(cli.node("r3"));
      TestServer replica = nodes.get(3);
      RedisCli.Run add =
          cli.run(
              "--cluster",
              "add-node",
              addr(replica.port()),
              addr(p0),
              "--cluster-slave",
              "--cluster-master-id",
              id0);
      assertThat(add.exit()).as(add.out()).isZero();
      assertThat(add.out()).contains("[OK] New node added correctly.");
      String rid = myId(replica.port());
      ClusterClientsTest.await(
          "the primary lists its new replica",
          () -> nodes(p0).lines().anyMatch(l -> l.startsWith(rid) && l.contains("slave " + id0)));
      try (RespClient p = nodes.get(0).client();
          RespClient r = replica.client()) {
        String size = p.call("DBSIZE");
        ClusterClientsTest.await("the replica has the data", () -> r.call("DBSIZE").equals(size));
      }
      cli.awaitChecked(p0);
      // moving slots away from the replicated primary: its replica follows the deletions
      RedisCli.Run move =
          cli.run(
              "--cluster",
              "reshard",
              addr(p0),
              "--cluster-from",
              id0,
              "--cluster-to",
              myId(nodes.get(1).port()),
              "--cluster-slots",
              "200",
              "--cluster-yes");
      assertThat(move.exit()).as(move.out()).isZero();
      cli.awaitChecked(p0);
      try (RespClient p = nodes.get(0).client();
          RespClient r = replica.client()) {
        ClusterClientsTest.await(
            "the replica follows", () -> r.call("DBSIZE").equals(p.call("DBSIZE")));
      }
      try (JedisCluster jc = jedis(p0)) {
        for (int i = 0; i < 500; i++) {
          assertThat(jc.get("r:" + i)).isEqualTo("v" + i);
        }
      }
    } finally {
      for (TestServer n : nodes) {
        n.close();
      }
    }
  }

  @Test
  void reshardBothWaysInAMixedCluster() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server is not on PATH");
    List<TestServer> nodes = new ArrayList<>();
    RealRedis redis = null;
    try {
      RedisCli.Mixed mixed = cli.createMixed(nodes);
      redis = mixed.redis();
      RealRedis r = redis;
      int p0 = nodes.get(0).port();
      cli.awaitChecked(p0);
      int keys = 2000;
      try (JedisCluster jc = jedis(p0)) {
        for (int i = 0; i < keys; i++) {
          jc.set("m:" + i, "v" + i);
        }
      }
      String ours = myId(p0);
      String theirs = myId(redis.port());
      // redis-server MIGRATEs into Cinnabar, then Cinnabar into redis-server
      for (String[] fromTo : List.of(new String[] {theirs, ours}, new String[] {ours, theirs})) {
        RedisCli.Run move =
            cli.run(
                "--cluster",
                "reshard",
                addr(p0),
                "--cluster-from",
                fromTo[0],
                "--cluster-to",
                fromTo[1],
                "--cluster-slots",
                "300",
                "--cluster-yes");
        assertThat(move.exit()).as(move.out()).isZero();
        cli.awaitChecked(p0);
        cli.awaitChecked(redis.port());
      }
      try (JedisCluster jc = jedis(redis.port())) {
        for (int i = 0; i < keys; i++) {
          assertThat(jc.get("m:" + i)).isEqualTo("v" + i);
        }
      }
      long total = 0;
      for (Supplier<RespClient> s :
          List.<Supplier<RespClient>>of(nodes.get(0)::client, nodes.get(1)::client, r::client)) {
        try (RespClient c = s.get()) {
          total += Long.parseLong(c.call("DBSIZE").substring(1).trim());
        }
      }
      assertThat(total).isEqualTo(keys);
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
