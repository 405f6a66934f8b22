package io.cinnabar.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cinnabar cluster start|stop}: a local cluster of node processes, for trying things. */
@Command(
    name = "cluster",
    description = "Start, stop or rebalance a cluster of cinnabar nodes.",
    mixinStandardHelpOptions = true,
    subcommands = {ClusterStart.class, ClusterStop.class, ClusterRebalance.class})
public final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: start|stop|rebalance");
  }
}
