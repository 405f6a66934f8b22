package io.cinnabar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two in-process cluster nodes joined by hand, the start of several cluster tests. */
public final class ClusterPair {
  private ClusterPair() {}

  /** The node's ID (CLUSTER MYID). */
  public static String id(RespClient c) {
    String r = c.call("CLUSTER", "MYID");
    return r.substring(r.indexOf('\n') + 1, r.length() - 2);
  }

  /**
   * A takes every slot and B meets it; returns once each lists the other by its real ID (no
   * handshake left), both agree on every node's config epoch and the epochs differ (a test that
   * counts on an epoch bump needs them settled), and B reports cluster_state:ok.
   */
  public static void join(TestServer a, RespClient ca, RespClient cb) throws InterruptedException {
    assertThat(ca.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
    meet(a, cb);
    String idA = id(ca);
    String idB = id(cb);
    for (RespClient c : new RespClient[] {ca, cb}) {
      Await.until(
          "both nodes known by ID",
          15_000,
          () -> {
            String nodes = c.call("CLUSTER", "NODES");
            return nodes.contains(idA) && nodes.contains(idB) && !nodes.contains("handshake");
          });
    }
    Await.until(
        "config epochs settled",
        15_000,
        () -> {
          java.util.Map<String, String> e = epochs(ca);
          return e.equals(epochs(cb)) && new java.util.HashSet<>(e.values()).size() == 2;
        });
    Await.until("cluster ok", 15_000, () -> cb.call("CLUSTER", "INFO").contains("state:ok"));
  }

  /** The node of {@code c} meets node {@code a} (CLUSTER MEET on its client and bus ports). */
  public static void meet(TestServer a, RespClient c) {
    assertThat(
            c.call(
                "CLUSTER",
                "MEET",
                "127.0.0.1",
                Integer.toString(a.port()),
                a.config.get("cluster-port")))
        .isEqualTo("+OK\r\n");
  }

  /** Node ID to config epoch, from CLUSTER NODES. */
  private static java.util.Map<String, String> epochs(RespClient c) {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    String nodes = c.call("CLUSTER", "NODES");
    for (String line : nodes.substring(nodes.indexOf('\n') + 1).split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 6) {
        m.put(f[0], f[6]);
      }
    }
    return m;
  }
}
