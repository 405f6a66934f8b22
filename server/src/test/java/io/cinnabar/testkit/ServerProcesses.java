package io.cinnabar.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JVM-node processes one test started ({@link ServerProcess}), stopped by their own handles
 * when the test ends: SIGTERM to each, then SIGKILL to any still running after 5 s.
 */
public final class ServerProcesses {
  private final List<Process> started = new ArrayList<>();

  /** {@link ServerProcess#startClusterNode}, remembered for {@link #stopAll}. */
  public Process startClusterNode(
      Path dir, int port, int busPort, String heap, String... directives) throws IOException {
    Process p = ServerProcess.startClusterNode(dir, port, busPort, heap, directives);
    started.add(p);
    return p;
  }

  /** The {@code i}-th process started. */
  public Process get(int i) {
    return started.get(i);
  }

  public void stopAll() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** True when a server answers PING on 127.0.0.1:{@code port}. */
  public static boolean pingable(int port) {
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      return c.call("PING").equals("+PONG\r\n");
    } catch (RuntimeException e) {
      return false;
    }
  }
}
