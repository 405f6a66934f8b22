package io.cinnabar.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server started by a test on a free port (when one is on PATH), for comparing replies
 * live. Close it to stop it.
 */
public final class RedisOracle implements AutoCloseable {
  private final Process process;
  private final Path dir;
  public final int port;

  private RedisOracle(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The redis-server version on PATH ("7.0.15"), or null if there is none. */
  public static String version() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      int i = out.indexOf("v=");
      return i < 0 ? null : out.substring(i + 2).split("\\s")[0];
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Starts redis-server with the given extra arguments ("--name", "value", ...). */
  public static RedisOracle start(String... extra) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cinnabar-oracle");
    int port = TestServer.freePort();
    java.util.List<String> cmd =
        new java.util.ArrayList<>(
            java.util.List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString()));
    cmd.addAll(java.util.List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    RedisOracle o = new RedisOracle(p, dir, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (RespClient c = new RespClient("127.0.0.1", port)) {
        if (c.call("PING").equals("+PONG\r\n")) {
          return o;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          o.close();
          throw new IOException("redis-server did not start", e);
        }
        Thread.sleep(20);
      }
    }
  }

  public RespClient client() {
    return new RespClient("127.0.0.1", port);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // temp files only
    }
  }
}
