package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
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
 * Failure detection across processes: three primaries (Cinnabar processes, or mixed with real
 * redis-server processes), one killed with SIGKILL or frozen with SIGSTOP. The survivors must see
 * it {@code fail?} then {@code fail}, count failure reports, go to cluster_state:fail (full
 * coverage) and come back to ok when it returns. Measured times are printed.
 */
class ClusterFailureTest {
  static final int TIMEOUT = 1000;

  @TempDir Path dir;
  private final List<Node> nodes = new ArrayList<>();

  /** One node process: Cinnabar (a JVM of its own) or redis-server, on fixed ports. */
  final class Node {
    final boolean redis;
    final int port = TestServer.freePort();
    final int cport = TestServer.freePort();
    final Path home;
    Process process;
    String id;

    Node(boolean redis, int i) throws IOException {
      this.redis = redis;
      this.home = dir.resolve((redis ? "r" : "c") + i);
      Files.createDirectories(home);
    }

    void start() throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>();
      if (redis) {
        cmd.addAll(List.of(RealRedis.executable(), "--appendonly", "no"));
        cmd.addAll(List.of("--cluster-config-file", "nodes.conf"));
      } else {
        cmd.addAll(io.cinnabar.testkit.ServerProcess.command("128m"));
      }
      cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
      cmd.addAll(List.of("--save", "", "--dir", home.toString(), "--cluster-enabled", "yes"));
      cmd.addAll(List.of("--cluster-port", Integer.toString(cport)));
      cmd.addAll(List.of("--cluster-node-timeout", Integer.toString(TIMEOUT)));
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").toFile()))
              .start();
      Await.until(this + " up", 30_000, () -> call("PING").equals("+PONG\r\n"));
      id = bulk(call("CLUSTER", "MYID"));
    }

