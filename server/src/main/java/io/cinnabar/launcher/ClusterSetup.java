package io.cinnabar.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's side of creating a cluster, over the nodes' client ports: wait for PING, give each
 * primary its slot range, MEET everyone to the first node, wait for cluster_state:ok on every node
 * with every node known and connected, then describe the result.
 */
final class ClusterSetup {
  private static final int IO_TIMEOUT_MS = 5000;

  private final String host;
  private final int[] ports;
  private final int busOffset;
  private final long deadline;
  private final List<Process> processes;
  private final Path dir;

  ClusterSetup(
      String host, int[] ports, int busOffset, long deadline, List<Process> processes, Path dir) {
    this.host = host;
    this.ports = ports;
    this.busOffset = busOffset;
    this.deadline = deadline;
    this.processes = processes;
    this.dir = dir;
  }

  void awaitPing() throws ClusterStart.Failure {
    for (int i = 0; i < ports.length; i++) {
      int port = ports[i];
      while (true) {
        checkAlive(i);
        try (LauncherResp c = new LauncherResp(host, port, IO_TIMEOUT_MS)) {
          if ("PONG".equals(c.callString("PING"))) {
            break;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        pause("node " + port + " to answer PING");
      }
    }
  }

  /** The first {@code ranges.length} nodes are the primaries; node i gets range i. */
  void assignSlots(int[][] ranges) throws ClusterStart.Failure {
    for (int i = 0; i < ranges.length; i++) {
      call(
          ports[i],
          "CLUSTER",
          "ADDSLOTSRANGE",
          Integer.toString(ranges[i][0]),
          Integer.toString(ranges[i][1]));
    }
  }

  /** Every other node meets the first, as redis-cli --cluster create does. */
  void meet() throws ClusterStart.Failure {
    for (int i = 1; i < ports.length; i++) {
      call(
          ports[i],
          "CLUSTER",
          "MEET",
          host,
          Integer.toString(ports[0]),
          Integer.toString(ports[0] + busOffset));
    }
  }

  void awaitOk() throws ClusterStart.Failure {
    for (int i = 0; i < ports.length; i++) {
      String last = "";
      while (true) {
        checkAlive(i);
        try (LauncherResp c = new LauncherResp(host, ports[i], IO_TIMEOUT_MS)) {
          String info = c.callString("CLUSTER", "INFO");
          String nodes = c.callString("CLUSTER", "NODES");
          last = info.contains("cluster_state:ok") ? "knows " + connected(nodes) : "state not ok";
          if (info.contains("cluster_state:ok") && connected(nodes) == ports.length) {
            break;
          }
        } catch (IOException e) {
          last = e.getMessage();
        }
        pause("node " + ports[i] + " to report cluster_state:ok with all nodes (" + last + ")");
      }
    }
  }

  /**
   * Makes every node after the first {@code primaries} a replica (CLUSTER REPLICATE), spread over
   * the primaries in turn, then waits until each replica's link is up and the first node sees every
   * replica.
   */
  void replicate(int primaries) throws ClusterStart.Failure {
    int replicas = ports.length - primaries;
    if (replicas == 0) {
      return;
    }
    String[] ids = new String[primaries];
    for (int i = 0; i < primaries; i++) {
      try (LauncherResp c = new LauncherResp(host, ports[i], IO_TIMEOUT_MS)) {
        ids[i] = c.callString("CLUSTER", "MYID");
      } catch (IOException e) {
        throw new ClusterStart.Failure("CLUSTER MYID on " + ports[i] + ": " + e.getMessage());
      }
    }
    for (int i = primaries; i < ports.length; i++) {
      call(ports[i], "CLUSTER", "REPLICATE", ids[(i - primaries) % primaries]);
    }
    for (int i = primaries; i < ports.length; i++) {
      String last = "";
      while (true) {
        checkAlive(i);
        try (LauncherResp c = new LauncherResp(host, ports[i], IO_TIMEOUT_MS)) {
          last = c.callString("INFO", "replication");
          if (last.contains("master_link_status:up")) {
            break;
          }
        } catch (IOException e) {
          last = e.getMessage();
        }
        pause("replica " + ports[i] + " to finish its sync");
      }
    }
    while (true) {
      try (LauncherResp c = new LauncherResp(host, ports[0], IO_TIMEOUT_MS)) {
        String nodes = c.callString("CLUSTER", "NODES");
        if (nodes.split(" slave ", -1).length - 1 == replicas) {
          break;
        }
      } catch (IOException e) {
        // retried below until the deadline
      }
      pause("node " + ports[0] + " to see " + replicas + " replicas");
    }
  }

  /** Nodes in a CLUSTER NODES reply that are connected and not failing (myself included). */
  static int connected(String nodes) {
    int n = 0;
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length >= 8
          && f[7].equals("connected")
          && !f[2].contains("fail")
          && !f[2].contains("handshake")
          && !f[2].contains("noaddr")) {
        n++;
      }
    }
    return n;
  }

