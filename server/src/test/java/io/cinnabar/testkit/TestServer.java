package io.cinnabar.testkit;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigException;
import io.cinnabar.server.Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A server started in-process on 127.0.0.1 and a free port; close it to stop it. */
public final class TestServer implements AutoCloseable {
  public final Server server;
  public final Config config;

  /** The temporary dir this class created for a cluster node (deleted on close), or null. */
  private Path tempDir;

  private TestServer(Server server, Config config) {
    this.server = server;
    this.config = config;
  }

  /** Starts a server with the given directives ("name", "value", ...) on a free port. */
  public static TestServer start(String... directives) {
    for (int attempt = 0; ; attempt++) {
      Config config = new Config();
      try {
        config.set("bind", "127.0.0.1");
        config.set("port", Integer.toString(freePort()));
        config.set("save", "");
        for (int i = 0; i + 1 < directives.length; i += 2) {
          config.set(directives[i], directives[i + 1]);
        }
        Path tempDir = null;
        // Each server gets its own dir (deleted on close) unless the test sets one: a dump.rdb
        // or nodes.conf one test leaves must never be loaded by another.
        if (!has(directives, "dir")) {
          tempDir = Files.createTempDirectory("cinnabar-test");
          config.set("dir", tempDir.toString());
        }
        if (config.getBool("cluster-enabled")) {
          // A cluster node needs a bus port that exists (port + 10000 may not).
          if (!has(directives, "cluster-port")) {
            config.set("cluster-port", Integer.toString(freePort()));
          }
        }
        TestServer s = new TestServer(Server.start(config), config);
        s.tempDir = tempDir;
        return s;
      } catch (Server.StartupException e) {
        if (attempt >= 5) {
          throw new IllegalStateException(e);
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static boolean has(String[] directives, String name) {
    for (int i = 0; i < directives.length; i += 2) {
      if (directives[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  public int port() {
    return server.port();
  }

  /** A raw RESP connection to this server. */
  public RespClient client() {
    return new RespClient("127.0.0.1", port());
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    if (tempDir != null) {
      try (Stream<Path> files = Files.walk(tempDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temp dir is harmless
      }
    }
  }
}
