package io.cinnabar.fault;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One cluster node as a process of its own (a Cinnabar JVM sized for CI, or redis-server) on ports
 * fixed for its lifetime, so it can be killed, frozen (SIGSTOP), thawed and restarted in place with
 * its nodes.conf. Every signal goes to the PID this node started, never by name.
 */
final class Node {

  final boolean redis;
  final int port = TestServer.freePort();
  final int cport = TestServer.freePort();
  final Path home;
  private final List<String> extra;
  private Process process;
  String id;

  Node(boolean redis, Path home, List<String> extra) throws IOException {
    this.redis = redis;
    this.home = home;
    this.extra = extra;
    Files.createDirectories(home);
  }

  /** Starts (or restarts) the process and waits until it answers PING. */
  void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (redis) {
      cmd.addAll(List.of(RealRedis.executable(), "--appendonly", "no"));
      cmd.addAll(List.of("--enable-debug-command", "yes"));
    } else {
      cmd.addAll(io.cinnabar.testkit.ServerProcess.command("160m"));
      cmd.addAll(List.of("--enable-debug-command", "yes"));
    }
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
    cmd.addAll(List.of("--save", "", "--dir", home.toString(), "--cluster-enabled", "yes"));
    cmd.addAll(List.of("--cluster-config-file", "nodes.conf"));
    cmd.addAll(List.of("--cluster-port", Integer.toString(cport)));
    cmd.addAll(List.of("--repl-diskless-sync-delay", "0"));
    cmd.addAll(extra);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("log").toFile()))
            .start();
    Await.until(this + " up", 30_000, () -> call("PING").equals("+PONG\r\n"));
    id = bulk(call("CLUSTER", "MYID"));
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** kill -STOP: the process stays, silent, with every socket open. */
  void freeze() throws Exception {
    signal("STOP");
  }

  void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String sig) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
    }
  }

  /** kill -9 without waiting (teardown: nothing on disk matters, no hand-over wanted). */
  void destroy() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** Waits up to 5 s for the process to be gone. */
  void awaitExit() {
    try {
      if (process != null) {
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One command on a fresh connection (2 s timeout); "" when the node does not answer. */
  String call(String... args) {
    try (RespClient c = new RespClient("127.0.0.1", port, 2000)) {
      return c.call(args);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** A field of INFO (e.g. "role", "sync_partial_ok"), or "" when absent or unreachable. */
  String info(String section, String field) {
    return Fields.get(bulk(call("INFO", section)), field);
  }

  String clusterInfo(String field) {
    return Fields.get(bulk(call("CLUSTER", "INFO")), field);
  }

  boolean stateOk() {
    return clusterInfo("cluster_state").equals("ok");
  }

  /** My own CLUSTER NODES line's flags say master, and I own at least one slot. */
  boolean isPrimaryWithSlots() {
    String line = lineAbout(id);
    return line.contains("myself,master") && line.split(" ").length > 8;
  }

  /** This node's CLUSTER NODES line about the node with {@code nodeId}, or "". */
  String lineAbout(String nodeId) {
    for (String line : bulk(call("CLUSTER", "NODES")).split("\n")) {
      if (line.startsWith(nodeId + " ")) {
        return line.trim();
      }
    }
    return "";
  }

  /** The id of the primary this node follows according to its own CLUSTER NODES, or "-". */
  String primaryId() {
    String[] f = lineAbout(id).split(" ");
    return f.length > 3 ? f[3] : "";
  }

  /** The reply body of a bulk string reply ("" for anything else). */
  static String bulk(String reply) {
    if (!reply.startsWith("$")) {
      return "";
    }
    int nl = reply.indexOf("\r\n");
    return nl < 0 ? "" : reply.substring(nl + 2, Math.max(nl + 2, reply.length() - 2));
  }

  @Override
  public String toString() {
    return (redis ? "redis:" : "cinnabar:") + port;
  }

  /** Parses "name:value" lines (INFO, CLUSTER INFO). */
  static final class Fields {
    private Fields() {}

    static String get(String text, String name) {
      for (String line : text.split("\r\n")) {
        if (line.startsWith(name + ":")) {
          return line.substring(name.length() + 1);
        }
      }
      return "";
    }
  }
}