  /** The table printed once the cluster is up: one row per node, by port. */
  String table() throws ClusterStart.Failure {
    String nodes;
    try (LauncherResp c = new LauncherResp(host, ports[0], IO_TIMEOUT_MS)) {
      nodes = c.callString("CLUSTER", "NODES");
    } catch (IOException e) {
      throw new ClusterStart.Failure("CLUSTER NODES on " + ports[0] + ": " + e.getMessage());
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NODE ID", "ADDRESS", "ROLE", "SLOTS", "PID"});
    List<String[]> lines = new ArrayList<>();
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length >= 8) {
        lines.add(f);
      }
    }
    lines.sort((a, b) -> Integer.compare(port(a[1]), port(b[1])));
    for (String[] f : lines) {
      String addr = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
      String role = f[2].contains("master") ? "master" : f[2].contains("slave") ? "replica" : "?";
      String slots = f.length > 8 ? String.join(",", Arrays.asList(f).subList(8, f.length)) : "-";
      int idx = indexOf(port(f[1]));
      String pid = idx < 0 ? "?" : Long.toString(processes.get(idx).pid());
      rows.add(new String[] {f[0], addr, role, slots, pid});
    }
    int[] width = new int[5];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        sb.append(r[i]);
        if (i < r.length - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static int port(String addr) {
    int colon = addr.lastIndexOf(':');
    int at = addr.indexOf('@');
    try {
      return Integer.parseInt(addr.substring(colon + 1, at < 0 ? addr.length() : at));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private int indexOf(int port) {
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] == port) {
        return i;
      }
    }
    return -1;
  }

  private void call(int port, String... args) throws ClusterStart.Failure {
    try (LauncherResp c = new LauncherResp(host, port, IO_TIMEOUT_MS)) {
      c.call(args);
    } catch (IOException e) {
      throw new ClusterStart.Failure(
          String.join(" ", args) + " on node " + port + " failed: " + e.getMessage());
    }
  }

  private void checkAlive(int i) throws ClusterStart.Failure {
    Process p = processes.get(i);
    if (!p.isAlive()) {
      Path nd = ClusterLayout.nodeDir(dir, ports[i]);
      String log = ClusterLayout.tail(nd.resolve(ClusterLayout.LOGFILE), 5);
      String out = ClusterLayout.tail(nd.resolve(ClusterLayout.STDOUT), 5);
      throw new ClusterStart.Failure(
          "node "
              + ports[i]
              + " (pid "
              + p.pid()
              + ") exited with code "
              + p.exitValue()
              + ". Last lines of its output:\n"
              + (log + "\n" + out).strip());
    }
  }

  private void pause(String what) throws ClusterStart.Failure {
    if (System.nanoTime() > deadline) {
      throw new ClusterStart.Failure("timed out waiting for " + what);
    }
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterStart.Failure("interrupted waiting for " + what);
    }
  }
}
