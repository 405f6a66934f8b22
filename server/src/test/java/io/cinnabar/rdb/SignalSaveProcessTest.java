package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cinnabar server} as a process: SIGTERM with save points configured writes the final
 * snapshot, and the next start loads it (as redis-server does).
 */
class SignalSaveProcessTest {
  @TempDir Path dir;

  private Process launch(Path log, int port) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.cinnabar.launcher.Main",
            "server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            dir.toString(),
            "--save",
            "3600",
            "1");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (Files.exists(log) && Files.readString(log).contains("Ready to accept connections")) {
        return p;
      }
      Thread.sleep(20);
    }
    p.destroyForcibly();
    throw new AssertionError("server did not start: " + Files.readString(log));
  }

  @Test
  void sigtermSavesAndTheNextStartLoads() throws Exception {
    int port = TestServer.freePort();
    Path log1 = dir.resolve("1.log");
    Process p = launch(log1, port);
    try {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        assertThat(c.call("SET", "kept", "across restarts")).isEqualTo("+OK\r\n");
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(Files.readString(log1, StandardCharsets.UTF_8))
        .contains("Saving the final RDB snapshot before exiting.")
        .contains("DB saved on disk");
    Path log2 = dir.resolve("2.log");
    Process q = launch(log2, port);
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      assertThat(c.call("GET", "kept")).isEqualTo("$15\r\nacross restarts\r\n");
      assertThat(Files.readString(log2, StandardCharsets.UTF_8)).contains("DB loaded from disk");
    } finally {
      q.destroyForcibly();
      q.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
