package io.cinnabar.config;

import static io.cinnabar.config.Directive.IMMUTABLE;
import static io.cinnabar.config.Directive.MULTI_ARG;
import static io.cinnabar.config.Directive.PROTECTED;
import static io.cinnabar.config.Directive.special;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Directives with their own syntax (Redis's SPECIAL_CONFIG): dir, save, bind, replicaof ... */
final class SpecialDirectives {
  private SpecialDirectives() {}

  static final String DEFAULT_SAVE = "3600 1 300 100 60 10000";
  static final String DEFAULT_BIND = "* -::*";
  static final String DEFAULT_COBL =
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  static final String DEFAULT_OOM = "0 200 800";
  static final String DEFAULT_PERCENTILES = "50 99 99.9";

  static void add(List<Directive.Builder> b) {
    b.add(special("dir", "").flags(PROTECTED).parser(SpecialDirectives::dir));
    b.add(special("save", DEFAULT_SAVE).flags(MULTI_ARG).parser(SpecialDirectives::save));
    b.add(
        special("client-output-buffer-limit", DEFAULT_COBL)
            .flags(MULTI_ARG)
            .parser(SpecialDirectives::outputBufferLimit));
    b.add(
        special("oom-score-adj-values", DEFAULT_OOM)
            .flags(MULTI_ARG)
            .parser(SpecialDirectives::oomValues));
    b.add(special("notify-keyspace-events", "").parser(SpecialDirectives::notifyEvents));
    b.add(special("bind", DEFAULT_BIND).flags(MULTI_ARG).parser(SpecialDirectives::bind));
    b.add(
        special("replicaof", "")
            .alias("slaveof")
            .flags(IMMUTABLE | MULTI_ARG)
            .parser(SpecialDirectives::replicaof));
    b.add(
        special("latency-tracking-info-percentiles", DEFAULT_PERCENTILES)
            .flags(MULTI_ARG)
            .parser(SpecialDirectives::percentiles));
  }

  private static String one(List<String> argv) throws ConfigException {
    if (argv.size() != 1) {
      throw new ConfigException("wrong number of arguments");
    }
    return argv.get(0);
  }

  /** dir: a chdir, so relative paths resolve against the current dir; errors are strerror's. */
  static String dir(Config config, List<String> argv, boolean loading) throws ConfigException {
    String arg = one(argv);
    Path base = config == null ? Path.of("").toAbsolutePath() : config.dirPath();
    if (arg.isEmpty()) {
      throw new ConfigException("No such file or directory");
    }
    Path p = base.resolve(arg);
    if (!Files.exists(p)) {
      throw new ConfigException("No such file or directory");
    }
    if (!Files.isDirectory(p)) {
      throw new ConfigException("Not a directory");
    }
    if (!Files.isExecutable(p)) {
      throw new ConfigException("Permission denied");
    }
    try {
      return p.toRealPath().toString();
    } catch (IOException e) {
      throw new ConfigException("No such file or directory");
    }
  }

  /**
   * save: pairs of seconds (>= 1) and changes (>= 0); "" clears. In a config file the first save
   * line replaces the defaults and later ones append, as Redis does.
   */
  static String save(Config config, List<String> argv, boolean loading) throws ConfigException {
    List<String> args = argv;
    if (args.size() == 1 && args.get(0).isEmpty()) {
      args = List.of();
    }
    if (args.size() % 2 != 0) {
      throw new ConfigException("Invalid save parameters");
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < args.size(); j++) {
      Long v = Numeric.strtollSaturating(args.get(j));
      if (v == null || ((j & 1) == 0 && v < 1) || ((j & 1) == 1 && v < 0)) {
        throw new ConfigException("Invalid save parameters");
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append((j & 1) == 0 ? v : (long) (int) (long) v);
    }
    if (loading && config != null && config.saveLoaded) {
      String prev = config.get("save");
      if (!prev.isEmpty() && sb.length() > 0) {
        return prev + " " + sb;
      }
      return prev.isEmpty() ? sb.toString() : prev;
    }
    if (loading && config != null) {
      config.saveLoaded = true;
    }
    return sb.toString();
  }

  private static final String[] OBUF_CLASSES = {"normal", "slave", "pubsub"};

  /** Class index of a client-output-buffer-limit class name (replica = slave), or -1. */
  private static int obufClass(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "normal" -> 0;
      case "slave", "replica" -> 1;
      case "pubsub" -> 2;
      default -> -1;
    };
  }

  static String outputBufferLimit(Config config, List<String> argv, boolean loading)
      throws ConfigException {
    if (argv.size() % 4 != 0) {
      throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
    }
    String current = config == null ? DEFAULT_COBL : config.get("client-output-buffer-limit");
    String[] cur = current.split(" ");
    String[][] values = new String[3][];
    for (int c = 0; c < 3; c++) {
      values[c] = new String[] {cur[c * 4 + 1], cur[c * 4 + 2], cur[c * 4 + 3]};
    }
    for (int j = 0; j < argv.size(); j += 4) {
      int cls = obufClass(argv.get(j));
      if (cls < 0) {
        throw new ConfigException("Invalid client class specified in buffer limit configuration.");
      }
      try {
        long hard = Numeric.memtoull(argv.get(j + 1));
        long soft = Numeric.memtoull(argv.get(j + 2));
        Long secs = Numeric.strtollSaturating(argv.get(j + 3));
        if (secs == null || (int) (long) secs < 0) {
          throw new NumberFormatException();
        }
        values[cls] =
            new String[] {
              Long.toUnsignedString(hard),
              Long.toUnsignedString(soft),
              Integer.toString((int) (long) secs)
            };
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < 3; c++) {
      if (c > 0) {
        sb.append(' ');
      }
      sb.append(OBUF_CLASSES[c]).append(' ').append(String.join(" ", values[c]));
    }
    return sb.toString();
  }

  static String oomValues(Config config, List<String> argv, boolean loading)
      throws ConfigException {
    if (argv.size() != 3) {
      throw new ConfigException("wrong number of arguments");
    }
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      Long v = Numeric.strtollSaturating(a);
      if (v == null || v < -2000 || v > 2000) {
        throw new ConfigException(
            "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
      }
      out.add(Long.toString(v));
    }
    return String.join(" ", out);
  }

  static String notifyEvents(Config config, List<String> argv, boolean loading)
      throws ConfigException {
    int flags = KeyspaceEvents.parse(one(argv));
    if (flags == -1) {
      throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    }
    // "An" prints as "A" (as Redis) but keeps the new-key class: remembered beside the string.
    config.notifyNewWithAll = flags & KeyspaceEvents.NEW;
    return KeyspaceEvents.format(flags);
  }

  static String bind(Config config, List<String> argv, boolean loading) throws ConfigException {
    if (argv.size() > 16) {
      throw new ConfigException("Too many bind addresses specified.");
    }
    if (argv.size() == 1 && argv.get(0).isEmpty()) {
      return "";
    }
    return String.join(" ", argv);
  }

  static String replicaof(Config config, List<String> argv, boolean loading)
      throws ConfigException {
    if (argv.size() != 2) {
      throw new ConfigException("wrong number of arguments");
    }
    if (argv.get(0).equalsIgnoreCase("no") && argv.get(1).equalsIgnoreCase("one")) {
      return "";
    }
    Long port = Numeric.strtollFull(argv.get(1), 10);
    if (port == null || port < 0 || port > 65535) {
      throw new ConfigException("Invalid master port");
    }
    return argv.get(0) + " " + port;
  }

  private static final java.util.regex.Pattern C_DOUBLE =
      java.util.regex.Pattern.compile(
          "[+-]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity))");

  static String percentiles(Config config, List<String> argv, boolean loading)
      throws ConfigException {
    if (argv.size() == 1 && argv.get(0).isEmpty()) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      if (!C_DOUBLE.matcher(a).matches()) {
        throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
      }
      double d =
          a.toLowerCase(Locale.ROOT).contains("inf")
              ? (a.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
              : Double.parseDouble(a);
      if (d > 100.0 || d < 0.0) {
        throw new ConfigException(
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      out.add(trimDouble(String.format(Locale.ROOT, "%f", d)));
    }
    return String.join(" ", out);
  }

  /** Redis's trimDoubleString: drops trailing zeros after the point, and the point itself. */
  static String trimDouble(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
