package io.cinnabar.server;

/** Parsed client-output-buffer-limit classes (normal, replica, pubsub). */
final class OutputLimits {
  record Limit(long hard, long soft, long softSeconds) {}

  private volatile Limit normal;

  /** Parses the limits now and again whenever the configuration changes. */
  OutputLimits(io.cinnabar.config.Config config) {
    reload(config);
    config.onChange(this::reload);
  }

  private void reload(io.cinnabar.config.Config config) {
    normal = parse(config.get("client-output-buffer-limit"), "normal");
  }

  /** The limit for an ordinary client (replica and pubsub classes come with their features). */
  Limit forClient(Client c) {
    return normal;
  }

  static Limit parse(String text, String cls) {
    String[] p = text.trim().split("\\s+");
    for (int i = 0; i + 3 < p.length; i += 4) {
      if (p[i].equalsIgnoreCase(cls)) {
        try {
          return new Limit(
              io.cinnabar.config.Directive.parseMemory(p[i + 1]),
              io.cinnabar.config.Directive.parseMemory(p[i + 2]),
              Long.parseLong(p[i + 3]));
        } catch (io.cinnabar.config.ConfigException | NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
