package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * redis-cli run from a test, and the steps the tests of Redis's {@code --cluster} tooling share:
 * stdin closed, output captured in the test's directory with the colour escapes stripped, killed
 * (by its own PID) after a deadline; cluster nodes in this JVM, {@code --cluster create}, waiting
 * for {@code --cluster check} to pass.
 */
final class RedisCli {
  record Run(int exit, String out) {}

  private final Path dir;

  RedisCli(Path dir) {
    this.dir = dir;
  }

  static boolean available() {
    return onPath("redis-cli");
  }

  static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      File f = new File(d, exe);
      if (f.isFile() && f.canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Runs redis-cli with these arguments; at most 180 s (a rebalance under load). */
  Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "redis-cli", ".out");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError(
          "redis-cli " + args[0] + " timed out: " + Files.readString(out, StandardCharsets.UTF_8));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
    return new Run(p.exitValue(), text);
  }

  /** "127.0.0.1:port", as redis-cli's --cluster arguments name a node. */
  static String addr(int port) {
    return "127.0.0.1:" + port;
  }

  static String myId(int port) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      return c.call("CLUSTER", "MYID").split("\r\n")[1];
    }
  }

  /** A cluster-enabled Cinnabar node in this JVM, in a directory of its own. */
  TestServer node(String name) throws IOException {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start("cluster-enabled", "yes", "dir", d.toString());
  }

  /**
   * Three nodes named prefix0..2, added to {@code nodes} (the caller closes them), made a cluster
   * by {@code --cluster create}; returns once each reports cluster_state:ok.
   */
  Run create(List<TestServer> nodes, String prefix) throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.add(node(prefix + i));
    }
    return create(
        List.of(nodes.get(0).port(), nodes.get(1).port(), nodes.get(2).port()),
        List.of(nodes.get(0)::client, nodes.get(1)::client, nodes.get(2)::client));
  }

  /** A mixed cluster's redis-server and redis-cli's --cluster create run. */
  record Mixed(RealRedis redis, Run create) {}

  /**
   * A mixed cluster: two Cinnabar nodes "a" and "b", added to {@code nodes}, and a redis-server
   * (node timeout 5 s; the caller closes them all), made a cluster by {@code --cluster create} in
   * that order; returns once each reports cluster_state:ok.
   */
  Mixed createMixed(List<TestServer> nodes) throws Exception {
    nodes.add(node("a"));
    nodes.add(node("b"));
    RealRedis redis =
        RealRedis.start(
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            Integer.toString(TestServer.freePort()),
            "--cluster-node-timeout",
            "5000");
    try {
      Run create =
          create(
              List.of(nodes.get(0).port(), nodes.get(1).port(), redis.port()),
              List.of(nodes.get(0)::client, nodes.get(1)::client, redis::client));
      return new Mixed(redis, create);
    } catch (Exception | AssertionError e) {
      redis.close();
      throw e;
    }
  }

  private Run create(List<Integer> ports, List<Supplier<RespClient>> clients) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--cluster", "create"));
    for (int port : ports) {
      args.add(addr(port));
    }
    args.add("--cluster-yes");
    Run create = run(args.toArray(new String[0]));
    assertThat(create.exit()).as(create.out()).isZero();
    for (int i = 0; i < ports.size(); i++) {
      awaitOk("node " + ports.get(i), clients.get(i));
    }
    return create;
  }

  static void awaitOk(String what, Supplier<RespClient> client) throws InterruptedException {
    try (RespClient c = client.get()) {
      ClusterClientsTest.await(what + " cluster_state:ok", () -> ClusterClientsTest.clusterOk(c));
    }
  }

  /**
   * Waits (30 s at most) until --cluster check passes: every node agrees, no open slot, all slots
   * covered (gossip may lag a reshard).
   */
  void awaitChecked(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Run check = run("--cluster", "check", addr(port));
      if (check.exit() == 0
          && check.out().contains("[OK] All nodes agree about slots configuration.")
          && check.out().contains("[OK] All 16384 slots covered.")
          && !check.out().contains("[ERR]")
          && !check.out().contains("[WARNING]")) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("cluster check never passed:\n" + check.out());
      }
      Thread.sleep(200);
    }
  }
}
