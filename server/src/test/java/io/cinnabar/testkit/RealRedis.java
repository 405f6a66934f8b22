package io.cinnabar.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server started as a child process on 127.0.0.1 and a free port, in its own temporary
 * directory, for differential tests. Close it to stop it (by its own PID) and delete the directory.
 * Tests that need it check {@link #available()} first and fall back to recorded replies.
 */
public final class RealRedis implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private RealRedis(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The redis-server executable on PATH, or null ({@code -Dredis.live=false} disables it). */
  public static String executable() {
    if ("false".equals(System.getProperty("redis.live"))) {
      return null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      File f = new File(d, "redis-server");
      if (f.isFile() && f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  /** The version of the redis-server on PATH ("7.0.15"), or null if there is none. */
  public static String version() {
    String exe = executable();
    if (exe == null) {
      return null;
    }
    try {
      Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      int i = out.indexOf("v=");
      return i < 0 ? null : out.substring(i + 2).split("\\s")[0];
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public static boolean available() {
    return executable() != null;
  }

  /** Starts a redis-server (save off, AOF off, DEBUG enabled) and waits until it answers PING. */
  public static RealRedis start(String... extraArgs) {
    String exe = executable();
    if (exe == null) {
      throw new IllegalStateException("redis-server is not on PATH");
    }
    for (int attempt = 0; ; attempt++) {
      int port = TestServer.freePort();
      Path dir;
      try {
        dir = Files.createTempDirectory("cinnabar-redis-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String[] base = {
        exe,
        "--port",
        Integer.toString(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--enable-debug-command",
        "yes",
        "--daemonize",
        "no",
        "--dir",
        dir.toString(),
        "--logfile",
        dir.resolve("redis.log").toString()
      };
      String[] cmd = new String[base.length + extraArgs.length];
      System.arraycopy(base, 0, cmd, 0, base.length);
      System.arraycopy(extraArgs, 0, cmd, base.length, extraArgs.length);
      Process p;
      try {
        p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      RealRedis r = new RealRedis(p, dir, port);
      if (r.awaitReady(10_000)) {
        return r;
      }
      r.close();
      if (attempt >= 3) {
        throw new IllegalStateException("redis-server did not start on port " + port);
      }
    }
  }

  private boolean awaitReady(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(2000);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] b = new byte[7];
        int n = in.readNBytes(b, 0, b.length);
        if (n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  public int port() {
    return port;
  }

  public RespClient client() {
    return new RespClient("127.0.0.1", port);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
