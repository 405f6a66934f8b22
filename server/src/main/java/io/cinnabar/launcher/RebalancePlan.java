package io.cinnabar.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The slot moves of {@code cinnabar cluster rebalance}, computed as redis-cli's --cluster rebalance
 * does with equal weights: each participating primary should own 16384/n slots (the remainder to
 * the nodes that already own most); nodes over that give slots to the nodes under it, largest
 * deficit first. Pure, so it is unit-tested without a cluster.
 */
final class RebalancePlan {
  static final int SLOTS = 16384;

  /** A primary: its id, address and the slots it owns. */
  record Node(String id, String host, int port, List<Integer> slots) {}

  /** Move {@code slots} from {@code from} to {@code to}. */
  record Move(Node from, Node to, List<Integer> slots) {}

  private RebalancePlan() {}

  /**
   * The moves that balance {@code nodes} (all participating), or none when every node is within
   * {@code thresholdPercent} of its share.
   */
  static List<Move> plan(List<Node> nodes, double thresholdPercent) {
    int n = nodes.size();
    List<Move> moves = new ArrayList<>();
    if (n < 2) {
      return moves;
    }
    List<Node> order = new ArrayList<>(nodes);
    order.sort(Comparator.comparingInt((Node x) -> -x.slots().size()).thenComparing(Node::id));
    int[] balance = new int[n];
    boolean needed = false;
    for (int i = 0; i < n; i++) {
      int expected = SLOTS / n + (i < SLOTS % n ? 1 : 0);
      balance[i] = order.get(i).slots().size() - expected;
      if (expected > 0 && Math.abs(balance[i]) * 100.0 / expected > thresholdPercent) {
        needed = true;
      }
    }
    if (!needed) {
      return moves;
    }
    List<List<Integer>> remaining = new ArrayList<>();
    for (Node x : order) {
      remaining.add(new ArrayList<>(x.slots()));
    }
    while (true) {
      int dst = -1;
      int src = -1;
      for (int i = 0; i < n; i++) {
        if (balance[i] < 0 && (dst < 0 || balance[i] < balance[dst])) {
          dst = i;
        }
        if (balance[i] > 0 && (src < 0 || balance[i] > balance[src])) {
          src = i;
        }
      }
      if (dst < 0 || src < 0) {
        break;
      }
      int count = Math.min(-balance[dst], balance[src]);
      List<Integer> from = remaining.get(src);
      // The highest slots go: what is left stays in few ranges.
      List<Integer> taken = new ArrayList<>(from.subList(from.size() - count, from.size()));
      from.subList(from.size() - count, from.size()).clear();
      taken.sort(null);
      moves.add(new Move(order.get(src), order.get(dst), taken));
      balance[src] -= count;
      balance[dst] += count;
    }
    return moves;
  }

  /** Parses CLUSTER NODES into its primaries that are up and have an address. */
  static List<Node> primaries(String clusterNodes) {
    List<Node> out = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8) {
        continue;
      }
      String flags = f[2];
      if (!flags.contains("master") || flags.contains("fail") || flags.contains("noaddr")) {
        continue;
      }
      String addr = f[1];
      int at = addr.indexOf('@');
      String hostPort = at < 0 ? addr : addr.substring(0, at);
      int colon = hostPort.lastIndexOf(':');
      String host = hostPort.substring(0, colon);
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      List<Integer> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        String s = f[i];
        if (s.startsWith("[")) {
          continue; // a migrating/importing mark
        }
        int dash = s.indexOf('-');
        int a = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
        int b = dash < 0 ? a : Integer.parseInt(s.substring(dash + 1));
        for (int x = a; x <= b; x++) {
          slots.add(x);
        }
      }
      out.add(new Node(f[0], host.isEmpty() ? "127.0.0.1" : host, port, slots));
    }
    return out;
  }

  /** Slot numbers as SLOTSRANGE arguments: "start end" pairs of consecutive runs. */
  static List<String> ranges(List<Integer> slots) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < slots.size()) {
      int j = i;
      while (j + 1 < slots.size() && slots.get(j + 1) == slots.get(j) + 1) {
        j++;
      }
      out.add(Integer.toString(slots.get(i)));
      out.add(Integer.toString(slots.get(j)));
      i = j + 1;
    }
    return out;
  }
}
