package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterBusTest {
  @TempDir Path dir;

  private TestServer node(String name, String... more) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    List<String> args =
        new ArrayList<>(
            List.of("cluster-enabled", "yes", "dir", d.toString(), "cluster-node-timeout", "2000"));
    args.addAll(List.of(more));
    return TestServer.start(args.toArray(new String[0]));
  }

  static void await(String what, BooleanSupplier cond) throws InterruptedException {
    io.cinnabar.testkit.Await.until(what, 15_000, cond);
  }

  static String cport(TestServer s) {
    return s.config.get("cluster-port");
  }

  static long connected(RespClient c) {
    String nodes = c.call("CLUSTER", "NODES");
    return nodes.lines().filter(l -> l.contains(" connected") && !l.contains("handshake")).count();
  }

  @Test
  void threeNodesMeetShareSlotsAndRedirect() throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(node("n" + i));
      }
      List<RespClient> cs = new ArrayList<>();
      for (TestServer s : nodes) {
        cs.add(s.client());
      }
      for (int i = 1; i < 3; i++) {
        String p = Integer.toString(nodes.get(i).port());
        assertThat(cs.get(0).call("CLUSTER", "MEET", "127.0.0.1", p, cport(nodes.get(i))))
            .isEqualTo("+OK\r\n");
      }
      assertThat(cs.get(0).call("CLUSTER", "MEET", "1.2.3.4.5", "10"))
          .isEqualTo("-ERR Invalid node address specified: 1.2.3.4.5:10\r\n");
      for (RespClient c : cs) {
        await("3 connected nodes", () -> connected(c) == 3);
      }
      assertThat(cs.get(0).call("CLUSTER", "ADDSLOTSRANGE", "0", "5460")).isEqualTo("+OK\r\n");
      assertThat(cs.get(1).call("CLUSTER", "ADDSLOTSRANGE", "5461", "10922")).isEqualTo("+OK\r\n");
      assertThat(cs.get(2).call("CLUSTER", "ADDSLOTSRANGE", "10923", "16383")).isEqualTo("+OK\r\n");
      for (RespClient c : cs) {
        await("cluster_state:ok", () -> c.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      }
      // "foo" hashes to slot 12182, served by the third node.
      assertThat(cs.get(0).call("SET", "foo", "bar"))
          .isEqualTo("-MOVED 12182 127.0.0.1:" + nodes.get(2).port() + "\r\n");
      assertThat(cs.get(2).call("SET", "foo", "bar")).isEqualTo("+OK\r\n");
      assertThat(cs.get(1).call("CLUSTER", "INFO"))
          .contains("cluster_known_nodes:3", "cluster_size:3", "cluster_stats_messages_ping_sent");
      for (RespClient c : cs) {
        c.close();
      }

      // A restarted node keeps its id, slots and peers.
      String id;
      String port = Integer.toString(nodes.get(1).port());
      try (RespClient c = nodes.get(1).client()) {
        id = c.call("CLUSTER", "MYID");
      }
      nodes.get(1).close();
      nodes.set(
          1,
          TestServer.start(
              "cluster-enabled",
              "yes",
              "dir",
              dir.resolve("n1").toString(),
              "port",
              port,
              "cluster-port",
              cport(nodes.get(1)),
              "cluster-node-timeout",
              "2000"));
      try (RespClient c = nodes.get(1).client()) {
        assertThat(c.call("CLUSTER", "MYID")).isEqualTo(id);
        assertThat(c.call("CLUSTER", "NODES")).contains("myself,master - 0 ");
        String mine =
            c.call("CLUSTER", "NODES").lines().filter(l -> l.contains("myself")).findFirst().get();
        assertThat(mine).endsWith(" 5461-10922");
        await("peers reconnected", () -> connected(c) == 3);
        await("cluster_state:ok", () -> c.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      }
    } finally {
      for (TestServer s : nodes) {
        s.close();
      }
    }
  }

  @Test
  void adminSubcommands() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b");
        RespClient ca = a.client();
        RespClient cb = b.client()) {
      assertThat(ca.call("CLUSTER", "SET-CONFIG-EPOCH", "-1"))
          .isEqualTo("-ERR Invalid config epoch specified: -1\r\n");
      assertThat(ca.call("CLUSTER", "BUMPEPOCH")).isEqualTo("+BUMPED 1\r\n");
      assertThat(ca.call("CLUSTER", "BUMPEPOCH")).isEqualTo("+STILL 1\r\n");
      assertThat(ca.call("CLUSTER", "FORGET", "abc")).isEqualTo("-ERR Unknown node abc\r\n");
      assertThat(ca.call("CLUSTER", "MEET", "127.0.0.1", "abc"))
          .isEqualTo("-ERR Invalid TCP base port specified: abc\r\n");
      ca.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(b.port()), cport(b));
      await("met", () -> connected(ca) == 2 && connected(cb) == 2);
      String bid = cb.call("CLUSTER", "MYID").split("\r\n")[1];
      assertThat(ca.call("CLUSTER", "COUNT-FAILURE-REPORTS", bid)).isEqualTo(":0\r\n");
      assertThat(ca.call("CLUSTER", "REPLICAS", bid)).isEqualTo("*0\r\n");
      assertThat(ca.call("CLUSTER", "LINKS")).contains("direction", bid);
      assertThat(ca.call("CLUSTER", "SETSLOT", "7", "MIGRATING", bid))
          .isEqualTo("-ERR I'm not the owner of hash slot 7\r\n");
      assertThat(ca.call("CLUSTER", "SETSLOT", "7", "NODE", bid)).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "NODES").lines().filter(l -> l.startsWith(bid)))
          .singleElement()
          .asString()
          .endsWith(" connected 7");
      assertThat(ca.call("CLUSTER", "SETSLOT", "7", "STABLE")).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "SETSLOT", "7", "FOO"))
          .isEqualTo(
              "-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n");
      assertThat(ca.call("CLUSTER", "FORGET", bid)).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "NODES")).doesNotContain(bid);
      assertThat(ca.call("CLUSTER", "SAVECONFIG")).isEqualTo("+OK\r\n");
      String before = ca.call("CLUSTER", "MYID");
      assertThat(ca.call("CLUSTER", "RESET", "HARD")).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "MYID")).isNotEqualTo(before);
      assertThat(ca.call("CLUSTER", "INFO")).contains("cluster_current_epoch:0");
    }
  }

  @Test
  void interopWithRealRedis() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server not installed");
    String redisBus = Integer.toString(TestServer.freePort());
    try (RealRedis r =
            RealRedis.start(
                "--cluster-enabled", "yes",
                "--cluster-port", redisBus,
                "--cluster-node-timeout", "2000",
                "--cluster-require-full-coverage", "no");
        TestServer a = node("ia", "cluster-require-full-coverage", "no");
        TestServer b = node("ib", "cluster-require-full-coverage", "no");
        RespClient cr = r.client();
        RespClient ca = a.client();
        RespClient cb = b.client()) {
      assertThat(cr.call("CLUSTER", "ADDSLOTSRANGE", "0", "99")).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "ADDSLOTSRANGE", "100", "199")).isEqualTo("+OK\r\n");
      ca.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(r.port()), redisBus);
      cr.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(b.port()), cport(b));
      for (RespClient c : List.of(cr, ca, cb)) {
        await("3 connected nodes", () -> connected(c) == 3);
      }
      String aid = ca.call("CLUSTER", "MYID").split("\r\n")[1];
      await(
          "redis sees our slots",
          () ->
              cr.call("CLUSTER", "NODES")
                  .lines()
                  .anyMatch(l -> l.startsWith(aid) && l.endsWith(" 100-199")));
      await(
          "we see redis's slots",
          () -> cb.call("CLUSTER", "NODES").lines().anyMatch(l -> l.endsWith(" 0-99")));
      // "k78" hashes to slot 195, served by node a.
      String moved = "-MOVED 195 127.0.0.1:" + a.port() + "\r\n";
      await("b routes to a", () -> cb.call("GET", "k78").equals(moved));
      // redis-server turns its state ok only after a delay of its own
      await("redis routes to a", () -> cr.call("GET", "k78").equals(moved));
    }
  }

  /** The number of nodes CLUSTER NODES lists in handshake. */
  static long handshakes(RespClient c) {
    return c.call("CLUSTER", "NODES").lines().filter(l -> l.contains("handshake")).count();
  }

  /**
   * DEBUG DROP-CLUSTER-PACKET-FILTER 2 makes b ignore MEETs, so a's handshake never completes and
   * expires after max(1 s, cluster-node-timeout); the timeout a CONFIG SET gives is the one the
   * running cron uses. With the filter off (-1) the same MEET joins them.
   */
  @Test
  void dropPacketFilterAndRuntimeNodeTimeout() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b", "enable-debug-command", "yes");
        RespClient ca = a.client();
        RespClient cb = b.client()) {
      assertThat(cb.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(cb.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "2")).isEqualTo("+OK\r\n");
      assertThat(ca.call("CONFIG", "SET", "cluster-node-timeout", "60000")).isEqualTo("+OK\r\n");
      String meetB = Integer.toString(b.port());
      assertThat(ca.call("CLUSTER", "MEET", "127.0.0.1", meetB, cport(b))).isEqualTo("+OK\r\n");
      await("b received the MEET", () -> cb.call("CLUSTER", "INFO").contains("meet_received:"));
      // Past the 2 s the node started with, the handshake lives on under the 60 s timeout.
      Thread.sleep(2300);
      assertThat(handshakes(ca)).isEqualTo(1);
      assertThat(cb.call("CLUSTER", "INFO")).contains("cluster_known_nodes:1");
      long t0 = System.nanoTime();
      assertThat(ca.call("CONFIG", "SET", "cluster-node-timeout", "1000")).isEqualTo("+OK\r\n");
      await("handshake expired", () -> handshakes(ca) == 0);
      assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
      assertThat(ca.call("CLUSTER", "INFO")).contains("cluster_known_nodes:1");

      assertThat(cb.call("DEBUG", "DROP-CLUSTER-PACKET-FILTER", "-1")).isEqualTo("+OK\r\n");
      ca.call("CLUSTER", "MEET", "127.0.0.1", meetB, cport(b));
      await("met", () -> connected(ca) == 2 && connected(cb) == 2);
      // CLUSTER MYSHARDID (7.2): a primary's shard id, stable, distinct per primary.
      String shardA = ca.call("CLUSTER", "MYSHARDID");
      assertThat(shardA).matches("\\$40\r\n[0-9a-f]{40}\r\n");
      assertThat(ca.call("CLUSTER", "MYSHARDID")).isEqualTo(shardA);
      assertThat(cb.call("CLUSTER", "MYSHARDID")).isNotEqualTo(shardA);
    }
  }
}
