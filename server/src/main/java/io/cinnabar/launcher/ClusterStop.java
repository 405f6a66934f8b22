package io.cinnabar.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cinnabar cluster stop}: SIGTERM to every node whose pidfile is under --dir, then waits
 * (bounded) for them to exit. Replicas go first: a primary stopped while its replica runs hands its
 * slots over to it (shutdown hand-over), which is pointless when the whole cluster stops. Nodes
 * remove their pidfile on a clean exit; a stale one (no such process, or a process that is not a
 * cinnabar node) is reported and removed.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = "Stop the nodes started by 'cinnabar cluster start' (SIGTERM by pidfile).")
final class ClusterStop implements Callable<Integer> {
  @Option(
      names = "--dir",
      defaultValue = "cinnabar-cluster",
      description = "The cluster's directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--timeout",
      defaultValue = "30",
      description = "Seconds to wait for the nodes to exit (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    List<Path> pidfiles = ClusterLayout.pidfiles(d);
    if (pidfiles.isEmpty()) {
      System.out.println("No running nodes under " + d + " (no " + ClusterLayout.PIDFILE + ").");
      return 0;
    }
    List<ProcessHandle> stopping = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Boolean> replica = new ArrayList<>();
    for (Path pidfile : pidfiles) {
      String name = pidfile.getParent().getFileName().toString();
      long pid = ClusterLayout.readPid(pidfile);
      Optional<ProcessHandle> h = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
      if (h.isEmpty() || !h.get().isAlive() || !isNode(h.get())) {
        System.out.println("node " + name + ": not running (stale pidfile " + pidfile + ")");
        Files.deleteIfExists(pidfile);
        continue;
      }
      stopping.add(h.get());
      names.add(name);
      replica.add(isReplica(name));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int failed = 0;
    for (boolean replicas : new boolean[] {true, false}) {
      for (int i = 0; i < stopping.size(); i++) {
        if (replica.get(i) == replicas) {
          stopping.get(i).destroy();
        }
      }
      for (int i = 0; i < stopping.size(); i++) {
        if (replica.get(i) == replicas) {
          failed += awaitExit(stopping.get(i), names.get(i), deadline) ? 0 : 1;
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /**
   * Whether the node in directory {@code name} (its port) says it is a replica; false if unsure.
   */
  private static boolean isReplica(String name) {
    int port;
    try {
      port = Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return false;
    }
    try (LauncherResp c = new LauncherResp("127.0.0.1", port, 1000)) {
      return c.callString("INFO", "replication").contains("role:slave");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean awaitExit(ProcessHandle h, String name, long deadline) {
    long left = Math.max(0, deadline - System.nanoTime());
    try {
      h.onExit().get(left, TimeUnit.NANOSECONDS);
      System.out.println("node " + name + ": stopped (pid " + h.pid() + ")");
      return true;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.out.println("node " + name + ": still running after SIGTERM (pid " + h.pid() + ")");
      return false;
    }
  }

  /**
   * Guards against a recycled PID: the process must look like a cinnabar node when the OS tells its
   * command line (it may not, e.g. another user's process: then trust the pidfile).
   */
  private static boolean isNode(ProcessHandle h) {
    Optional<String> cmd = h.info().commandLine();
    return cmd.isEmpty() || cmd.get().contains("server");
  }
}
