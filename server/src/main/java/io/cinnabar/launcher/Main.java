package io.cinnabar.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cinnabar} command: {@code cinnabar server ...} runs a node like redis-server. */
@Command(
    name = "cinnabar",
    mixinStandardHelpOptions = true,
    version = "cinnabar 0.1.0",
    description = "A Redis Cluster-compatible in-memory data store.",
    subcommands = {ServerCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setUnmatchedOptionsArePositionalParams(true);
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
