package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigQuery;
import io.cinnabar.config.ConfigRewrite;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP (Redis's config.c). */
public final class ConfigCommands {
  private ConfigCommands() {}

  private static final String FLAGS = "admin noscript loading stale";

  public static void register(CommandTable t) {
    t.add(
        command("config", -2)
            .doc(
                "A container for server configuration commands",
                "2.0.0",
                "server",
                "Depends on subcommand.")
            .sub(
                command("help", 2)
                    .flags("loading stale")
                    .doc(
                        "Show helpful text about the different subcommands",
                        "5.0.0",
                        "server",
                        "O(1)")
                    .handler(ConfigCommands::help),
                command("rewrite", 2)
                    .flags(FLAGS)
                    .doc(
                        "Rewrite the configuration file with the in memory configuration",
                        "2.8.0",
                        "server",
                        "O(1)")
                    .handler(ConfigCommands::rewrite),
                command("set", -4)
                    .flags(FLAGS)
                    .tips("request_policy:all_nodes response_policy:all_succeeded")
                    .doc(
                        "Set configuration parameters to the given values",
                        "2.0.0",
                        "server",
                        "O(N) when N is the number of configuration parameters provided")
                    .handler(ConfigCommands::set),
                command("resetstat", 2)
                    .flags(FLAGS)
                    .doc("Reset the stats returned by INFO", "2.0.0", "server", "O(1)")
                    .handler(ConfigCommands::resetStat),
                command("get", -3)
                    .flags(FLAGS)
                    .doc(
                        "Get the values of configuration parameters",
                        "2.0.0",
                        "server",
                        "O(N) when N is the number of configuration parameters provided")
                    .handler(ConfigCommands::get)));
  }

  private static final String[] HELP = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help."
  };

  static void help(Client c) {
    c.reply.array(HELP.length);
    for (String h : HELP) {
      c.reply.simple(h);
    }
  }

  static void get(Client c) {
    Request r = c.req;
    List<String> patterns = new ArrayList<>();
    for (int i = 2; i < r.argc; i++) {
      patterns.add(r.string(i));
    }
    List<String[]> matches = ConfigQuery.get(c.server.config, patterns);
    c.reply.map(matches.size());
    for (String[] m : matches) {
      c.reply.bulk(m[0]);
      c.reply.bulk(m[1]);
    }
  }

  static void set(Client c) {
    Request r = c.req;
    if ((r.argc & 1) != 0) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    List<String> pairs = new ArrayList<>();
    for (int i = 2; i < r.argc; i++) {
      pairs.add(r.string(i));
    }
    String err = c.server.config.configSet(pairs, isLocal(c));
    if (err != null) {
      c.reply.error(err);
    } else {
      c.reply.ok();
    }
  }

  /** Redis's islocalClient: a unix socket or a loopback address. */
  private static boolean isLocal(Client c) {
    SocketAddress a = c.channel == null ? null : c.channel.remoteAddress();
    if (a instanceof InetSocketAddress in) {
      return in.getAddress() != null && in.getAddress().isLoopbackAddress();
    }
    return true;
  }

  static void resetStat(Client c) {
    c.server.stats.reset();
    c.server.keyspace.stats().reset();
    for (CommandSpec s : c.server.commands.allWithSubcommands()) {
      s.stats.reset();
    }
    c.reply.ok();
  }

  static void rewrite(Client c) {
    Config config = c.server.config;
    if (config.configFile() == null) {
      c.reply.error("ERR The server is running without a config file");
      return;
    }
    try {
      ConfigRewrite.rewrite(config, config.configFile());
      Log.warning("CONFIG REWRITE executed with success.");
      c.reply.ok();
    } catch (IOException e) {
      String reason = ConfigQuery.strerror(e);
      Log.warning("CONFIG REWRITE failed: " + reason);
      c.reply.error("ERR Rewriting config file: " + reason);
    }
  }
}
