package io.cinnabar.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Cinnabar server in a JVM of its own, started as a user starts it ({@code cinnabar server}),
 * sized for CI: C1 only, serial GC, a small heap. The caller owns the process and stops it.
 */
public final class ServerProcess {
  private ServerProcess() {}

  /** {@code java ... io.cinnabar.launcher.Main server}; directives follow. */
  public static List<String> command(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.addAll(List.of("io.cinnabar.launcher.Main", "server"));
    return cmd;
  }

  /**
   * A cluster node on 127.0.0.1:{@code port} (bus {@code busPort}) keeping its files, and its
   * output in {@code log}, in {@code dir}; {@code directives} are more name/value pairs.
   */
  public static Process startClusterNode(
      Path dir, int port, int busPort, String heap, String... directives) throws IOException {
    Files.createDirectories(dir);
    List<String> cmd = command(heap);
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
    cmd.addAll(List.of("--save", "", "--dir", dir.toString(), "--cluster-enabled", "yes"));
    cmd.addAll(List.of("--cluster-port", Integer.toString(busPort)));
    cmd.addAll(List.of(directives));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
        .start();
  }
}
