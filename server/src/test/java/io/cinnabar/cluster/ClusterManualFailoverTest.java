package io.cinnabar.cluster;

import static io.cinnabar.cluster.FailoverCluster.KEY0;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.FailoverCluster.Node;
import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLUSTER FAILOVER (default, FORCE, TAKEOVER) with Redis 7.0.15's error replies, replica migration
 * to an orphaned primary, and the slot hand-over of a primary shutting down.
 */
class ClusterManualFailoverTest {
  @TempDir Path dir;

  private static void awaitSwapped(Node newPrimary, Node oldPrimary, FailoverCluster c)
      throws InterruptedException {
    Await.until(newPrimary + " primary", 10_000, newPrimary::isPrimary);
    Await.until(
        oldPrimary + " replicates " + newPrimary, 15_000, () -> oldPrimary.replicates(newPrimary));
    for (Node n : c.all()) {
      if (n.running()) {
        Await.until(
            n + " sees the new roles",
            10_000,
            () ->
                n.lineAbout(oldPrimary).contains("slave " + newPrimary.id)
                    && n.lineAbout(newPrimary).contains("master - "));
      }
    }
  }

  @Test
  void manualForceAndTakeover() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(dir, new int[] {1, 0, 0}, "cluster-node-timeout", "1000")) {
      Node p0 = c.primaries.get(0);
      Node r0 = c.replicas.get(0);
      assertThat(p0.call("CLUSTER", "FAILOVER"))
          .isEqualTo("-ERR You should send CLUSTER FAILOVER to a replica\r\n");
      assertThat(p0.call("CLUSTER", "FAILOVER", "TAKEOVER"))
          .isEqualTo("-ERR You should send CLUSTER FAILOVER to a replica\r\n");
      assertThat(r0.call("CLUSTER", "FAILOVER", "x")).isEqualTo("-ERR syntax error\r\n");
      assertThat(r0.call("CLUSTER", "FAILOVER", "force", "x"))
          .isEqualTo(
              "-ERR unknown subcommand or wrong number of arguments for 'failover'."
                  + " Try CLUSTER HELP.\r\n");

      // Default: the primary pauses writes, the replica catches up, then wins with FORCEACK.
      try (RespClient w = new RespClient("127.0.0.1", p0.port)) {
        for (int i = 0; i < 200; i++) {
          w.send("INCR", KEY0);
        }
        for (int i = 0; i < 200; i++) {
          w.readReply();
        }
      }
      assertThat(r0.call("CLUSTER", "FAILOVER")).isEqualTo("+OK\r\n");
      awaitSwapped(r0, p0, c);
      assertThat(r0.call("GET", KEY0)).isEqualTo("$3\r\n200\r\n");
      assertThat(r0.info("cluster_stats_messages_mfstart_sent")).isEqualTo(1);
      assertThat(p0.info("cluster_stats_messages_mfstart_received")).isEqualTo(1);
      assertThat(r0.call("INCR", KEY0)).isEqualTo(":201\r\n");
      // The old primary's pause ended: it redirects instead of hanging.
      assertThat(p0.call("INCR", KEY0)).startsWith("-MOVED 5061 127.0.0.1:" + r0.port);

      // FORCE: no handshake with the primary.
      assertThat(p0.call("CLUSTER", "FAILOVER", "FORCE")).isEqualTo("+OK\r\n");
      awaitSwapped(p0, r0, c);
      assertThat(p0.call("INCR", KEY0)).isEqualTo(":202\r\n");

      // TAKEOVER: no election, a new config epoch bumped without consensus.
      long epoch = r0.info("cluster_current_epoch");
      assertThat(r0.call("CLUSTER", "FAILOVER", "TAKEOVER")).isEqualTo("+OK\r\n");
      awaitSwapped(r0, p0, c);
      assertThat(r0.info("cluster_my_epoch")).isGreaterThan(epoch);
      Await.until("r0 writes", 5_000, () -> r0.call("INCR", KEY0).matches(":20[3-9]\r\n"));

      // A replica whose primary is down must be forced.
      r0.stop();
      Await.until(
          "refused without FORCE",
          10_000,
          () ->
              p0.call("CLUSTER", "FAILOVER")
                  .equals("-ERR Master is down or failed, please use CLUSTER FAILOVER FORCE\r\n"));
      assertThat(p0.call("CLUSTER", "FAILOVER", "FORCE")).isEqualTo("+OK\r\n");
      Await.until("p0 primary again", 10_000, p0::isPrimary);
      Await.until("p0 writes", 10_000, () -> p0.call("SET", KEY0, "1").equals("+OK\r\n"));
    }
  }

  @Test
  void noFailoverReplicaWaitsForAManualFailover() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(
            dir,
            new int[] {1, 0, 0},
            "cluster-node-timeout",
            "500",
            "cluster-election-base-delay",
            "0",
            "cluster-election-random-delay",
            "0")) {
      Node p0 = c.primaries.get(0);
      Node r0 = c.replicas.get(0);
      Node p1 = c.primaries.get(1);
      assertThat(r0.call("CONFIG", "SET", "cluster-replica-no-failover", "yes"))
          .isEqualTo("+OK\r\n");
      Await.until("the flag travels", 5_000, () -> p1.lineAbout(r0).contains("slave,nofailover "));
      p0.stop();
      Await.until("p0 failed", 10_000, () -> r0.lineAbout(p0).contains("master,fail "));
      // With zero election delays a replica allowed to fail over would have won by now.
      Thread.sleep(1000);
      assertThat(r0.isPrimary()).isFalse();
      assertThat(r0.call("CLUSTER", "FAILOVER"))
          .isEqualTo("-ERR Master is down or failed, please use CLUSTER FAILOVER FORCE\r\n");
      assertThat(r0.call("CLUSTER", "FAILOVER", "FORCE")).isEqualTo("+OK\r\n");
      Await.until("r0 promoted by hand", 10_000, r0::isPrimary);
    }
  }

  @Test
  void shutdownHandsSlotsToTheReplicaWithoutLosingAckedWrites() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(dir, new int[] {1, 0, 0}, "cluster-node-timeout", "5000")) {
      Node p0 = c.primaries.get(0);
      Node r0 = c.replicas.get(0);
      assertThat(FailoverCluster.writeAndWait(p0.port, 1, "SET", KEY0, "acked"))
          .isEqualTo(":1\r\n");
      long t0 = System.currentTimeMillis();
      try (RespClient cl = new RespClient("127.0.0.1", p0.port)) {
        cl.send("SHUTDOWN", "NOSAVE");
        assertThat(cl.isClosedByServer(15_000)).isTrue();
      }
      p0.server.server.terminated().get(15, java.util.concurrent.TimeUnit.SECONDS);
      p0.stop();
      // Long node timeout: no failure detection could have done this so fast.
      Await.until("r0 primary", 3_000, r0::isPrimary);
      System.out.printf(
          "SHUTDOWN hand-over: primary gone and replica promoted in %d ms%n",
          System.currentTimeMillis() - t0);
      assertThat(r0.call("GET", KEY0)).isEqualTo("$5\r\nacked\r\n");
      assertThat(r0.call("SET", KEY0, "after")).isEqualTo("+OK\r\n");
      for (Node n : c.primaries.subList(1, 3)) {
        Await.until(
            n + " redirects to r0",
            5_000,
            () -> n.call("GET", KEY0).startsWith("-MOVED 5061 127.0.0.1:" + r0.port));
      }
    }
  }

  @Test
  void replicaMigratesToAnOrphanedPrimary() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(dir, new int[] {2, 1, 0}, "cluster-node-timeout", "500")) {
      Node p1 = c.primaries.get(1);
      Node r1 = c.replicas.get(2);
      r1.stop(); // p1 is orphaned; p0 has two replicas (barrier 1)
      Await.until(
          "a replica of p0 migrates to p1",
          15_000,
          () -> c.replicas.get(0).replicates(p1) || c.replicas.get(1).replicates(p1));
      Node moved = c.replicas.get(0).replicates(p1) ? c.replicas.get(0) : c.replicas.get(1);
      Node stayed = moved == c.replicas.get(0) ? c.replicas.get(1) : c.replicas.get(0);
      assertThat(stayed.replicates(c.primaries.get(0))).isTrue();
      // The smallest id of the replicas of the primary with the most replicas migrates.
      assertThat(moved.id.compareTo(stayed.id)).isLessThan(0);
    }
  }

  /** A node in a JVM of its own, for the SIGTERM path of the launcher. */
  private static Process startProcess(Path home, int port, int cport) throws Exception {
    return io.cinnabar.testkit.ServerProcess.startClusterNode(
        home, port, cport, "128m", "--cluster-node-timeout", "5000");
  }

  private static String call(int port, String... args) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      return c.call(args);
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Test
  void sigtermHandsSlotsToTheReplica() throws Exception {
    int port = io.cinnabar.testkit.TestServer.freePort();
    int cport = io.cinnabar.testkit.TestServer.freePort();
    Process p0 = startProcess(dir.resolve("p0"), port, cport);
    String[] d = {"cluster-enabled", "yes", "cluster-node-timeout", "5000"};
    try (io.cinnabar.testkit.TestServer p1 = io.cinnabar.testkit.TestServer.start(d);
        io.cinnabar.testkit.TestServer p2 = io.cinnabar.testkit.TestServer.start(d);
        io.cinnabar.testkit.TestServer r0 = io.cinnabar.testkit.TestServer.start(d)) {
      Await.until("p0 up", 30_000, () -> call(port, "PING").equals("+PONG\r\n"));
      String id0 = FailoverCluster.bulk(call(port, "CLUSTER", "MYID"));
      assertThat(call(port, "CLUSTER", "ADDSLOTSRANGE", "0", "5460")).isEqualTo("+OK\r\n");
      assertThat(call(p1.port(), "CLUSTER", "ADDSLOTSRANGE", "5461", "10922")).isEqualTo("+OK\r\n");
      assertThat(call(p2.port(), "CLUSTER", "ADDSLOTSRANGE", "10923", "16383"))
          .isEqualTo("+OK\r\n");
      for (io.cinnabar.testkit.TestServer s : java.util.List.of(p1, p2, r0)) {
        assertThat(call(s.port(), "CLUSTER", "MEET", "127.0.0.1", "" + port, "" + cport))
            .isEqualTo("+OK\r\n");
      }
      Await.until(
          "all know all",
          20_000,
          () -> {
            for (int pt : new int[] {port, p1.port(), p2.port(), r0.port()}) {
              String n = FailoverCluster.bulk(call(pt, "CLUSTER", "NODES"));
              if (n.split("\n").length != 4 || n.contains("handshake")) {
                return false;
              }
            }
            return true;
          });
      assertThat(call(r0.port(), "CLUSTER", "REPLICATE", id0)).isEqualTo("+OK\r\n");
      Await.until(
          "r0 in sync",
          20_000,
          () -> call(r0.port(), "INFO", "replication").contains("master_link_status:up"));
      for (int pt : new int[] {p1.port(), p2.port()}) {
        Await.until(
            pt + " sees r0 as replica",
            20_000,
            () -> call(pt, "CLUSTER", "NODES").contains("slave " + id0));
      }
      for (int pt : new int[] {port, p1.port(), p2.port(), r0.port()}) {
        Await.until(pt + " ok", 20_000, () -> call(pt, "CLUSTER", "INFO").contains("state:ok"));
      }
      // The voters refuse a request whose config epoch is older than the slots' (r0 must have
      // heard p0's epoch, settled by the collision rule after ADDSLOTS, before it can win).
      int[] all = {port, p1.port(), p2.port(), r0.port()};
      Await.until("config epochs settled and known everywhere", 20_000, () -> epochsAgree(all));
      assertThat(FailoverCluster.writeAndWait(port, 1, "SET", KEY0, "acked")).isEqualTo(":1\r\n");
      long t0 = System.currentTimeMillis();
      new ProcessBuilder("kill", "-TERM", Long.toString(p0.pid()))
          .start()
          .waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(p0.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      Await.until(
          "r0 primary", 2_000, () -> call(r0.port(), "CLUSTER", "NODES").contains("myself,master"));
      System.out.printf(
          "SIGTERM hand-over: process exited and replica primary %d ms after the signal%n",
          System.currentTimeMillis() - t0);
      assertThat(call(r0.port(), "GET", KEY0)).isEqualTo("$5\r\nacked\r\n");
    } finally {
      p0.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Every node sees the same primaries with the same, distinct, config epochs. */
  private static boolean epochsAgree(int[] ports) {
    java.util.Set<String> first = null;
    for (int pt : ports) {
      java.util.Set<String> view = new java.util.TreeSet<>();
      java.util.Set<String> epochs = new java.util.HashSet<>();
      for (String line : FailoverCluster.bulk(call(pt, "CLUSTER", "NODES")).split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length > 8 && f[2].contains("master")) {
          view.add(f[0] + "=" + f[6]);
          epochs.add(f[6]);
        }
      }
      if (epochs.size() != view.size() || (first != null && !first.equals(view))) {
        return false;
      }
      first = view;
    }
    return true;
  }
}
