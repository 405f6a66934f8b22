package io.cinnabar.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication across implementations inside one cluster, attached with CLUSTER REPLICATE as
 * redis-cli does: a real redis-server replica of a Cinnabar primary, and a Cinnabar replica of a
 * redis-server primary. Both serve the same data as their primary (DEBUG DIGEST, READONLY reads),
 * both see the roles on the bus alike, and a dropped link resumes with a partial resync.
 */
class ClusterReplicationInteropTest {
  @TempDir Path dir;

  private static String id(RespClient c) {
    return Node.bulk(c.call("CLUSTER", "MYID"));
  }

  private static String info(RespClient c, String section, String field) {
    return Node.Fields.get(Node.bulk(c.call("INFO", section)), field);
  }

  private static void writeEveryType(RespClient c, String tag) {
    assertThat(c.call("SET", tag + "str", "v")).isEqualTo("+OK\r\n");
    c.call("SET", tag + "int", "12345");
    c.call("RPUSH", tag + "list", "a", "b", "c");
    c.call("HSET", tag + "hash", "f1", "1", "f2", "two");
    c.call("SADD", tag + "set", "x", "y", "z", "w");
    c.call("SADD", tag + "intset", "1", "2", "3");
    c.call("ZADD", tag + "zset", "1", "a", "2.5", "b");
    c.call("SET", tag + "ttl", "v", "EX", "1000");
    c.call("INCRBYFLOAT", tag + "float", "1.25");
    c.call("SPOP", tag + "set");
    for (int i = 0; i < 200; i++) {
      c.call("SET", tag + "k" + i, "v" + i);
    }
  }

  private static void awaitSameDigest(RespClient primary, RespClient replica, String what)
      throws InterruptedException {
    Await.until(
        what,
        10_000,
        () -> {
          String d = primary.call("DEBUG", "DIGEST");
          return d.length() == 43 && d.equals(replica.call("DEBUG", "DIGEST"));
        });
  }

  private TestServer cinnabar(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled",
        "yes",
        "dir",
        d.toString(),
        "cluster-node-timeout",
        "2000",
        "enable-debug-command",
        "yes",
        "repl-diskless-sync-delay",
        "0");
  }

  private static RealRedis redis() {
    return RealRedis.start(
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        Integer.toString(TestServer.freePort()),
        "--cluster-node-timeout",
        "2000",
        "--repl-diskless-sync-delay",
        "0");
  }

  @Test
  void redisReplicaOfCinnabarAndCinnabarReplicaOfRedisServeTheSameData() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server not on PATH");
    try (TestServer a = cinnabar("a");
        TestServer cb = cinnabar("cb");
        RealRedis b = redis();
        RealRedis ra = redis();
        RespClient pa = a.client();
        RespClient rcb = cb.client();
        RespClient pb = b.client();
        RespClient rra = ra.client()) {
      // {b} hashes to slot 3300 (A's), {a} to 15495 (B's).
      assertThat(pa.call("CLUSTER", "ADDSLOTSRANGE", "0", "8191")).isEqualTo("+OK\r\n");
      assertThat(pb.call("CLUSTER", "ADDSLOTSRANGE", "8192", "16383")).isEqualTo("+OK\r\n");
      String[] reply = pa.call("CONFIG", "GET", "cluster-port").split("\r\n");
      String bus = reply[reply.length - 1];
      for (RespClient c : new RespClient[] {rcb, pb, rra}) {
        assertThat(c.call("CLUSTER", "MEET", "127.0.0.1", "" + a.port(), bus)).isEqualTo("+OK\r\n");
      }
      RespClient[] all = {pa, rcb, pb, rra};
      for (RespClient c : all) {
        Await.until(
            "cluster_state:ok with 4 nodes",
            20_000,
            () -> {
              String ci = Node.bulk(c.call("CLUSTER", "INFO"));
              return ci.contains("cluster_state:ok") && ci.contains("cluster_known_nodes:4");
            });
      }
      writeEveryType(pa, "{b}before:");
      writeEveryType(pb, "{a}before:");
      String idA = id(pa);
      String idB = id(pb);
      Await.until(
          "redis replicates cinnabar",
          10_000,
          () -> rra.call("CLUSTER", "REPLICATE", idA).equals("+OK\r\n"));
      Await.until(
          "cinnabar replicates redis",
          10_000,
          () -> rcb.call("CLUSTER", "REPLICATE", idB).equals("+OK\r\n"));
      for (RespClient r : new RespClient[] {rra, rcb}) {
        Await.until(
            "replica link up",
            10_000,
            () -> info(r, "replication", "master_link_status").equals("up"));
      }
      // Every node sees both replicas on the bus, each under its primary.
      for (RespClient c : all) {
        Await.until(
            "both replicas known as such",
            10_000,
            () -> {
              String nodes = Node.bulk(c.call("CLUSTER", "NODES"));
              return nodes.contains("slave " + idA + " ") && nodes.contains("slave " + idB + " ");
            });
      }
      writeEveryType(pa, "{b}after:");
      writeEveryType(pb, "{a}after:");
      assertThat(pa.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
      assertThat(pb.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
      awaitSameDigest(pa, rra, "redis replica has the cinnabar primary's digest");
      awaitSameDigest(pb, rcb, "cinnabar replica has the redis primary's digest");
      for (RespClient r : new RespClient[] {rra, rcb}) {
        assertThat(r.call("READONLY")).isEqualTo("+OK\r\n");
      }
      assertThat(rra.call("GET", "{b}after:k7")).isEqualTo("$2\r\nv7\r\n");
      assertThat(rcb.call("GET", "{a}after:k7")).isEqualTo("$2\r\nv7\r\n");
      assertThat(rra.call("GET", "{a}after:k7")).startsWith("-MOVED 15495 ");
      assertThat(rcb.call("GET", "{b}after:k7")).startsWith("-MOVED 3300 ");

      // A dropped link resumes from the backlog on both sides.
      pa.call("CLIENT", "KILL", "TYPE", "replica");
      pb.call("CLIENT", "KILL", "TYPE", "replica");
      pa.call("SET", "{b}while-down", "1");
      pb.call("SET", "{a}while-down", "1");
      for (RespClient p : new RespClient[] {pa, pb}) {
        Await.until(
            "partial resync", 10_000, () -> info(p, "stats", "sync_partial_ok").equals("1"));
        assertThat(info(p, "stats", "sync_full")).isEqualTo("1");
      }
      awaitSameDigest(pa, rra, "redis replica after the partial resync");
      awaitSameDigest(pb, rcb, "cinnabar replica after the partial resync");
    }
  }
}
