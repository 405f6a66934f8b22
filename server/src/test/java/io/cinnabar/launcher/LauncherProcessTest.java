package io.cinnabar.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts {@code cinnabar server} as a separate process, as a user or a script would. */
class LauncherProcessTest {
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.destroyForcibly();
    }
  }

  private Process launch(Path out, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.cinnabar.launcher.Main");
    cmd.add("server");
    cmd.addAll(List.of(args));
    return start(new ProcessBuilder(cmd), out);
  }

  private Process start(ProcessBuilder pb, Path out) throws IOException {
    pb.directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** Waits until {@code file} contains {@code text} or the process ends; returns the content. */
  private static String await(Path file, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (s.contains(text) || !p.isAlive()) {
        p.waitFor(p.isAlive() ? 0 : 5, TimeUnit.SECONDS);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out waiting for: " + text);
  }

  @Test
  void runsLogsWritesPidfileAndStopsOnSigterm() throws Exception {
    int port = TestServer.freePort();
    Path log = tmp.resolve("out.log");
    Path conf = tmp.resolve("c.conf");
    Files.writeString(conf, "bind 127.0.0.1\nsave \"\"\npidfile r.pid\n");
    Process p =
        launch(log, conf.toString(), "--port", Integer.toString(port), "--dir", tmp.toString());
    String text = await(log, "Ready to accept connections", p);
    assertThat(text).contains(p.pid() + ":M ").contains("* Ready to accept connections");
    Path pidfile = tmp.resolve("r.pid");
    assertThat(Files.readString(pidfile).trim()).isEqualTo(Long.toString(p.pid()));
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("CONFIG", "GET", "pidfile"))
          .isEqualTo("*2\r\n$7\r\npidfile\r\n$5\r\nr.pid\r\n");
    }
    long t0 = System.nanoTime();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(ms).as("exit after SIGTERM (ms)").isLessThan(1000);
    assertThat(p.exitValue()).isZero();
    assertThat(Files.exists(pidfile)).isFalse();
    assertThat(Files.readString(log))
        .contains("# Received SIGTERM scheduling shutdown...")
        .contains("ready to exit, bye bye...");
  }

  @Test
  void portInUseAborts() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Path log = tmp.resolve("busy.log");
      Process p =
          launch(log, "--port", Integer.toString(busy.getLocalPort()), "--bind", "127.0.0.1");
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isNotZero();
      assertThat(Files.readString(log))
          .contains("# Failed listening on port " + busy.getLocalPort() + " (tcp), aborting.");
    }
  }

  @Test
  void badConfigPrintsRedisReportAndExitsWithOne() throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "# c\nhz 5\ndaemonize maybe\n");
    Path out = tmp.resolve("bad.out");
    Process p = launch(out, conf.toString(), "--port", "0");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(Files.readString(out))
        .isEqualTo(
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file, at line 3\n"
                + ">>> 'daemonize maybe'\n"
                + "argument must be 'yes' or 'no'\n");
  }

  @Test
  void binScriptExecsTheJvmSoThePidIsTheServers() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Path script = root.resolve("bin/cinnabar");
    Path jar = root.resolve("server/target/cinnabar.jar");
    assumeTrue(Files.isExecutable(script) && Files.exists(jar), "needs bin/cinnabar and the jar");
    int port = TestServer.freePort();
    Path log = tmp.resolve("bin.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            script.toString(),
            "server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--pidfile",
            tmp.resolve("bin.pid").toString());
    pb.environment().put("CINNABAR_JAR", jar.toString());
    Process p = start(pb, log);
    await(log, "Ready to accept connections", p);
    assertThat(Files.readString(tmp.resolve("bin.pid")).trim()).isEqualTo(Long.toString(p.pid()));
    p.destroy();
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }
}
