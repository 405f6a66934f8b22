package io.cinnabar.server;

/** Parsed client-output-buffer-limit classes (normal, replica, pubsub). */
final class OutputLimits {
  record Limit(long hard, long soft, long softSeconds) {}

  private String cachedText;
  private Limit normal;

  /** The limit for an ordinary client (replica and pubsub classes come with their features). */
  Limit forClient(Client c) {
    String text = c.server.config.get("client-output-buffer-limit");
    if (!text.equals(cachedText)) {
      normal = parse(text, "normal");
      cachedText = text;
    }
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
