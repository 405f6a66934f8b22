package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * In-process cluster for failover tests: primaries sharing the slots, replicas attached with
 * CLUSTER REPLICATE. Each node keeps its dir and ports, so a stopped node restarts with its
 * nodes.conf.
 */
final class FailoverCluster implements AutoCloseable {
  /** One node: fixed dir and ports; {@link #stop} and {@link #start} keep its identity. */
  static final class Node {
    final String name;
    final Path dir;
    final int port = TestServer.freePort();
    final int cport = TestServer.freePort();
    final String[] directives;
    TestServer server;
    String id;

    Node(String name, Path dir, String[] directives) {
      this.name = name;
      this.dir = dir;
      this.directives = directives;
    }

    void start() {
      List<String> d = new ArrayList<>(Arrays.asList(directives));
      d.addAll(
          List.of(
              "cluster-enabled",
              "yes",
              "dir",
              dir.toString(),
              "port",
              Integer.toString(port),
              "cluster-port",
              Integer.toString(cport)));
      server = TestServer.start(d.toArray(new String[0]));
      id = FailoverCluster.bulk(call("CLUSTER", "MYID"));
    }

    void stop() {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    boolean running() {
      return server != null;
    }

    String call(String... args) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        return c.call(args);
      } catch (RuntimeException e) {
        return "";
      }
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

    boolean isPrimary() {
      return lineAbout(this).contains("myself,master");
    }

    boolean replicates(Node p) {
      return lineAbout(this).contains("myself,slave " + p.id)
          && call("INFO", "replication").contains("master_link_status:up")
          && call("INFO", "replication").contains("master_port:" + p.port);
    }

    boolean stateOk() {
      return call("CLUSTER", "INFO").contains("cluster_state:ok");
    }

    long info(String field) {
      String info = call("CLUSTER", "INFO");
      int at = info.indexOf(field + ":");
      if (at < 0) {
        return 0;
      }
      int end = info.indexOf("\r\n", at);
      return Long.parseLong(info.substring(at + field.length() + 1, end));
    }

    @Override
    public String toString() {
      return name + ":" + port;
    }
  }

  final List<Node> primaries = new ArrayList<>();
  final List<Node> replicas = new ArrayList<>();

  /**
   * Starts {@code replicasOf.length} primaries (sharing the slots equally) and, for primary i,
   * {@code replicasOf[i]} replicas; waits until every node is known everywhere, every replica is in
   * sync and the cluster is ok everywhere.
   */
  FailoverCluster(Path root, int[] replicasOf, String... directives) throws Exception {
    try {
      for (int i = 0; i < replicasOf.length; i++) {
        primaries.add(node(root, "p" + i, directives));
      }
      for (int i = 0; i < replicasOf.length; i++) {
        for (int j = 0; j < replicasOf[i]; j++) {
          replicas.add(node(root, "r" + i + "_" + j, directives));
        }
      }
      int per = 16384 / primaries.size();
      for (int i = 0; i < primaries.size(); i++) {
        int from = i * per;
        int to = i == primaries.size() - 1 ? 16383 : from + per - 1;
        assertThat(primaries.get(i).call("CLUSTER", "ADDSLOTSRANGE", "" + from, "" + to))
            .isEqualTo("+OK\r\n");
      }
      Node first = primaries.get(0);
      for (Node n : all()) {
        if (n != first) {
          assertThat(n.call("CLUSTER", "MEET", "127.0.0.1", "" + first.port, "" + first.cport))
              .isEqualTo("+OK\r\n");
        }
      }
      int total = all().size();
      for (Node n : all()) {
        Await.until(
            n + " knows every node",
            20_000,
            () -> {
              String nodes = bulk(n.call("CLUSTER", "NODES"));
              return nodes.split("\n").length == total && !nodes.contains("handshake");
            });
      }
      int r = 0;
      for (int i = 0; i < replicasOf.length; i++) {
        for (int j = 0; j < replicasOf[i]; j++) {
          Node rep = replicas.get(r++);
          assertThat(rep.call("CLUSTER", "REPLICATE", primaries.get(i).id)).isEqualTo("+OK\r\n");
        }
      }
      r = 0;
      for (int i = 0; i < replicasOf.length; i++) {
        for (int j = 0; j < replicasOf[i]; j++) {
          Node rep = replicas.get(r++);
          Node p = primaries.get(i);
          Await.until(rep + " replicates " + p, 20_000, () -> rep.replicates(p));
          for (Node n : all()) {
            Await.until(
                n + " sees " + rep + " as a replica",
                20_000,
                () -> n.lineAbout(rep).contains("slave " + p.id));
          }
        }
      }
      for (Node n : all()) {
        Await.until(n + " cluster_state:ok", 20_000, n::stateOk);
      }
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  private Node node(Path root, String name, String[] directives) throws Exception {
    Path d = root.resolve(name);
    Files.createDirectories(d);
    Node n = new Node(name, d, directives);
    n.start();
    return n;
  }

  List<Node> all() {
    List<Node> all = new ArrayList<>(primaries);
    all.addAll(replicas);
    return all;
  }

  /** A key of slot 5061: primary 0's when there are 2 or 3 primaries. */
  static final String KEY0 = "bar";

  /**
   * Runs {@code cmd} then {@code WAIT replicas 5000} on the same connection (WAIT waits for the
   * writes of its own client) and returns WAIT's reply.
   */
  static String writeAndWait(int port, int replicas, String... cmd) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      assertThat(c.call(cmd)).doesNotStartWith("-");
      return c.call("WAIT", Integer.toString(replicas), "5000");
    }
  }

  static String bulk(String reply) {
    int nl = reply.indexOf("\r\n");
    return nl < 0 ? "" : reply.substring(nl + 2, Math.max(nl + 2, reply.length() - 2));
  }

  @Override
  public void close() {
    for (Node n : all()) {
      n.stop();
    }
  }
}
