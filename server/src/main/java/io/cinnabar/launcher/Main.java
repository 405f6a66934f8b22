package io.cinnabar.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cinnabar} command: {@code cinnabar server ...} runs a node like redis-server. */
@Command(
    name = "cinnabar",
    mixinStandardHelpOptions = true,
    version = "cinnabar 0.1.0",
    description = "A Redis Cluster-compatible in-memory data store.",
    subcommands = {ServerCommand.class, ClusterCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    // Netty's leak detector samples pooled buffers and records stack traces: useful in tests
    // (paranoid there), pure overhead in production unless asked for.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    CommandLine cli = new CommandLine(new Main());
    cli.setUnmatchedOptionsArePositionalParams(true);
    cli.setExpandAtFiles(false);
    int code = cli.execute(args);
    boolean server = args.length > 0 && (args[0].equals("server") || args[0].equals("cluster"));
    if (code != 0 || server) {
      // The server's event loop threads must not keep the JVM alive after shutdown.
      System.exit(code);
    }
  }
}
