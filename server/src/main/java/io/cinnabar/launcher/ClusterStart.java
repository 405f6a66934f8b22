package io.cinnabar.launcher;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cinnabar cluster start}: launches N primaries and their replicas (one per primary by
 * default) as separate processes, splits the slots among the primaries, joins every node with
 * CLUSTER MEET, waits for cluster_state:ok everywhere, attaches the replicas and prints each node's
 * role. Stays in the foreground (SIGINT/SIGTERM stops the nodes) unless --detach. A directory that
 * already holds a node's nodes.conf is refused rather than reused: a reused node would keep its old
 * identity and slots, which this command does not reconcile.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description =
        "Start a local cluster: one process per node, slots split evenly among the primaries.")
final class ClusterStart implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--masters", defaultValue = "3", description = "Primaries (default: 3).")
  int masters;

  @Option(
      names = "--replicas-per-master",
      defaultValue = "1",
      description = "Replicas per primary, 0-5 (default: 1).")
  int replicas;

  @Option(
      names = "--base-port",
      defaultValue = "7000",
      description = "Port of the first node; the others follow (default: 7000).")
  int basePort;

  @Option(
      names = "--cluster-port-offset",
      defaultValue = "10000",
      description = "Bus port = port + this (default: 10000, as Redis).")
  int busOffset;

  @Option(
      names = "--dir",
      defaultValue = "cinnabar-cluster",
      description =
          "Directory for the nodes' files, one subdirectory per port (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address the nodes listen on (default: 127.0.0.1).")
  String bind;

  @Option(names = "--detach", description = "Exit once the cluster is up, leaving nodes running.")
  boolean detach;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      description = "Seconds to wait for the nodes and the cluster state (default: 60).")
  int timeoutSeconds;

  private final List<Process> nodes = new ArrayList<>();
  private volatile boolean stopped;

  /** A startup failure to report in one line; every node started so far is stopped. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    Thread hook = new Thread(this::stopNodes, "cinnabar-cluster-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      validate();
      Path d = dir.toAbsolutePath().normalize();
      int[] ports = new int[masters * (1 + replicas)];
      for (int i = 0; i < ports.length; i++) {
        ports[i] = basePort + i;
      }
      checkFree(ports);
      checkDirs(d, ports);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      for (int port : ports) {
        nodes.add(launch(d, port));
      }
      ClusterSetup setup = new ClusterSetup(host(), ports, busOffset, deadline, nodes, d);
      setup.awaitPing();
      setup.assignSlots(ClusterLayout.slotRanges(masters));
      setup.meet();
      setup.awaitOk();
      setup.replicate(masters);
      System.out.print(setup.table());
      System.out.println();
      System.out.println(
          "Cluster is up: redis-cli -c -h " + host() + " -p " + ports[0] + "; logs in " + d);
    } catch (Failure e) {
      System.err.println("cinnabar cluster start: " + e.getMessage());
      stopNodes();
      Runtime.getRuntime().removeShutdownHook(hook);
      return 1;
    } catch (IOException e) {
      System.err.println("cinnabar cluster start: " + e);
      stopNodes();
      Runtime.getRuntime().removeShutdownHook(hook);
      return 1;
    }
    if (detach) {
      Runtime.getRuntime().removeShutdownHook(hook);
      System.out.println(
          "Detached. Stop it with: cinnabar cluster stop --dir "
              + dir.toAbsolutePath().normalize());
      return 0;
    }
    System.out.println("Press Ctrl-C to stop the cluster.");
    System.out.flush();
    return foreground(hook);
  }

  private void validate() throws Failure {
    if (replicas < 0 || replicas > 5) {
      throw new Failure("--replicas-per-master " + replicas + ": between 0 and 5.");
    }
    if (masters < 3) {
      throw new Failure("--masters " + masters + ": a Redis Cluster needs at least 3 primaries.");
    }
    if (masters > 16384) {
      throw new Failure("--masters " + masters + ": at most 16384 (one slot each).");
    }
    int last = basePort + masters * (1 + replicas) - 1;
    if (basePort < 1 || last + busOffset > 65535 || last > 65535 || busOffset < 1) {
      throw new Failure(
          "ports "
              + basePort
              + "-"
              + last
              + " with bus ports +"
              + busOffset
              + " do not fit in 1-65535.");
    }
  }

  /** The address the launcher connects to: the bind address, or loopback for a wildcard. */
  private String host() {
    return bind.equals("0.0.0.0") || bind.equals("*") || bind.equals("::") ? "127.0.0.1" : bind;
  }

  /** Fails before anything starts when a client or bus port is taken. */
  private void checkFree(int[] ports) throws Failure {
    List<String> busy = new ArrayList<>();
    for (int port : ports) {
      for (int p : new int[] {port, port + busOffset}) {
        if (!free(p)) {
          busy.add(Integer.toString(p));
        }
      }
    }
    if (!busy.isEmpty()) {
      throw new Failure(
          "port(s) "
              + String.join(", ", busy)
              + " on "
              + bind
              + " already in use (node ports "
              + ports[0]
              + "-"
              + ports[ports.length - 1]
              + ", bus ports +"
              + busOffset
              + "). Pick another --base-port, or stop what uses them"
              + " (cinnabar cluster stop --dir ...).");
    }
  }

  private boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      String h = bind.equals("*") ? "0.0.0.0" : bind;
      s.bind(new InetSocketAddress(InetAddress.getByName(h), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Refuses a directory holding any node's nodes.conf (this cluster's ports or not). */
  private void checkDirs(Path d, int[] ports) throws Failure, IOException {
    Path conf = ClusterLayout.anyNodesConf(d);
    if (conf != null) {
      throw new Failure(
          conf
              + " exists: "
              + d
              + " holds a cluster created before. Stop it (cinnabar cluster stop --dir "
              + d
              + ") and delete the directory, or use another --dir.");
    }
    for (int port : ports) {
      Path nd = ClusterLayout.nodeDir(d, port);
      Files.createDirectories(nd);
      Files.deleteIfExists(nd.resolve(ClusterLayout.PIDFILE));
    }
  }

  /** The options in the jar's jvm.options (as bin/cinnabar uses): one per line, # comments. */
  static List<String> defaultJvmOptions() throws IOException {
    try (java.io.InputStream in = ClusterStart.class.getResourceAsStream("/jvm.options")) {
      if (in == null) {
        throw new IOException("jvm.options is missing from the jar");
      }
      List<String> out = new ArrayList<>();
      for (String line :
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
      return out;
    }
  }

  /** Starts one node as its own process, its output in files so it outlives the launcher. */
  private Process launch(Path d, int port) throws IOException {
    Path nd = ClusterLayout.nodeDir(d, port);
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      // Its own session: a Ctrl-C at the terminal reaches the launcher only, which then stops
      // the nodes it started; setsid execs in place, so the PID stays the node's.
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(ProcessHandle.current().info().command().orElse(javaBinary()));
    String opts = System.getenv("CINNABAR_JAVA_OPTS");
    if (opts == null || opts.isBlank()) {
      cmd.addAll(defaultJvmOptions());
    } else {
      cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(
        List.of(
            "server",
            "--port",
            Integer.toString(port),
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            ClusterLayout.nodesConf(port),
            "--dir",
            nd.toString(),
            "--logfile",
            nd.resolve(ClusterLayout.LOGFILE).toString(),
            "--pidfile",
            nd.resolve(ClusterLayout.PIDFILE).toString(),
            "--daemonize",
            "no",
            "--bind",
            bind,
            "--save",
            ""));
    if (busOffset != 10000) {
      cmd.add("--cluster-port");
      cmd.add(Integer.toString(port + busOffset));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(nd.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(nd.resolve(ClusterLayout.STDOUT).toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start();
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Waits for a signal (or for every node to exit), then stops the nodes. */
  private int foreground(Thread hook) {
    CountDownLatch done = new CountDownLatch(1);
    Signals.install(name -> done.countDown());
    for (Process p : nodes) {
      p.onExit()
          .thenRun(
              () -> {
                if (nodes.stream().noneMatch(Process::isAlive)) {
                  done.countDown();
                }
              });
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean anyAlive = nodes.stream().anyMatch(Process::isAlive);
    System.out.println(anyAlive ? "Stopping the cluster..." : "All nodes exited.");
    stopNodes();
    Runtime.getRuntime().removeShutdownHook(hook);
    return 0;
  }

  /** SIGTERM to every node started, by PID; SIGKILL to any still running after 10 seconds. */
  private synchronized void stopNodes() {
    if (stopped) {
      return;
    }
    stopped = true;
    for (Process p : nodes) {
      p.toHandle().destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Process p : nodes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          System.err.println("node pid " + p.pid() + " ignored SIGTERM: killing it");
          p.destroyForcibly();
        } else if (!detach) {
          System.out.println("stopped node pid " + p.pid());
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
