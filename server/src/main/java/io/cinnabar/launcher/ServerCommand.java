package io.cinnabar.launcher;

import io.cinnabar.config.Config;
import io.cinnabar.config.ConfigFile;
import io.cinnabar.server.Log;
import io.cinnabar.server.Server;
import io.cinnabar.server.ServerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cinnabar server [config-file] [--name value ...] [-]}: redis-server's command line. The
 * options after the file become config lines appended to it ("--save 900 1" is "save 900 1"), so
 * scripts written for redis-server work unchanged. Logs, pidfile and signals as redis-server.
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
    if (!args.isEmpty()) {
      String a = args.get(0);
      if (a.equals("-v") || a.equals("--version")) {
        System.out.println(
            "Redis server v="
                + ServerContext.REDIS_VERSION
                + " sha=00000000:0 malloc=libc bits=64 build=cinnabar-"
                + ServerContext.CINNABAR_VERSION);
        return 0;
      }
      if (a.equals("-h") || a.equals("--help")) {
        usage(System.err);
        return 1;
      }
    }
    Config config = new Config();
    Log.setRole('C');
    try {
      ConfigFile.loadText(config, configText(config, args));
    } catch (ConfigFile.LoadException e) {
      System.err.print(e.report(ServerContext.REDIS_VERSION));
      System.err.flush();
      return 1;
    } catch (ConfigFile.FatalException e) {
      Log.warning(e.getMessage());
      return 1;
    }
    return new Launch(config, args.isEmpty()).run();
  }

  /**
   * The config text as redis-server builds it: the file, then stdin ("-" as the first or last
   * argument), then a newline and the command-line options as config lines.
   */
  static String configText(Config config, List<String> args) throws ConfigFile.FatalException {
    StringBuilder sb = new StringBuilder();
    int j = 0;
    if (!args.isEmpty() && !args.get(0).startsWith("-")) {
      String file = args.get(0);
      config.setConfigFile(Path.of(file));
      sb.append(ConfigFile.readConfigFile(file, config));
      j = 1;
    }
    boolean stdin = false;
    List<String> options = new ArrayList<>();
    for (int i = j; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-") && (i == 0 || i == args.size() - 1)) {
        stdin = true;
      } else {
        options.add(a);
      }
    }
    if (stdin) {
      Log.warning("Reading config from stdin");
      try {
        sb.append(new String(System.in.readAllBytes(), StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        throw new ConfigFile.FatalException("Fatal error reading config from stdin");
      }
    }
    sb.append('\n').append(ConfigFile.optionsText(options));
    return sb.toString();
  }

  static void usage(PrintStream out) {
    String c = "cinnabar server";
    out.println("Usage: " + c + " [/path/to/redis.conf] [options] [-]");
    out.println("       " + c + " - (read config from stdin)");
    out.println("       " + c + " -v or --version");
    out.println("       " + c + " -h or --help");
    out.println();
    out.println("Examples:");
    out.println("       " + c + " (run the server with default conf)");
    out.println("       echo 'maxmemory 128mb' | " + c + " -");
    out.println("       " + c + " /etc/redis/6379.conf");
    out.println("       " + c + " --port 7777");
    out.println("       " + c + " --port 7777 --replicaof 127.0.0.1 8888");
    out.println("       " + c + " /etc/myredis.conf --loglevel verbose -");
    out.println("       " + c + " /etc/myredis.conf --loglevel verbose");
  }

  /** Starts the node from a loaded configuration and runs it until shutdown. */
  static final class Launch {
    private final Config config;
    private final boolean noArgs;
    private volatile Server server;
    private volatile Path pidfile;

    Launch(Config config, boolean noArgs) {
      this.config = config;
      this.noArgs = noArgs;
    }

    int run() {
      try {
        Log.setLevel(config.get("loglevel"));
        String logfile = config.get("logfile");
        Log.setFile(logfile.isEmpty() ? "" : config.resolvePath(logfile).toString());
      } catch (IOException e) {
        System.err.println("Can't open the log file: " + e.getMessage());
        return 1;
      }
      config.onChange(c -> Log.setLevel(c.get("loglevel")));
      long pid = ProcessHandle.current().pid();
      Log.warning("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
      Log.warning(
          "Cinnabar version="
              + ServerContext.CINNABAR_VERSION
              + " (Redis "
              + ServerContext.REDIS_VERSION
              + " compatible), bits=64, pid="
              + pid
              + ", just started");
      if (noArgs) {
        Log.warning(
            "Warning: no config file specified, using the default config. In order to specify a"
                + " config file use cinnabar server /path/to/redis.conf");
      } else {
        Log.warning("Configuration loaded");
      }
      if (config.getBool("daemonize")) {
        Log.warning("daemonize yes is not supported: running in the foreground.");
      }
      Log.setRole('M');
      try {
        server = Server.start(config);
      } catch (Server.StartupException e) {
        Log.warning(e.getMessage());
        return 1;
      }
      writePidFile(pid);
      Log.notice(
          "Running mode="
              + (config.getBool("cluster-enabled") ? "cluster" : "standalone")
              + ", port="
              + server.port()
              + ".");
      Log.warning("Server initialized");
      Signals.install(this::onSignal);
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "cinnabar-exit"));
      Log.notice("Ready to accept connections");
      server.terminated().join();
      stop();
      return 0;
    }

    private void writePidFile(long pid) {
      String p = config.get("pidfile");
      if (p.isEmpty()) {
        return;
      }
      Path path = config.resolvePath(p);
      try {
        Files.writeString(path, pid + "\n", StandardCharsets.US_ASCII);
        pidfile = path;
      } catch (IOException e) {
        Log.warning("Failed to write PID file: " + e.getMessage());
      }
    }

    /** SIGTERM/SIGINT: log as Redis does and shut down; main then exits. */
    private void onSignal(String name) {
      Log.warning("Received SIG" + name + " scheduling shutdown...");
      Server s = server;
      new Thread(
              () -> {
                s.handOverBeforeSignalShutdown(name);
                if (s.saveBeforeSignalShutdown(name)) {
                  s.close();
                }
              },
              "cinnabar-shutdown")
          .start();
    }

    private synchronized void stop() {
      Server s = server;
      if (s == null) {
        return;
      }
      server = null;
      Log.warning("User requested shutdown...");
      s.close();
      Path p = pidfile;
      if (p != null) {
        Log.notice("Removing the pid file.");
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          Log.warning("Failed to remove PID file: " + e.getMessage());
        }
      }
      Log.warning("Cinnabar is now ready to exit, bye bye...");
    }
  }
}
