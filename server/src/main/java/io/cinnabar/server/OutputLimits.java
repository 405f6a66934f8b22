package io.cinnabar.server;

/** Parsed client-output-buffer-limit classes (normal, replica, pubsub). */
final class OutputLimits {
  record Limit(long hard, long soft, long softSeconds) {}

  private volatile Limit normal;
  private volatile Limit pubsub;
  private volatile Limit replica;

  /** Parses the limits now and again whenever the configuration changes. */
  OutputLimits(io.cinnabar.config.Config config) {
    reload(config);
    config.onChange(this::reload);
  }

  private void reload(io.cinnabar.config.Config config) {
    normal = parse(config.get("client-output-buffer-limit"), "normal");
    pubsub = parse(config.get("client-output-buffer-limit"), "pubsub");
    replica = parse(config.get("client-output-buffer-limit"), "replica");
  }

  /** The limit of the client's class: pubsub while subscribed, else normal (no replicas yet). */
  Limit forClient(Client c) {
    if (c.isReplica()) {
      return replica;
    }
    return PubSub.subscribed(c) ? pubsub : normal;
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
