package io.cinnabar.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a launched cluster keeps its files: one directory per node, named after its port, holding
 * nodes-PORT.conf, node.log, node.pid and stdout.log (the JVM's own output, e.g. a startup error
 * before the log file is open).
 */
final class ClusterLayout {
  static final String PIDFILE = "node.pid";
  static final String LOGFILE = "node.log";
  static final String STDOUT = "stdout.log";

  private ClusterLayout() {}

  static Path nodeDir(Path dir, int port) {
    return dir.resolve(Integer.toString(port));
  }

  static String nodesConf(int port) {
    return "nodes-" + port + ".conf";
  }

  /** The pidfiles under {@code dir} (one level down), sorted by path. */
  static List<Path> pidfiles(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.sorted().map(d -> d.resolve(PIDFILE)).filter(Files::isRegularFile).forEach(out::add);
    }
    return out;
  }

  /** Some nodes-*.conf one level under {@code dir}, or null when there is none. */
  static Path anyNodesConf(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path d : (Iterable<Path>) s.sorted()::iterator) {
        if (!Files.isDirectory(d)) {
          continue;
        }
        try (Stream<Path> files = Files.list(d)) {
          Path conf =
              files
                  .filter(f -> f.getFileName().toString().matches("nodes-.*\\.conf"))
                  .findFirst()
                  .orElse(null);
          if (conf != null) {
            return conf;
          }
        }
      }
    }
    return null;
  }

  /** The PID in a pidfile, or -1 when it is unreadable (a node writing it, or garbage). */
  static long readPid(Path pidfile) {
    try {
      return Long.parseLong(Files.readString(pidfile, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** The last {@code n} lines of a file, for error reports; empty when it cannot be read. */
  static String tail(Path file, int n) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * Splits the 16384 slots into {@code masters} contiguous ranges as redis-cli --cluster create
   * does (3 masters: 0-5460, 5461-10922, 10923-16383). Returns [first, last] per master.
   */
  static int[][] slotRanges(int masters) {
    int[][] ranges = new int[masters][];
    double perNode = 16384.0 / masters;
    double cursor = 0;
    int first = 0;
    for (int i = 0; i < masters; i++) {
      int last = (int) Math.round(cursor + perNode - 1);
      if (last > 16383 || i == masters - 1) {
        last = 16383;
      }
      if (last < first) {
        last = first;
      }
      ranges[i] = new int[] {first, last};
      first = last + 1;
      cursor += perNode;
    }
    return ranges;
  }
}
