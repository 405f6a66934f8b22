package io.cinnabar.cluster;

import static io.cinnabar.cluster.FailoverCluster.KEY0;
import static io.cinnabar.cluster.FailoverCluster.bulk;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover in a cluster of real redis-server 7.0 and Cinnabar nodes: a killed Redis primary is
 * replaced by its Cinnabar replica (elected by a Redis and a Cinnabar primary), the Redis node
 * restarted from its nodes.conf rejoins as a replica of the Cinnabar node, and a manual CLUSTER
 * FAILOVER on it (MFSTART handled by our primary, votes from both kinds) makes it primary again.
 */
class MixedFailoverTest {
  static final String TIMEOUT = "1000";

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<TestServer> servers = new ArrayList<>();

  /** A redis-server with a fixed dir and ports, so that it restarts with its nodes.conf. */
  final class Redis {
    final int port = TestServer.freePort();
    final int cport = TestServer.freePort();
    final Path home;
    Process process;

    Redis(String name) throws Exception {
      home = dir.resolve(name);
      Files.createDirectories(home);
    }

    void start() throws Exception {
      process =
          new ProcessBuilder(
                  RealRedis.executable(),
                  "--port",
                  "" + port,
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  home.toString(),
                  "--cluster-enabled",
                  "yes",
                  "--cluster-port",
                  "" + cport,
                  "--cluster-node-timeout",
                  TIMEOUT)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").toFile()))
              .start();
      processes.add(process);
      Await.until(this + " up", 10_000, () -> call("PING").equals("+PONG\r\n"));
    }

    void kill() throws Exception {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    String call(String... args) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        return c.call(args);
      } catch (RuntimeException e) {
        return "";
      }
    }