    String call(String... args) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        return c.call(args);
      } catch (RuntimeException e) {
        return "";
      }
    }

    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    void signal(String sig) throws Exception {
      new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }

    /** This node's CLUSTER NODES line about {@code other}. */
    String lineAbout(Node other) {
      for (String line : bulk(call("CLUSTER", "NODES")).split("\n")) {
        if (line.startsWith(other.id + " ")) {
          return line;
        }
      }
      return "";
    }

    /** The flags field of its line about {@code other}. */
    String flagsOf(Node other) {
      String[] f = lineAbout(other).split(" ");
      return f.length > 2 ? f[2] : "";
    }

    boolean stateOk() {
      return call("CLUSTER", "INFO").contains("cluster_state:ok");
    }

    boolean stateFail() {
      return call("CLUSTER", "INFO").contains("cluster_state:fail");
    }

    @Override
    public String toString() {
      return (redis ? "redis:" : "cinnabar:") + port;
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Node n : nodes) {
      if (n.process != null) {
        n.signal("CONT");
        n.process.destroy();
      }
    }
    for (Node n : nodes) {
      if (n.process != null && !n.process.waitFor(5, TimeUnit.SECONDS)) {
        n.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  static String bulk(String reply) {
    int nl = reply.indexOf("\r\n");
    return nl < 0 ? "" : reply.substring(nl + 2, Math.max(nl + 2, reply.length() - 2));
  }

  /** Starts the nodes, gives each a third of the slots, meets them and waits for ok everywhere. */
  private void cluster(boolean... redis) throws Exception {
    for (int i = 0; i < redis.length; i++) {
      Node n = new Node(redis[i], i);
      nodes.add(n);
      n.start();
    }
    int per = 16384 / redis.length;
    for (int i = 0; i < redis.length; i++) {
      int from = i * per;
      int to = i == redis.length - 1 ? 16383 : from + per - 1;
      assertThat(nodes.get(i).call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(from), "" + to))
          .isEqualTo("+OK\r\n");
    }
    for (int i = 1; i < redis.length; i++) {
      Node n = nodes.get(i);
      assertThat(nodes.get(0).call("CLUSTER", "MEET", "127.0.0.1", "" + n.port, "" + n.cport))
          .isEqualTo("+OK\r\n");
    }
    for (Node n : nodes) {
      Await.until(n + " cluster_state:ok", 30_000, n::stateOk);
    }
  }

  /**
   * Waits until every watcher flags {@code target} as {@code fail?} (or already fail) and then
   * {@code fail}; returns {ms to the first fail?, ms to fail on all watchers} since {@code t0}.
   */
  private static long[] awaitFail(long t0, Node target, List<Node> watchers) throws Exception {
    long pfail = -1;
    long deadline = t0 + 30_000;
    while (true) {
      boolean allFail = true;
      for (Node w : watchers) {
        String flags = w.flagsOf(target);
        if (pfail < 0 && flags.contains("fail")) {
          pfail = System.currentTimeMillis() - t0;
        }
        allFail &= flags.matches("(.*,)?fail(,.*)?");
      }
      if (allFail) {
        return new long[] {pfail, System.currentTimeMillis() - t0};
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(target + " not failed on all of " + watchers);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void killedPrimaryFailsAndRecoversWhenRestarted() throws Exception {
    cluster(false, false, false);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    long t0 = System.currentTimeMillis();
    c.kill();
    long[] t = awaitFail(t0, c, List.of(a, b));
    System.out.printf(
        "cinnabar, node timeout %d ms: kill -9 -> fail? %d ms, -> fail on both %d ms%n",
        TIMEOUT, t[0], t[1]);
    assertThat(t[0]).isGreaterThanOrEqualTo(TIMEOUT);
    // The report that made it FAIL is valid for 2 x the timeout; only B can report to A.
    long reports = 0;
    for (Node w : List.of(a, b)) {
      String r = w.call("CLUSTER", "COUNT-FAILURE-REPORTS", c.id);
      assertThat(r).matches(":[01]\r\n");
      reports += Long.parseLong(r.substring(1, r.length() - 2));
    }
    assertThat(reports).isGreaterThanOrEqualTo(1);
    assertThat(a.call("CLUSTER", "COUNT-FAILURE-REPORTS", "f".repeat(40)))
        .isEqualTo("-ERR Unknown node " + "f".repeat(40) + "\r\n");
    for (Node w : List.of(a, b)) {
      Await.until(w + " cluster_state:fail", 5_000, w::stateFail);
      assertThat(w.call("CLUSTER", "INFO")).contains("cluster_slots_fail:5462");
    }
    // "foo" (slot 12182) belongs to C: the cluster is down for it, on A as well.
    assertThat(a.call("GET", "foo")).isEqualTo("-CLUSTERDOWN The cluster is down\r\n");

    long t1 = System.currentTimeMillis();
    c.start();
    for (Node w : List.of(a, b)) {
      Await.until(w + " clears FAIL of C", 30_000, () -> !w.flagsOf(c).contains("fail"));
    }
    for (Node w : nodes) {
      Await.until(w + " cluster_state:ok", 30_000, w::stateOk);
    }
    System.out.printf(
        "cinnabar: restart -> cluster_state:ok everywhere %d ms%n",
        System.currentTimeMillis() - t1);
    assertThat(a.call("GET", "foo")).startsWith("-MOVED 12182 ");
    // B withdraws its report when its gossip shows C healthy again (or the report expires).
    Await.until(
        "no failure reports about C",
        4 * TIMEOUT,
        () -> a.call("CLUSTER", "COUNT-FAILURE-REPORTS", c.id).equals(":0\r\n"));
  }

  @Test
  void frozenNodesFailAndAMinorityNodeStopsServing() throws Exception {
    cluster(false, false, false);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    // One frozen node: the other two fail it, then take it back after SIGCONT.
    c.signal("STOP");
    awaitFail(System.currentTimeMillis(), c, List.of(a, b));
    Await.until("A cluster_state:fail", 5_000, a::stateFail);
    c.signal("CONT");
    for (Node w : nodes) {
      Await.until(w + " cluster_state:ok after SIGCONT", 30_000, w::stateOk);
    }
    // Two frozen nodes: A cannot reach a majority of the primaries and stops serving.
    b.signal("STOP");
    c.signal("STOP");
    Await.until(
        "A sees B and C unreachable",
        30_000,
        () -> a.flagsOf(b).contains("fail?") && a.flagsOf(c).contains("fail?"));
    Await.until("A in a minority: cluster_state:fail", 5_000, a::stateFail);
    assertThat(a.call("SET", "bar", "1")).isEqualTo("-CLUSTERDOWN The cluster is down\r\n");
    b.signal("CONT");
    c.signal("CONT");
    for (Node w : nodes) {
      Await.until(w + " cluster_state:ok after the partition heals", 30_000, w::stateOk);
    }
    assertThat(a.call("SET", "bar", "1")).isEqualTo("+OK\r\n");
  }

  /**
   * Two redis-server primaries and one Cinnabar primary: a killed Redis node is failed by the
   * Cinnabar node (and the Redis one), and a killed Cinnabar node by both Redis nodes, which proves
   * the flags in gossip, the failure reports and the FAIL message are understood both ways.
   */
  @Test
  void mixedClusterFailsEitherKind() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server not on PATH");
    cluster(true, true, false);
    Node r1 = nodes.get(0);
    Node r2 = nodes.get(1);
    Node c = nodes.get(2);
    long t0 = System.currentTimeMillis();
    r2.kill();
    long[] t = awaitFail(t0, r2, List.of(r1, c));
    System.out.printf(
        "mixed: kill -9 redis -> fail? %d ms, -> fail on redis and cinnabar %d ms%n", t[0], t[1]);
    Await.until("cinnabar cluster_state:fail", 5_000, c::stateFail);
    r2.start();
    for (Node w : nodes) {
      Await.until(w + " cluster_state:ok", 30_000, w::stateOk);
    }
    t0 = System.currentTimeMillis();
    c.kill();
    t = awaitFail(t0, c, List.of(r1, r2));
    System.out.printf(
        "mixed: kill -9 cinnabar -> fail? %d ms, -> fail on both redis %d ms%n", t[0], t[1]);
    Await.until("redis cluster_state:fail", 5_000, r1::stateFail);
    c.start();
    for (Node w : nodes) {
      Await.until(w + " cluster_state:ok after restart", 30_000, w::stateOk);
    }
  }

  /** The same kill on a cluster of three redis-servers, for the times reported next to ours. */
  @Test
  void redisReferenceTimes() throws Exception {
    Assumptions.assumeTrue(RealRedis.available(), "redis-server not on PATH");
    cluster(true, true, true);
    long t0 = System.currentTimeMillis();
    nodes.get(2).kill();
    long[] t = awaitFail(t0, nodes.get(2), List.of(nodes.get(0), nodes.get(1)));
    System.out.printf(
        "redis, node timeout %d ms: kill -9 -> fail? %d ms, -> fail on both %d ms%n",
        TIMEOUT, t[0], t[1]);
  }
}
