package io.cinnabar.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The server's configuration: one value per {@link Directive} of {@link Directives}, set from the
 * config file, the command line and CONFIG SET alike. Values the hot path reads are mirrored into
 * plain fields whenever they change, so reading them costs a field load.
 */
public final class Config {
  private final Map<String, Directive> byName = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<Consumer<Config>> listeners = new ArrayList<>();

  // Mirrors of frequently read values (see refreshFields).
  public volatile int port;
  public volatile long protoMaxBulkLen;
  public volatile long clientQueryBufferLimit;
  public volatile int maxclients;
  public volatile int timeout;
  public volatile int tcpKeepalive;
  public volatile int hz;
  public volatile int databases;
  public volatile int activeExpireEffort;
  public volatile String requirepass;

  public Config() {
    for (Directive d : Directives.all()) {
      byName.put(d.name, d);
      for (String a : d.aliases) {
        byName.put(a, d);
      }
      values.put(d.name, d.defaultValue);
    }
    refreshFields();
  }

  /** The directive named {@code name} or one of its aliases (case-insensitive), or null. */
  public Directive directive(String name) {
    return byName.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** All directives, each once, in declaration order. */
  public List<Directive> directives() {
    List<Directive> out = new ArrayList<>();
    for (Directive d : byName.values()) {
      if (!out.contains(d)) {
        out.add(d);
      }
    }
    return out;
  }

  public String get(String name) {
    Directive d = directive(name);
    return d == null ? null : values.get(d.name);
  }

  public boolean getBool(String name) {
    return "yes".equals(get(name));
  }

  public long getLong(String name) {
    return Long.parseLong(get(name));
  }

  /** Sets a directive from text; throws with Redis's reason if the name or value is invalid. */
  public void set(String name, String value) throws ConfigException {
    Directive d = directive(name);
    if (d == null) {
      throw new ConfigException("Bad directive or wrong number of arguments");
    }
    values.put(d.name, d.canonical(value));
    refreshFields();
    for (Consumer<Config> l : listeners) {
      l.accept(this);
    }
  }

  /** Called after any change (the server applies log level, keepalive, ... from here). */
  public void onChange(Consumer<Config> listener) {
    listeners.add(listener);
  }

  private void refreshFields() {
    port = (int) getLong("port");
    protoMaxBulkLen = getLong("proto-max-bulk-len");
    clientQueryBufferLimit = getLong("client-query-buffer-limit");
    maxclients = (int) getLong("maxclients");
    timeout = (int) getLong("timeout");
    tcpKeepalive = (int) getLong("tcp-keepalive");
    hz = (int) getLong("hz");
    databases = (int) getLong("databases");
    activeExpireEffort = (int) getLong("active-expire-effort");
    requirepass = get("requirepass");
  }
}