    @Override
    public String toString() {
      return "redis:" + port;
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (TestServer s : servers) {
      s.close();
    }
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private TestServer cinnabar(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    TestServer s =
        TestServer.start(
            "cluster-enabled", "yes", "cluster-node-timeout", TIMEOUT, "dir", d.toString());
    servers.add(s);
    return s;
  }

  private static String call(TestServer s, String... args) {
    try (RespClient c = s.client()) {
      return c.call(args);
    }
  }

  private static long ackSent(TestServer s) {
    String info = call(s, "CLUSTER", "INFO");
    String f = "cluster_stats_messages_auth-ack_sent:";
    int at = info.indexOf(f);
    return at < 0 ? 0 : Long.parseLong(info.substring(at + f.length(), info.indexOf('\r', at)));
  }

  private static String id(String myidReply) {
    return bulk(myidReply);
  }

  private static String myLine(String nodes) {
    for (String l : bulk(nodes).split("\n")) {
      if (l.contains("myself")) {
        return l;
      }
    }
    return "";
  }

  @Test
  void redisPrimaryFailsOverToCinnabarReplicaAndBack() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server not on PATH");
    Redis r1 = new Redis("r1");
    Redis r2 = new Redis("r2");
    r1.start();
    r2.start();
    TestServer c3 = cinnabar("c3");
    TestServer c1 = cinnabar("c1");
    assertThat(r1.call("CLUSTER", "ADDSLOTSRANGE", "0", "5460")).isEqualTo("+OK\r\n");
    assertThat(r2.call("CLUSTER", "ADDSLOTSRANGE", "5461", "10922")).isEqualTo("+OK\r\n");
    assertThat(call(c3, "CLUSTER", "ADDSLOTSRANGE", "10923", "16383")).isEqualTo("+OK\r\n");
    String meetR1 = "" + r1.port;
    String busR1 = "" + r1.cport;
    assertThat(r2.call("CLUSTER", "MEET", "127.0.0.1", meetR1, busR1)).isEqualTo("+OK\r\n");
    assertThat(call(c3, "CLUSTER", "MEET", "127.0.0.1", meetR1, busR1)).isEqualTo("+OK\r\n");
    assertThat(call(c1, "CLUSTER", "MEET", "127.0.0.1", meetR1, busR1)).isEqualTo("+OK\r\n");
    String idR1 = id(r1.call("CLUSTER", "MYID"));
    String idC1 = id(call(c1, "CLUSTER", "MYID"));
    Await.until(
        "everyone knows everyone",
        15_000,
        () ->
            bulk(r1.call("CLUSTER", "NODES")).split("\n").length == 4
                && bulk(r2.call("CLUSTER", "NODES")).split("\n").length == 4
                && bulk(call(c3, "CLUSTER", "NODES")).split("\n").length == 4
                && bulk(call(c1, "CLUSTER", "NODES")).split("\n").length == 4
                && !call(c3, "CLUSTER", "NODES").contains("handshake")
                && !r2.call("CLUSTER", "NODES").contains("handshake"));
    assertThat(call(c1, "CLUSTER", "REPLICATE", idR1)).isEqualTo("+OK\r\n");
    Await.until(
        "cinnabar replica in sync",
        15_000,
        () -> call(c1, "INFO", "replication").contains("master_link_status:up"));
    Await.until(
        "redis sees the cinnabar replica",
        15_000,
        () -> r2.call("CLUSTER", "NODES").contains("slave " + idR1));
    for (String info :
        new String[] {
          r1.call("CLUSTER", "INFO"), r2.call("CLUSTER", "INFO"), call(c3, "CLUSTER", "INFO")
        }) {
      assertThat(info).contains("cluster_state:ok");
    }
    assertThat(FailoverCluster.writeAndWait(r1.port, 1, "SET", KEY0, "from-redis"))
        .isEqualTo(":1\r\n");

    // Redis primary killed: the Cinnabar replica wins with a Redis and a Cinnabar vote.
    long t0 = System.currentTimeMillis();
    r1.kill();
    Await.until(
        "cinnabar replica promoted",
        15_000,
        () -> myLine(call(c1, "CLUSTER", "NODES")).contains("myself,master"));
    Await.until(
        "redis primary redirects to cinnabar",
        10_000,
        () -> r2.call("GET", KEY0).equals("-MOVED 5061 127.0.0.1:" + c1.port() + "\r\n"));
    System.out.printf(
        "mixed: kill -9 redis primary -> cinnabar replica serving %d ms%n",
        System.currentTimeMillis() - t0);
    assertThat(call(c1, "GET", KEY0)).isEqualTo("$10\r\nfrom-redis\r\n");
    assertThat(call(c1, "SET", KEY0, "from-cinnabar")).isEqualTo("+OK\r\n");

    // The Redis node restarts from its nodes.conf and follows the Cinnabar primary.
    r1.start();
    Await.until(
        "redis rejoins as a replica of cinnabar",
        20_000,
        () ->
            myLine(r1.call("CLUSTER", "NODES")).contains("myself,slave " + idC1)
                && r1.call("INFO", "replication").contains("master_link_status:up"));
    Await.until(
        "redis replica has the write",
        10_000,
        () -> {
          try (RespClient c = new RespClient("127.0.0.1", r1.port)) {
            c.call("READONLY");
            return c.call("GET", KEY0).equals("$13\r\nfrom-cinnabar\r\n");
          }
        });

    String idR1Now = idR1;
    Await.until(
        "cinnabar sees its redis replica",
        10_000,
        () ->
            call(c1, "CLUSTER", "NODES").contains(idR1Now + " 127.0.0.1:" + r1.port)
                && call(c1, "CLUSTER", "NODES").contains("slave " + idC1));

    // Back: a manual failover driven by the Redis replica against our primary.
    assertThat(r1.call("CLUSTER", "FAILOVER")).isEqualTo("+OK\r\n");
    try {
      Await.until(
          "redis primary again",
          15_000,
          () -> myLine(r1.call("CLUSTER", "NODES")).contains("myself,master"));
    } catch (AssertionError e) {
      System.out.println("DEBUG r1 log:\n" + Files.readString(r1.home.resolve("log")));
      System.out.println("DEBUG c1 info:\n" + call(c1, "CLUSTER", "INFO"));
      System.out.println("DEBUG c1 nodes:\n" + call(c1, "CLUSTER", "NODES"));
      throw e;
    }
    Await.until(
        "cinnabar follows redis",
        15_000,
        () ->
            myLine(call(c1, "CLUSTER", "NODES")).contains("myself,slave " + idR1)
                && call(c1, "INFO", "replication").contains("master_link_status:up"));
    assertThat(r1.call("GET", KEY0)).isEqualTo("$13\r\nfrom-cinnabar\r\n");
    assertThat(call(c1, "CLUSTER", "INFO")).contains("cluster_stats_messages_mfstart_received:1");
    Await.until(
        "cinnabar primary redirects to redis",
        10_000,
        () -> call(c3, "GET", KEY0).equals("-MOVED 5061 127.0.0.1:" + r1.port + "\r\n"));

    // And a manual failover driven by our replica against the Redis primary (PAUSED + offset).
    for (int i = 0; i < 20; i++) {
      assertThat(r1.call("APPEND", KEY0, "!")).startsWith(":");
    }
    Await.until(
        "redis sees its cinnabar replica",
        10_000,
        () -> r1.call("CLUSTER", "NODES").contains("slave " + idR1));
    assertThat(call(c1, "CLUSTER", "FAILOVER")).isEqualTo("+OK\r\n");
    Await.until(
        "cinnabar primary again",
        15_000,
        () -> myLine(call(c1, "CLUSTER", "NODES")).contains("myself,master"));
    assertThat(call(c1, "GET", KEY0)).isEqualTo("$33\r\nfrom-cinnabar!!!!!!!!!!!!!!!!!!!!\r\n");
    Await.until(
        "redis follows cinnabar again",
        15_000,
        () -> myLine(r1.call("CLUSTER", "NODES")).contains("myself,slave " + idC1));

    // Finally our primary dies: the Redis replica is elected with our surviving primary's vote.
    Await.until(
        "redis replica in sync",
        15_000,
        () -> r1.call("INFO", "replication").contains("master_link_status:up"));
    long acks = ackSent(c3);
    c1.close();
    Await.until(
        "redis replica promoted",
        15_000,
        () -> myLine(r1.call("CLUSTER", "NODES")).contains("myself,master"));
    // At least one vote: a first election the Redis replica did not win (e.g. the other
    // primary had not marked ours FAIL yet) and its retry both get our primary's vote.
    Await.until("our primary voted for it", 5_000, () -> ackSent(c3) > acks);
  }
}
