package io.cinnabar.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads redis.conf-style text into a {@link Config}: one directive per line, arguments split as
 * Redis's sdssplitargs splits them, '#' comments. Errors name the file, the line and the reason, as
 * Redis's "FATAL CONFIG FILE ERROR" does.
 */
public final class ConfigFile {
  private ConfigFile() {}

  /** A directive that failed to load. */
  public static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int line;
    public final String text;
    public final String reason;

    LoadException(int line, String text, String reason) {
      super("line " + line + ": " + reason);
      this.line = line;
      this.text = text;
      this.reason = reason;
    }
  }

  public static void load(Config config, Path file) throws IOException, LoadException {
    loadText(config, Files.readString(file, StandardCharsets.UTF_8));
  }

  public static void loadText(Config config, String text) throws LoadException {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> argv = split(line);
      if (argv == null) {
        throw new LoadException(i + 1, line, "Unbalanced quotes in configuration line");
      }
      if (argv.isEmpty()) {
        continue;
      }
      String name = argv.get(0);
      String value = String.join(" ", argv.subList(1, argv.size()));
      if (argv.size() < 2) {
        throw new LoadException(i + 1, line, "Bad directive or wrong number of arguments");
      }
      try {
        config.set(name, value);
      } catch (ConfigException e) {
        throw new LoadException(i + 1, line, e.getMessage());
      }
    }
  }

  /** Splits a line into arguments as Redis's sdssplitargs; null on unbalanced quotes. */
  public static List<String> split(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    io.cinnabar.protocol.Request r = new io.cinnabar.protocol.Request();
    if (!io.cinnabar.protocol.ArgSplitter.split(b, 0, b.length, r)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < r.argc; i++) {
      out.add(new String(r.bufs[i], r.offs[i], r.lens[i], StandardCharsets.UTF_8));
    }
    return out;
  }
}
