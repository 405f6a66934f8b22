package io.cinnabar.launcher;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigFile;
import io.cinnabar.server.Log;
import io.cinnabar.server.Server;
import io.cinnabar.server.ServerContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cinnabar server [config-file] [--name value ...]}: redis-server's command line. The
 * options after the file become config lines appended to it ("--save 900 1" is "save 900 1"), so
 * scripts written for redis-server work unchanged.
 */
@Command(
    name = "server",
    description = "Run one node, with redis-server's command line.",
    mixinStandardHelpOptions = false)
public final class ServerCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "ARGS", description = "[config-file] [--name value ...]")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    Config config = new Config();
    String configText;
    try {
      configText = configText(args);
    } catch (IOException e) {
      System.err.println(
          "Fatal error, can't open config file '" + args.get(0) + "': " + e.getMessage());
      return 1;
    }
    try {
      ConfigFile.loadText(config, configText);
    } catch (ConfigFile.LoadException e) {
      System.err.println();
      System.err.println(
          "*** FATAL CONFIG FILE ERROR (Redis " + ServerContext.REDIS_VERSION + ") ***");
      System.err.println("Reading the configuration file, at line " + e.line);
      System.err.println(">>> '" + e.text + "'");
      System.err.println(e.reason);
      return 1;
    }
    try {
      Log.setLevel(config.get("loglevel"));
      Log.setFile(config.get("logfile"));
    } catch (IOException e) {
      System.err.println("Can't open the log file: " + e.getMessage());
      return 1;
    }
    long pid = ProcessHandle.current().pid();
    Log.setRole('C');
    Log.warning("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
    Log.warning(
        "Cinnabar version="
            + ServerContext.CINNABAR_VERSION
            + " (Redis "
            + ServerContext.REDIS_VERSION
            + " compatible), bits=64, pid="
            + pid
            + ", just started");
    Log.warning("Configuration loaded");
    Log.setRole('M');
    Server server;
    try {
      server = Server.start(config);
    } catch (Server.StartupException e) {
      Log.warning(e.getMessage());
      return 1;
    }
    Log.notice(
        "Running mode="
            + (config.getBool("cluster-enabled") ? "cluster" : "standalone")
            + ", port="
            + server.port()
            + ".");
    Log.warning("Server initialized");
    String pidfile = config.get("pidfile");
    if (!pidfile.isEmpty()) {
      try {
        Files.writeString(Path.of(pidfile), pid + "\n", StandardCharsets.US_ASCII);
      } catch (IOException e) {
        Log.warning("Failed to write PID file: " + e.getMessage());
      }
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!server.terminated().isDone()) {
                    Log.warning("Received SIGTERM scheduling shutdown...");
                  }
                  stop(server, pidfile);
                },
                "cinnabar-signal"));
    Log.notice("Ready to accept connections");
    server.terminated().join();
    stop(server, pidfile);
    return 0;
  }

  private static void stop(Server server, String pidfile) {
    server.close();
    if (!pidfile.isEmpty()) {
      try {
        Files.deleteIfExists(Path.of(pidfile));
      } catch (IOException e) {
        Log.warning("Failed to remove PID file: " + e.getMessage());
      }
    }
    Log.warning("Cinnabar is now ready to exit, bye bye...");
  }

  /** The config file's text followed by the command-line options as config lines. */
  static String configText(List<String> args) throws IOException {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    if (!args.isEmpty() && !args.get(0).startsWith("--")) {
      String file = args.get(0);
      sb.append(
          file.equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(Path.of(file), StandardCharsets.UTF_8));
      sb.append('\n');
      i = 1;
    }
    StringBuilder line = new StringBuilder();
    for (; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--") && a.length() > 2) {
        if (line.length() > 0) {
          sb.append(line).append('\n');
          line.setLength(0);
        }
        line.append(a.substring(2));
      } else {
        line.append(' ').append(quote(a));
      }
    }
    if (line.length() > 0) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /** Quotes an argument so the config splitter reads it back as one argument. */
  private static String quote(String a) {
    if (!a.isEmpty()
        && a.chars().noneMatch(ch -> ch <= ' ' || ch == '"' || ch == '\'' || ch == '\\')) {
      return a;
    }
    return "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
