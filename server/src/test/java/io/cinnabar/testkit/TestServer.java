package io.cinnabar.testkit;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigException;
import io.cinnabar.server.Server;
import java.io.IOException;
import java.net.ServerSocket;

/** A server started in-process on 127.0.0.1 and a free port; close it to stop it. */
public final class TestServer implements AutoCloseable {
  public final Server server;
  public final Config config;

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
        return new TestServer(Server.start(config), config);
      } catch (Server.StartupException e) {
        if (attempt >= 5) {
          throw new IllegalStateException(e);
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e);
      }
    }
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
  }
}
