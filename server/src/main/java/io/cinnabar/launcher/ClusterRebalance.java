package io.cinnabar.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cinnabar cluster rebalance host:port}: evens out slot ownership across the primaries
 * (redis-cli --cluster rebalance's plan, equal weights) with atomic slot migration: one CLUSTER
 * MIGRATESLOTS per source node, all running at once, then a progress bar on stderr from CLUSTER
 * GETSLOTMIGRATIONS (slots and keys moved, keys/s, ETA) until every job ends and every node agrees
 * on the new owners.
 */
@Command(
    name = "rebalance",
    mixinStandardHelpOptions = true,
    description = "Even out slots across primaries using atomic slot migration.")
final class ClusterRebalance implements Callable<Integer> {
  private static final int IO_TIMEOUT_MS = 10_000;

  @Parameters(index = "0", description = "Any node of the cluster, as host:port.")
  String node;

  @Option(
      names = "--use-empty-masters",
      description = "Give slots to primaries that own none (default: only to those with slots).")
  boolean useEmpty;

  @Option(
      names = "--threshold",
      defaultValue = "2",
      description = "Do nothing if every node is within this percent of its share (default: 2).")
  double threshold;

  @Option(names = "--simulate", description = "Print the plan, move nothing.")
  boolean simulate;

  @Option(
      names = "--timeout",
      defaultValue = "3600",
      description = "Seconds to wait for the migrations (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    int colon = node.lastIndexOf(':');
    String host = node.substring(0, colon);
    int port = Integer.parseInt(node.substring(colon + 1));
    String nodes;
    try (LauncherResp c = new LauncherResp(host, port, IO_TIMEOUT_MS)) {
      nodes = c.callString("CLUSTER", "NODES");
    }
    List<RebalancePlan.Node> all = RebalancePlan.primaries(nodes);
    List<RebalancePlan.Node> part = new ArrayList<>();
    for (RebalancePlan.Node n : all) {
      if (!n.slots().isEmpty() || useEmpty) {
        part.add(n);
      }
    }
    List<RebalancePlan.Move> moves = RebalancePlan.plan(part, threshold);
    PrintStream out = System.out;
    if (moves.isEmpty()) {
      out.println(
          "*** No rebalancing needed! All nodes are within the " + threshold + "% threshold.");
      return 0;
    }
    int total = 0;
    for (RebalancePlan.Move m : moves) {
      out.println(
          "Moving "
              + m.slots().size()
              + " slots from "
              + m.from().host()
              + ":"
              + m.from().port()
              + " to "
              + m.to().host()
              + ":"
              + m.to().port());
      total += m.slots().size();
    }
    if (simulate) {
      return 0;
    }
    // One MIGRATESLOTS per source: a SLOTSRANGE ... NODE block per target.
    Map<RebalancePlan.Node, List<RebalancePlan.Move>> bySource = new LinkedHashMap<>();
    for (RebalancePlan.Move m : moves) {
      bySource.computeIfAbsent(m.from(), k -> new ArrayList<>()).add(m);
    }
    Map<RebalancePlan.Node, Set<String>> before = new HashMap<>();
    for (Map.Entry<RebalancePlan.Node, List<RebalancePlan.Move>> e : bySource.entrySet()) {
      RebalancePlan.Node src = e.getKey();
      List<String> args = new ArrayList<>(List.of("CLUSTER", "MIGRATESLOTS"));
      for (RebalancePlan.Move m : e.getValue()) {
        args.add("SLOTSRANGE");
        args.addAll(RebalancePlan.ranges(m.slots()));
        args.add("NODE");
        args.add(m.to().id());
      }
      try (LauncherResp c = new LauncherResp(src.host(), src.port(), IO_TIMEOUT_MS)) {
        before.put(src, names(jobs(c)));
        c.call(args.toArray(new String[0]));
      } catch (LauncherResp.ErrorReply err) {
        System.err.println("[ERR] " + src.host() + ":" + src.port() + ": " + err.getMessage());
        return 1;
      }
    }
    int rc = follow(bySource.keySet(), before, total);
    if (rc == 0) {
      rc = awaitAgreement(all);
    }
    return rc;
  }

  /** Polls the sources' jobs and draws the progress bar until all ended; 1 if any failed. */
  private int follow(
      Set<RebalancePlan.Node> sources, Map<RebalancePlan.Node, Set<String>> before, int totalSlots)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeoutSeconds * 1_000_000_000L;
    Map<RebalancePlan.Node, LauncherResp> conns = new HashMap<>();
    try {
      for (RebalancePlan.Node s : sources) {
        conns.put(s, new LauncherResp(s.host(), s.port(), IO_TIMEOUT_MS));
      }
      while (true) {
        long slotsDone = 0;
        long keys = 0;
        long keysTotal = 0;
        boolean active = false;
        List<String> failures = new ArrayList<>();
        for (RebalancePlan.Node s : sources) {
          for (Map<String, Object> j : jobs(conns.get(s))) {
            if (before.get(s).contains(j.get("name"))) {
              continue;
            }
            String state = (String) j.get("state");
            keys += (Long) j.get("keys");
            keysTotal += Math.max(0, (Long) j.get("keys_total"));
            switch (state) {
              case "success" -> slotsDone += (Long) j.get("slots");
              case "failed", "cancelled" ->
                  failures.add(
                      j.get("slot_ranges")
                          + " from "
                          + s.host()
                          + ":"
                          + s.port()
                          + ": "
                          + state
                          + " ("
                          + j.get("message")
                          + ")");
              default -> active = true;
            }
          }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        draw(slotsDone, totalSlots, keys, keysTotal, secs, !active);
        if (!active) {
          if (!failures.isEmpty()) {
            for (String f : failures) {
              System.err.println("[ERR] migration of slots " + f);
            }
            return 1;
          }
          return 0;
        }
        if (System.nanoTime() > deadline) {
          System.err.println("\n[ERR] migrations still running after " + timeoutSeconds + " s");
          return 1;
        }
        Thread.sleep(200);
      }
    } finally {
      for (LauncherResp c : conns.values()) {
        c.close();
      }
    }
  }

  private static void draw(
      long slots, int totalSlots, long keys, long keysTotal, double secs, boolean last) {
    int width = 30;
    double frac = totalSlots == 0 ? 1 : (double) slots / totalSlots;
    if (keysTotal > 0 && !last) {
      frac = Math.max(frac, Math.min(1.0, (double) keys / keysTotal));
    }
    int filled = (int) Math.round(frac * width);
    double rate = secs > 0 ? keys / secs : 0;
    String eta;
    if (last) {
      eta = "done in " + String.format(Locale.ROOT, "%.1f s", secs);
    } else if (rate > 0 && keysTotal > keys) {
      long s = Math.round((keysTotal - keys) / rate);
      eta = String.format(Locale.ROOT, "ETA %d:%02d", s / 60, s % 60);
    } else {
      eta = "ETA --:--";
    }
    System.err.print(
        String.format(
            Locale.ROOT,
            "\r[%s%s] %3d%% slots %d/%d keys %d/%d %.0f keys/s %s   ",
            "#".repeat(filled),
            ".".repeat(width - filled),
            Math.round(frac * 100),
            slots,
            totalSlots,
            keys,
            keysTotal,
            rate,
            eta));
    if (last) {
      System.err.println();
    }
    System.err.flush();
  }

  /** Waits until every primary's CLUSTER NODES shows the same slot owners. */
  private int awaitAgreement(List<RebalancePlan.Node> primaries)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Set<String> views = new HashSet<>();
      for (RebalancePlan.Node n : primaries) {
        try (LauncherResp c = new LauncherResp(n.host(), n.port(), IO_TIMEOUT_MS)) {
          java.util.TreeSet<String> view = new java.util.TreeSet<>();
          for (RebalancePlan.Node p : RebalancePlan.primaries(c.callString("CLUSTER", "NODES"))) {
            if (!p.slots().isEmpty()) {
              view.add(p.id() + RebalancePlan.ranges(p.slots()));
            }
          }
          views.add(view.toString());
        }
      }
      if (views.size() == 1) {
        System.out.println("[OK] All nodes agree about slots configuration.");
        return 0;
      }
      if (System.nanoTime() > deadline) {
        System.err.println("[ERR] Nodes don't agree about configuration!");
        return 1;
      }
      Thread.sleep(100);
    }
  }

  /** CLUSTER GETSLOTMIGRATIONS as field maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> jobs(LauncherResp c) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    Object r = c.call("CLUSTER", "GETSLOTMIGRATIONS");
    for (Object job : (List<Object>) r) {
      List<Object> f = (List<Object>) job;
      Map<String, Object> m = new HashMap<>();
      for (int i = 0; i + 1 < f.size(); i += 2) {
        m.put((String) f.get(i), f.get(i + 1));
      }
      out.add(m);
    }
    return out;
  }

  private static Set<String> names(List<Map<String, Object>> jobs) {
    Set<String> s = new HashSet<>();
    for (Map<String, Object> j : jobs) {
      s.add((String) j.get("name"));
    }
    return s;
  }
}
