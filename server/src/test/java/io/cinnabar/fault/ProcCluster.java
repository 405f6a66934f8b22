package io.cinnabar.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Three primaries and three replicas, each its own process, built as redis-cli --cluster create
 * builds them (slot ranges 0-5460, 5461-10922, 10923-16383; replica i follows primary i). Close it
 * to stop every node it started.
 */
final class ProcCluster implements AutoCloseable {
  static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

  final List<Node> nodes = new ArrayList<>();
  final int nodeTimeout;

  /** Starts six nodes (Cinnabar, or redis-server when {@code redis}) with {@code extra} args. */
  ProcCluster(Path dir, boolean redis, int nodeTimeout, String... extra) throws Exception {
    this.nodeTimeout = nodeTimeout;
    List<String> args = new ArrayList<>(List.of("--cluster-node-timeout", "" + nodeTimeout));
    args.addAll(List.of(extra));
    try {
      for (int i = 0; i < 6; i++) {
        nodes.add(new Node(redis, dir.resolve("n" + i), args));
      }
      for (Node n : nodes) {
        n.start();
      }
      for (int i = 0; i < 3; i++) {
        // A call may time out on a JVM just started on a busy machine and still land: then the
        // retry finds its slots taken (by itself: no other node is known yet).
        Node n = nodes.get(i);
        int start = RANGES[i][0];
        String[] addSlots = {"CLUSTER", "ADDSLOTSRANGE", "" + start, "" + RANGES[i][1]};
        Await.until(
            n + " takes its slots",
            30_000,
            () -> {
              String r = n.call(addSlots);
              return r.equals("+OK\r\n") || r.startsWith("-ERR Slot " + start + " is already busy");
            });
        assertThat(n.clusterInfo("cluster_slots_assigned"))
            .isEqualTo("" + (RANGES[i][1] - RANGES[i][0] + 1));
      }
      Node first = nodes.get(0);
      for (int i = 1; i < 6; i++) {
        assertThat(
                nodes
                    .get(i)
                    .call("CLUSTER", "MEET", "127.0.0.1", "" + first.port, "" + first.cport))
            .isEqualTo("+OK\r\n");
      }
      for (Node n : nodes) {
        Await.until(
            n + " knows 6 nodes, state ok",
            30_000,
            () -> n.stateOk() && n.clusterInfo("cluster_known_nodes").equals("6"));
      }
      for (int i = 0; i < 3; i++) {
        Node r = nodes.get(3 + i);
        String p = nodes.get(i).id;
        Await.until(
            r + " replicates " + nodes.get(i),
            10_000,
            () -> r.call("CLUSTER", "REPLICATE", p).equals("+OK\r\n"));
      }
      awaitHealthy();
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  /**
   * Every running node reports cluster_state:ok and sees 3 primaries with slots and 3 replicas, and
   * every replica's link is up.
   */
  void awaitHealthy() throws InterruptedException {
    for (Node n : nodes) {
      Await.until(
          n + " healthy",
          30_000,
          () -> {
            String nodesReply = Node.bulk(n.call("CLUSTER", "NODES"));
            return n.stateOk()
                && count(nodesReply, "slave") == 3
                && count(nodesReply, "fail") == 0
                && (!n.info("replication", "role").equals("slave")
                    || n.info("replication", "master_link_status").equals("up"));
          });
    }
  }

  private static int count(String nodesReply, String flag) {
    int n = 0;
    for (String line : nodesReply.split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 2 && ("," + f[2] + ",").contains("," + flag)) {
        n++;
      }
    }
    return n;
  }

  Node primary(int i) {
    return nodes.get(i);
  }

  Node replica(int i) {
    return nodes.get(3 + i);
  }

  /** The node whose port is {@code port}. */
  Node byPort(int port) {
    for (Node n : nodes) {
      if (n.port == port) {
        return n;
      }
    }
    throw new IllegalArgumentException("no node on " + port);
  }

  /** Whether every node in {@code ns} reports cluster_state:ok. */
  static boolean allOk(List<Node> ns) {
    return ns.stream().allMatch(Node::stateOk);
  }

  /** The last {@code lines} lines of every node's log, for a failure report. */
  String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      sb.append("---- ").append(n).append(" (").append(n.id).append(")\n");
      try {
        List<String> all = java.nio.file.Files.readAllLines(n.home.resolve("log"));
        for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
          sb.append(l).append('\n');
        }
      } catch (java.io.IOException | RuntimeException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * SIGKILL to every node at once: a SIGTERM to a primary would start a slot hand-over to its
   * replica (being stopped too) and slow every test's teardown down.
   */
  @Override
  public void close() {
    for (Node n : nodes) {
      n.destroy();
    }
    for (Node n : nodes) {
      n.awaitExit();
    }
  }
}
