package io.cinnabar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code cinnabar cluster start|stop} as separate processes, as a user would. */
class ClusterLauncherTest {
  @TempDir Path tmp;
  private final List<Long> pids = new ArrayList<>();

  /** Whatever a failed test left running is killed, by PID. */
  @AfterEach
  void killLeftovers() throws IOException {
    for (Path pidfile : ClusterLayout.pidfiles(tmp.resolve("c"))) {
      pids.add(ClusterLayout.readPid(pidfile));
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private record Run(int code, String out) {}

  private Run cinnabar(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.cinnabar.launcher.Main");
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    pids.add(p.pid());
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  /** Six consecutive free ports whose bus ports (+10000) are free too. */
  private static int freeBase() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(15000, 22000);
      boolean ok = true;
      for (int i = 0; i < 6 && ok; i++) {
        ok = free(base + i) && free(base + i + 10000);
      }
      if (ok) {
        return base;
      }
    }
    throw new AssertionError("no free ports");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The default: three primaries and one replica each (ports base+3.. follow base+0..). */
  @Test
  void startsThreePrimariesAndThreeReplicasServesKeysAndStops() throws Exception {
    int base = freeBase();
    Path dir = tmp.resolve("c");
    Run start =
        cinnabar("cluster", "start", "--detach", "--base-port", "" + base, "--dir", dir.toString());
    assertThat(start.code()).as(start.out()).isZero();
    String[] ranges = {"0-5460", "5461-10922", "10923-16383"};
    List<Long> nodePids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Matcher m =
          Pattern.compile(
                  "(?m)^([0-9a-f]{40}) +127\\.0\\.0\\.1:"
                      + (base + i)
                      + " +master +"
                      + ranges[i]
                      + " +(\\d+)$")
              .matcher(start.out());
      assertThat(m.find()).as(start.out()).isTrue();
      long pid = Long.parseLong(m.group(2));
      nodePids.add(pid);
      pids.add(pid);
      if (System.getenv("CINNABAR_JAVA_OPTS") == null) {
        // the JVM options of jvm.options, the file bin/cinnabar reads too
        assertThat(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow())
            .contains("-XX:+UseG1GC", "-XX:InlineSmallCode=1000", "-XX:MaxInlineLevel=9");
      }
      Path nd = dir.resolve(Integer.toString(base + i));
      assertThat(ClusterLayout.readPid(nd.resolve("node.pid"))).isEqualTo(pid);
      assertThat(nd.resolve("nodes-" + (base + i) + ".conf")).exists();
      assertThat(nd.resolve("node.log")).exists();
      try (RespClient c = new RespClient("127.0.0.1", base + i)) {
        assertThat(c.call("CLUSTER", "INFO")).contains("cluster_state:ok");
        assertThat(c.call("CLUSTER", "MYID")).contains(m.group(1));
      }
    }
    for (int i = 0; i < 3; i++) {
      Matcher m =
          Pattern.compile(
                  "(?m)^[0-9a-f]{40} +127\\.0\\.0\\.1:" + (base + 3 + i) + " +replica +- +(\\d+)$")
              .matcher(start.out());
      assertThat(m.find()).as(start.out()).isTrue();
      long pid = Long.parseLong(m.group(1));
      nodePids.add(pid);
      pids.add(pid);
      try (RespClient c = new RespClient("127.0.0.1", base + 3 + i)) {
        String info = c.call("INFO", "replication");
        assertThat(info)
            .contains("role:slave", "master_port:" + (base + i), "master_link_status:up");
      }
    }
    // "foo" hashes to slot 12182: the third node's.
    try (RespClient c = new RespClient("127.0.0.1", base)) {
      assertThat(c.call("SET", "foo", "bar"))
          .isEqualTo("-MOVED 12182 127.0.0.1:" + (base + 2) + "\r\n");
    }
    try (RespClient c = new RespClient("127.0.0.1", base + 2)) {
      assertThat(c.call("SET", "foo", "bar")).isEqualTo("+OK\r\n");
    }
    try (RespClient c = new RespClient("127.0.0.1", base + 1)) {
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 127.0.0.1:" + (base + 2) + "\r\n");
    }
    try (RespClient c = new RespClient("127.0.0.1", base + 2)) {
      assertThat(c.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("$3\r\nbar\r\n");
    }
    try (RespClient r = new RespClient("127.0.0.1", base + 5)) {
      assertThat(r.call("GET", "foo")).isEqualTo("-MOVED 12182 127.0.0.1:" + (base + 2) + "\r\n");
      assertThat(r.call("READONLY")).isEqualTo("+OK\r\n");
      assertThat(r.call("GET", "foo")).isEqualTo("$3\r\nbar\r\n");
    }

    Run again =
        cinnabar("cluster", "start", "--detach", "--base-port", "" + base, "--dir", dir.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.out()).contains("already in use");

    Run stop = cinnabar("cluster", "stop", "--dir", dir.toString());
    assertThat(stop.code()).as(stop.out()).isZero();
    for (int i = 0; i < 6; i++) {
      assertThat(stop.out())
          .contains("node " + (base + i) + ": stopped (pid " + nodePids.get(i) + ")");
      Optional<ProcessHandle> h = ProcessHandle.of(nodePids.get(i));
      assertThat(h.isEmpty() || !h.get().isAlive()).as("pid " + nodePids.get(i)).isTrue();
    }
    assertThat(ClusterLayout.pidfiles(dir)).isEmpty();

    // Stopped, the directory still holds the cluster's nodes.conf files: refused, not reused.
    Run reuse =
        cinnabar("cluster", "start", "--detach", "--base-port", "" + base, "--dir", dir.toString());
    assertThat(reuse.code()).isEqualTo(1);
    assertThat(reuse.out()).contains("holds a cluster created before");
    assertThat(ClusterLayout.pidfiles(dir)).isEmpty();
  }

  /** --replicas-per-master 0: primaries only, on base..base+2; base+3 stays free. */
  @Test
  void startsPrimariesOnlyWhenAskedForNoReplicas() throws Exception {
    int base = freeBase();
    Path dir = tmp.resolve("r");
    Run start =
        cinnabar(
            "cluster",
            "start",
            "--detach",
            "--replicas-per-master",
            "0",
            "--base-port",
            "" + base,
            "--dir",
            dir.toString());
    assertThat(start.code()).as(start.out()).isZero();
    Matcher m =
        Pattern.compile("(?m)^[0-9a-f]{40} +\\S+ +(master|replica) +\\S+ +(\\d+)$")
            .matcher(start.out());
    int primaries = 0;
    int replicas = 0;
    while (m.find()) {
      pids.add(Long.parseLong(m.group(2)));
      if (m.group(1).equals("master")) {
        primaries++;
      } else {
        replicas++;
      }
    }
    assertThat(primaries).as(start.out()).isEqualTo(3);
    assertThat(replicas).as(start.out()).isZero();
    assertThat(free(base + 3)).isTrue();
    try (RespClient p = new RespClient("127.0.0.1", base)) {
      assertThat(p.call("CLUSTER", "INFO")).contains("cluster_known_nodes:3");
    }
    Run stop = cinnabar("cluster", "stop", "--dir", dir.toString());
    assertThat(stop.code()).as(stop.out()).isZero();
    assertThat(ClusterLayout.pidfiles(dir)).isEmpty();
  }

  @Test
  void refusesBadReplicaCountsAndBusyPortsWithoutStartingAnything() throws Exception {
    Path dir = tmp.resolve("c");
    Run replicas = cinnabar("cluster", "start", "--replicas-per-master", "6", "--dir", "" + dir);
    assertThat(replicas.code()).isEqualTo(1);
    assertThat(replicas.out()).contains("--replicas-per-master 6: between 0 and 5.");
    int base = freeBase();
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 10001));
      Run start =
          cinnabar("cluster", "start", "--detach", "--base-port", "" + base, "--dir", "" + dir);
      assertThat(start.code()).isEqualTo(1);
      assertThat(start.out())
          .contains("port(s) " + (base + 10001) + " on 127.0.0.1 already in use");
    }
    assertThat(ClusterLayout.pidfiles(dir)).isEmpty();
    Run stop = cinnabar("cluster", "stop", "--dir", "" + dir);
    assertThat(stop.code()).isZero();
    assertThat(stop.out()).contains("No running nodes");
  }

  @Test
  void splitsSlotsAsRedisCli() {
    assertThat(ClusterLayout.slotRanges(3))
        .isDeepEqualTo(new int[][] {{0, 5460}, {5461, 10922}, {10923, 16383}});
    int[][] five = ClusterLayout.slotRanges(5);
    assertThat(five[0]).containsExactly(0, 3276);
    assertThat(five[3]).containsExactly(9830, 13106);
    assertThat(five[4]).containsExactly(13107, 16383);
    for (int i = 1; i < five.length; i++) {
      assertThat(five[i][0]).isEqualTo(five[i - 1][1] + 1);
    }
  }
}
