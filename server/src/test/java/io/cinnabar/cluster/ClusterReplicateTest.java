package io.cinnabar.cluster;

import static io.cinnabar.testkit.ClusterPair.id;
import static io.cinnabar.testkit.ClusterPair.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLUSTER REPLICATE between two Cinnabar nodes: Redis's refusals, then the role change on the bus
 * (both nodes' CLUSTER NODES) and the replication link (full sync and the stream, read with
 * READONLY on the replica). Error texts checked against redis-server 7.0.15.
 */
class ClusterReplicateTest {
  @TempDir Path dir;

  private TestServer node(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled", "yes", "dir", d.toString(), "cluster-node-timeout", "2000");
  }

  @Test
  void emptyPrimaryBecomesAReplicaAndFollows() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b");
        RespClient ca = a.client();
        RespClient cb = b.client()) {
      join(a, ca, cb);
      String idA = id(ca);
      String idB = id(cb);
      assertThat(ca.call("SET", "foo", "before")).isEqualTo("+OK\r\n");

      assertThat(cb.call("CLUSTER", "REPLICATE", "0123456789012345678901234567890123456789"))
          .isEqualTo("-ERR Unknown node 0123456789012345678901234567890123456789\r\n");
      assertThat(cb.call("CLUSTER", "REPLICATE", idB)).isEqualTo("-ERR Can't replicate myself\r\n");
      assertThat(ca.call("CLUSTER", "REPLICATE", idB))
          .isEqualTo("-ERR To set a master the node must be empty and without assigned slots.\r\n");

      assertThat(cb.call("CLUSTER", "REPLICATE", idA)).isEqualTo("+OK\r\n");
      Await.until(
          "the replica's link up",
          15_000,
          () -> cb.call("INFO", "replication").contains("master_link_status:up"));
      Await.until(
          "the primary sees its replica",
          15_000,
          () -> ca.call("CLUSTER", "NODES").contains("slave " + idA));
      assertThat(cb.call("CLUSTER", "NODES")).contains("myself,slave " + idA);
      assertThat(ca.call("INFO", "replication")).contains("connected_slaves:1");

      // A replica redirects to its primary unless the connection is READONLY.
      assertThat(cb.call("GET", "foo")).startsWith("-MOVED 12182 127.0.0.1:" + a.port());
      assertThat(cb.call("READONLY")).isEqualTo("+OK\r\n");
      assertThat(cb.call("GET", "foo")).isEqualTo("$6\r\nbefore\r\n");
      assertThat(ca.call("SET", "foo", "after")).isEqualTo("+OK\r\n");
      assertThat(ca.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
      assertThat(cb.call("GET", "foo")).isEqualTo("$5\r\nafter\r\n");
      assertThat(cb.call("DEBUG", "DIGEST")).isEqualTo(ca.call("DEBUG", "DIGEST"));

      // A replica cannot replicate another replica.
      try (TestServer c3 = node("c");
          RespClient cc = c3.client()) {
        cc.call(
            "CLUSTER",
            "MEET",
            "127.0.0.1",
            Integer.toString(a.port()),
            a.config.get("cluster-port"));
        Await.until(
            "the third node knows the replica",
            15_000,
            () -> cc.call("CLUSTER", "NODES").contains(idB + " 127.0.0.1:" + b.port()));
        Await.until(
            "the third node sees it as a replica",
            15_000,
            () -> cc.call("CLUSTER", "NODES").contains("slave " + idA));
        assertThat(cc.call("CLUSTER", "REPLICATE", idB))
            .isEqualTo("-ERR I can only replicate a master, not a replica.\r\n");
      }
    }
  }
}
