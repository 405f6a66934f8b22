package io.cinnabar.config;

import io.cinnabar.command.CommandTable;
import io.cinnabar.commands.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads redis.conf text into a {@link Config} as Redis's loadServerConfigFromString: one directive
 * per line, arguments split as sdssplitargs splits them, '#' comments, include, rename-command,
 * user. Errors carry the line number and Redis's reason for the "FATAL CONFIG FILE ERROR" report.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** A directive that failed to load; {@code line} is 0 for checks made after the last line. */
  public static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int line;
    public final String text;
    public final String reason;

    LoadException(int line, String text, String reason) {
      super(line > 0 ? "line " + line + ": " + reason : reason);
      this.line = line;
      this.text = text;
      this.reason = reason;
    }

    /** Redis's report on stderr, ending with a newline. */
    public String report(String redisVersion) {
      StringBuilder sb = new StringBuilder();
      sb.append("\n*** FATAL CONFIG FILE ERROR (Redis ").append(redisVersion).append(") ***\n");
      if (line > 0) {
        sb.append("Reading the configuration file, at line ").append(line).append('\n');
        sb.append(">>> '").append(text).append("'\n");
      }
      return sb.append(reason).append('\n').toString();
    }
  }

  /** A file that can't be read (Redis logs this and exits rather than printing a report). */
  public static final class FatalException extends Exception {
    private static final long serialVersionUID = 1L;

    public FatalException(String message) {
      super(message);
    }
  }

  public static void load(Config config, Path file)
      throws IOException, LoadException, FatalException {
    loadText(config, readConfigFile(file.toString(), config));
  }

  /** Reads a config file as Redis's loadServerConfig: relative to the current dir. */
  public static String readConfigFile(String name, Config config) throws FatalException {
    Path p = config.dirPath().resolve(name);
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw cantOpen(name, "No such file or directory");
    } catch (IOException e) {
      String reason = Files.isDirectory(p) ? "Is a directory" : "Permission denied";
      throw cantOpen(name, reason);
    }
  }

  private static FatalException cantOpen(String name, String reason) {
    return new FatalException("Fatal error, can't open config file '" + name + "': " + reason);
  }

  public static void loadText(Config config, String text) throws LoadException, FatalException {
    try {
      loadLines(config, text);
    } finally {
      config.changed();
    }
  }

  private static void loadLines(Config config, String text) throws LoadException, FatalException {
    String[] lines = text.split("\n", -1);
    Set<String> commandNames = null;
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = trim(lines[i]);
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      List<String> argv = split(line);
      if (argv == null) {
        throw new LoadException(lineNo, line, "Unbalanced quotes in configuration line");
      }
      if (argv.isEmpty()) {
        continue;
      }
      String name = argv.get(0).toLowerCase(Locale.ROOT);
      int argc = argv.size();
      Directive d = config.directive(name);
      if (d != null) {
        if (!d.has(Directive.MULTI_ARG) && argc != 2) {
          throw new LoadException(lineNo, line, "wrong number of arguments");
        }
        try {
          config.setFromFile(d, argv.subList(1, argc));
        } catch (ConfigException e) {
          throw new LoadException(lineNo, line, e.getMessage());
        }
        continue;
      }
      if (Directives.isDeprecated(name, argc)) {
        continue;
      }
      if (name.equals("include") && argc == 2) {
        include(config, argv.get(1));
      } else if (name.equals("rename-command") && argc == 3) {
        if (commandNames == null) {
          commandNames = commandNames(config);
        }
        String from = argv.get(1).toLowerCase(Locale.ROOT);
        String to = argv.get(2).toLowerCase(Locale.ROOT);
        if (!commandNames.remove(from)) {
          throw new LoadException(lineNo, line, "No such command in rename-command");
        }
        if (!to.isEmpty() && !commandNames.add(to)) {
          throw new LoadException(lineNo, line, "Target command name already exists");
        }
        config.renameCommands.add(List.of(argv.get(1), argv.get(2)));
      } else if (name.equals("user") && argc >= 2) {
        config.userLines.add(List.copyOf(argv.subList(1, argc)));
      } else if (name.equals("loadmodule") && argc >= 2) {
        config.loadModules.add(List.copyOf(argv.subList(1, argc)));
      } else if (name.indexOf('.') >= 0) {
        if (argc != 2) {
          throw new LoadException(lineNo, line, "Module config specified without value");
        }
      } else if (name.equals("sentinel")) {
        if (argc != 1) {
          throw new LoadException(lineNo, line, "sentinel directive while not in sentinel mode");
        }
      } else {
        throw new LoadException(lineNo, line, "Bad directive or wrong number of arguments");
      }
    }
    String logfile = config.get("logfile");
    if (!logfile.isEmpty()) {
      String err = checkWritable(config.resolvePath(logfile));
      if (err != null) {
        throw new LoadException(0, null, "Can't open the log file: " + err);
      }
    }
    if (config.getBool("cluster-enabled") && !config.get("replicaof").isEmpty()) {
      throw new LoadException(0, null, "replicaof directive not allowed in cluster mode");
    }
  }

  /** Command names after the renames so far (rename-command checks them as Redis does). */
  private static Set<String> commandNames(Config config) {
    CommandTable t = new CommandTable();
    Commands.registerAll(t);
    Set<String> names = new HashSet<>();
    t.all().forEach(c -> names.add(c.name));
    for (List<String> r : config.renameCommands) {
      names.remove(r.get(0).toLowerCase(Locale.ROOT));
      if (!r.get(1).isEmpty()) {
        names.add(r.get(1).toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** include: a file, or a glob pattern whose matches (possibly none) are loaded in order. */
  private static void include(Config config, String name) throws LoadException, FatalException {
    if (name.indexOf('*') < 0 && name.indexOf('?') < 0 && name.indexOf('[') < 0) {
      loadText(config, readConfigFile(name, config));
      return;
    }
    Path pattern = config.dirPath().resolve(name);
    Path parent = pattern.getParent();
    PathMatcher m =
        FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName().toString());
    List<Path> matches = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path p : ds) {
        if (m.matches(p.getFileName())) {
          matches.add(p);
        }
      }
    } catch (IOException e) {
      return;
    }
    matches.sort(null);
    for (Path p : matches) {
      loadText(config, readConfigFile(p.toString(), config));
    }
  }

  /**
   * Whether the file can be opened for appending (creating it), as fopen(path, "a"); or why not.
   */
  static String checkWritable(Path p) {
    if (Files.isDirectory(p)) {
      return "Is a directory";
    }
    Path parent = p.toAbsolutePath().getParent();
    if (Files.exists(p)) {
      return Files.isWritable(p) ? null : "Permission denied";
    }
    if (parent == null || !Files.isDirectory(parent)) {
      return "No such file or directory";
    }
    return Files.isWritable(parent) ? null : "Permission denied";
  }

  /** sdstrim(line, " \t\r\n"). */
  static String trim(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && isTrim(s.charAt(b))) {
      b++;
    }
    while (e > b && isTrim(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }

  private static boolean isTrim(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** Splits a line into arguments as Redis's sdssplitargs; null on unbalanced quotes. */
  public static List<String> split(String line) {
    byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
    io.cinnabar.protocol.Request r = new io.cinnabar.protocol.Request();
    if (!io.cinnabar.protocol.ArgSplitter.split(b, 0, b.length, r)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < r.argc; i++) {
      out.add(new String(r.bufs[i], r.offs[i], r.lens[i], StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /**
   * The config text for redis-server's command line after the file: "--name value ..." options
   * become lines ("name \"value\" "), as Redis's main() builds them, values quoted like sdscatrepr.
   * "--save" without a value becomes save "".
   */
  public static String optionsText(List<String> args) {
    StringBuilder options = new StringBuilder();
    boolean handledLastArg = true;
    int n = args.size();
    for (int j = 0; j < n; j++) {
      String a = args.get(j);
      if (a.startsWith("--") && handledLastArg) {
        if (options.length() > 0) {
          options.append('\n');
        }
        options.append(a.substring(2)).append(' ');
        List<String> parts = split(a);
        if (parts != null && parts.size() == 1) {
          handledLastArg = false;
          boolean isSave = a.equalsIgnoreCase("--save");
          boolean nextIsOption = j != n - 1 && args.get(j + 1).startsWith("--");
          if (isSave && nextIsOption) {
            options.append("\"\"");
            handledLastArg = true;
          } else if (isSave && j == n - 1) {
            options.append("\"\"");
          } else if (a.equalsIgnoreCase("--sentinel") && (nextIsOption || j == n - 1)) {
            handledLastArg = true;
          }
        } else {
          handledLastArg = true;
        }
      } else {
        options.append(ConfigRewrite.repr(a)).append(' ');
        handledLastArg = true;
      }
    }
    return options.toString();
  }
}
