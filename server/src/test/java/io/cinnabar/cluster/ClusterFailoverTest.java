package io.cinnabar.cluster;

import static io.cinnabar.cluster.FailoverCluster.KEY0;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.FailoverCluster.Node;
import io.cinnabar.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic failover between in-process nodes (3 primaries, 3 replicas): a stopped primary's
 * replica wins the election, serves the slots, and the old primary restarted from its nodes.conf
 * rejoins as a replica of the winner. Also the fast election delays of Cinnabar (sub-second
 * failover with cluster-node-timeout 500).
 */
class ClusterFailoverTest {
  @TempDir Path dir;

  @Test
  void replicaTakesOverAndOldPrimaryRejoinsAsItsReplica() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(dir, new int[] {1, 1, 1}, "cluster-node-timeout", "1000")) {
      Node p0 = c.primaries.get(0);
      Node r0 = c.replicas.get(0);
      assertThat(FailoverCluster.writeAndWait(p0.port, 1, "SET", KEY0, "v1")).isEqualTo(":1\r\n");
      long epochBefore = r0.info("cluster_current_epoch");

      long t0 = System.currentTimeMillis();
      p0.stop();
      Await.until("r0 promoted", 15_000, r0::isPrimary);
      Await.until("r0 accepts writes", 15_000, () -> r0.call("SET", KEY0, "v2").equals("+OK\r\n"));
      System.out.printf(
          "node timeout 1000 ms, default delays: stop -> writes on the replica %d ms%n",
          System.currentTimeMillis() - t0);
      assertThat(r0.call("ROLE")).startsWith("*3\r\n$6\r\nmaster\r\n");
      assertThat(r0.call("INFO", "replication")).contains("role:master");
      assertThat(r0.info("cluster_my_epoch")).isGreaterThan(epochBefore);
      assertThat(r0.info("cluster_current_epoch")).isEqualTo(r0.info("cluster_my_epoch"));
      assertThat(r0.info("cluster_stats_messages_auth-req_sent")).isGreaterThanOrEqualTo(1);
      assertThat(r0.info("cluster_stats_messages_auth-ack_received")).isGreaterThanOrEqualTo(2);
      for (Node n : List.of(c.primaries.get(1), c.primaries.get(2))) {
        Await.until(n + " ok", 10_000, n::stateOk);
        assertThat(n.call("GET", KEY0)).startsWith("-MOVED 5061 127.0.0.1:" + r0.port);
        assertThat(n.info("cluster_stats_messages_auth-req_received")).isGreaterThanOrEqualTo(1);
        // The vote is persisted: vars currentEpoch N lastVoteEpoch N.
        String conf = Files.readString(n.dir.resolve("nodes.conf"));
        long epoch = r0.info("cluster_my_epoch");
        assertThat(conf).contains("lastVoteEpoch " + epoch);
      }

      p0.start();
      Await.until("old primary rejoins as replica", 20_000, () -> p0.replicates(r0));
      assertThat(p0.lineAbout(p0)).doesNotContain("connected 0-");
      assertThat(p0.call("READONLY")).isEqualTo("+OK\r\n");
      Await.until(
          "old primary has the new write",
          10_000,
          () -> {
            try (var cl = new io.cinnabar.testkit.RespClient("127.0.0.1", p0.port)) {
              cl.call("READONLY");
              return cl.call("GET", KEY0).equals("$2\r\nv2\r\n");
            }
          });
      for (Node n : c.all()) {
        Await.until(n + " ok at the end", 10_000, n::stateOk);
        Await.until(
            n + " sees p0 as replica of r0",
            10_000,
            () -> n.lineAbout(p0).contains("slave " + r0.id));
      }
    }
  }

  @Test
  void fastDelaysFailOverInUnderASecond() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(
            dir,
            new int[] {1, 1, 1},
            "cluster-node-timeout",
            "500",
            "cluster-election-base-delay",
            "0",
            "cluster-election-random-delay",
            "100",
            "cluster-election-rank-delay",
            "200")) {
      Node p0 = c.primaries.get(0);
      Node r0 = c.replicas.get(0);
      assertThat(r0.call("CONFIG", "GET", "cluster-election-rank-delay"))
          .isEqualTo("*2\r\n$27\r\ncluster-election-rank-delay\r\n$3\r\n200\r\n");
      long t0 = System.currentTimeMillis();
      p0.stop();
      long deadline = t0 + 10_000;
      while (!r0.call("SET", KEY0, "x").equals("+OK\r\n")) {
        assertThat(System.currentTimeMillis()).isLessThan(deadline);
        Thread.sleep(5);
      }
      long ms = System.currentTimeMillis() - t0;
      System.out.printf(
          "node timeout 500 ms, delays 0/100/200: stop -> writes on the replica %d ms%n", ms);
      assertThat(ms).isLessThan(3000);
    }
  }

  @Test
  void siblingReplicaFollowsTheWinnerWithAPartialResync() throws Exception {
    try (FailoverCluster c =
        new FailoverCluster(
            dir,
            new int[] {2, 0, 0},
            "cluster-node-timeout",
            "500",
            "cluster-election-base-delay",
            "0",
            "cluster-election-random-delay",
            "50")) {
      Node p0 = c.primaries.get(0);
      Node a = c.replicas.get(0);
      Node b = c.replicas.get(1);
      for (int i = 0; i < 49; i++) {
        p0.call("INCR", KEY0);
      }
      assertThat(FailoverCluster.writeAndWait(p0.port, 2, "INCR", KEY0)).isEqualTo(":2\r\n");
      p0.stop();
      Await.until("one replica promoted", 15_000, () -> a.isPrimary() || b.isPrimary());
      Node winner = a.isPrimary() ? a : b;
      Node loser = winner == a ? b : a;
      Await.until("the other follows it", 15_000, () -> loser.replicates(winner));
      assertThat(winner.call("INFO", "stats")).contains("sync_partial_ok:1");
      assertThat(winner.call("GET", KEY0)).isEqualTo("$2\r\n50\r\n");
      assertThat(FailoverCluster.writeAndWait(winner.port, 1, "INCR", KEY0)).isEqualTo(":1\r\n");
      for (Node n : List.of(c.primaries.get(1), c.primaries.get(2))) {
        Await.until(
            n + " sees the loser under the winner",
            10_000,
            () -> n.lineAbout(loser).contains("slave " + winner.id));
      }
    }
  }
}
