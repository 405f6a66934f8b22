package io.cinnabar.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The server's configuration: one value per {@link Directive} of {@link Directives}, set from the
 * config file, the command line and CONFIG SET alike. Values are kept as CONFIG GET prints them.
 * Values the hot path reads are mirrored into plain fields whenever they change, so reading them
 * costs a field load.
 */
public final class Config {
  /** Changes a running server must make for a directive; throws with Redis's reason. */
  @FunctionalInterface
  public interface Applier {
    void apply(Config config) throws ConfigException;
  }

  /** A directive name (primary or alias) and its directive. */
  record Entry(String name, Directive directive) {}

  private final Map<String, Entry> byName = new LinkedHashMap<>();
  private final List<Directive> directives;
  private final Map<String, String> values = new HashMap<>();
  private final List<Consumer<Config>> listeners = new ArrayList<>();
  private final Map<String, Applier> appliers = new HashMap<>();
  private Path dir;

  /** Set once the first "save" line of a config file replaced the defaults. */
  boolean saveLoaded;

  /** The config file the server was started with (absolute), or null. */
  private Path configFile;

  /** Directives the config file gave that are not values: rename-command, user, loadmodule. */
  public final List<List<String>> renameCommands = new ArrayList<>();

  public final List<List<String>> userLines = new ArrayList<>();
  public final List<List<String>> loadModules = new ArrayList<>();

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
  public volatile long maxmemory;
  public volatile int notifyKeyspaceEvents;

  /** The 'n' class given with 'A', which the canonical string (like Redis's) does not show. */
  volatile int notifyNewWithAll;

  public volatile long hashMaxListpackEntries;
  public volatile long hashMaxListpackValue;
  public volatile long zsetMaxListpackEntries;
  public volatile long zsetMaxListpackValue;
  public volatile long listMaxListpackSize;
  public volatile long setMaxIntsetEntries;

  /** min-replicas-to-write (0: writes need no replica). */
  public volatile long minReplicasToWrite;

  public Config() {
    directives = Directives.all();
    for (Directive d : directives) {
      byName.put(d.name, new Entry(d.name, d));
      if (d.alias != null) {
        byName.put(d.alias, new Entry(d.alias, d));
      }
      values.put(d.name, d.defaultValue);
    }
    dir = Path.of("").toAbsolutePath();
    values.put("dir", dir.toString());
    appliers.put("port", c -> fail("Unable to listen on this port. Check server logs."));
    appliers.put("bind", c -> fail("Failed to bind to specified addresses."));
    refreshFields();
  }

  private static void fail(String reason) throws ConfigException {
    throw new ConfigException(reason);
  }

  /** The directive named {@code name} or one of its aliases (case-insensitive), or null. */
  public Directive directive(String name) {
    Entry e = entry(name);
    return e == null ? null : e.directive;
  }

  Entry entry(String name) {
    return byName.get(name.toLowerCase(Locale.ROOT));
  }

  /** Every name CONFIG GET patterns may match (primary names and aliases), in table order. */
  List<Entry> entries() {
    return List.copyOf(byName.values());
  }

  /** All directives, each once, in declaration order. */
  public List<Directive> directives() {
    return directives;
  }

  public String get(String name) {
    Directive d = directive(name);
    return d == null ? null : values.get(d.name);
  }

  public boolean getBool(String name) {
    return "yes".equals(get(name));
  }

  public long getLong(String name) {
    return Numeric.valueOf(directive(name), get(name));
  }

  /** The current directory (the {@code dir} directive) that relative paths resolve against. */
  public Path dirPath() {
    return dir;
  }

  /**
   * Resolves a path directive (logfile, pidfile, dbfilename, appenddirname, cluster-config-file) or
   * a literal path as Redis does after chdir(dir): relative paths are relative to {@code dir}.
   */
  public Path resolvePath(String nameOrPath) {
    Directive d = directive(nameOrPath);
    String p = d != null ? get(nameOrPath) : nameOrPath;
    return dir.resolve(p);
  }

  public Path configFile() {
    return configFile;
  }

  public void setConfigFile(Path file) {
    configFile = file == null ? null : file.toAbsolutePath();
  }

  /**
   * Sets a directive from text at startup or internally (no immutability check), as CONFIG SET
   * parses it: multi-argument directives split the value on spaces. Throws with Redis's reason.
   */
  public void set(String name, String value) throws ConfigException {
    Directive d = directive(name);
    if (d == null) {
      throw new ConfigException("Bad directive or wrong number of arguments");
    }
    List<String> argv = d.has(Directive.MULTI_ARG) ? Directive.splitSpaces(value) : List.of(value);
    store(d, d.canonical(this, argv, false));
    changed();
  }

  /** Sets a directive from a config file line's arguments (after the name). */
  void setFromFile(Directive d, List<String> argv) throws ConfigException {
    store(d, d.canonical(this, argv, true));
  }

  private void store(Directive d, String canonical) {
    values.put(d.name, canonical);
    if (d.name.equals("dir")) {
      dir = Path.of(canonical);
    }
  }

  /** Refreshes the hot fields and tells the listeners (after a file load or a CONFIG SET). */
  void changed() {
    refreshFields();
    for (Consumer<Config> l : listeners) {
      l.accept(this);
    }
  }

  /** Called after any change (the server applies log level, keepalive, ... from here). */
  public void onChange(Consumer<Config> listener) {
    listeners.add(listener);
  }

  /**
   * Registers what a running server does when CONFIG SET changes {@code name}; failing undoes the
   * whole CONFIG SET. Port and bind fail by default (the server can't rebind yet).
   */
  public void onApply(String name, Applier applier) {
    appliers.put(directive(name).name, applier);
  }

  /**
   * CONFIG SET with name/value pairs, atomically: all are set or none. Returns null on success or
   * Redis's error message (without the "-"). {@code localClient} allows protected directives when
   * enable-protected-configs is "local".
   */
  public String configSet(List<String> pairs, boolean localClient) {
    int n = pairs.size() / 2;
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = pairs.get(2 * i);
      Entry e = entry(name);
      if (e == null) {
        return "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'";
      }
      Directive d = e.directive;
      String err = null;
      if (d.has(Directive.IMMUTABLE)) {
        err = "can't set immutable config";
      } else if (d.has(Directive.PROTECTED) && !protectedAllowed(localClient)) {
        err = "can't set protected config";
      } else {
        for (Entry prev : entries) {
          if (prev.name.equals(e.name)) {
            err = "duplicate parameter";
            break;
          }
        }
      }
      if (err != null) {
        // Later unknown names still win over this error only if they come first; they don't.
        return setFailed(name, err);
      }
      entries.add(e);
    }
    Map<String, String> backup = new HashMap<>(values);
    Path backupDir = dir;
    List<Directive> changedDirectives = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Directive d = entries.get(i).directive;
      String value = pairs.get(2 * i + 1);
      List<String> argv =
          d.has(Directive.MULTI_ARG) ? Directive.splitSpaces(value) : List.of(value);
      try {
        String old = values.get(d.name);
        String v = d.canonical(this, argv, false);
        store(d, v);
        if (!v.equals(old) && !changedDirectives.contains(d)) {
          changedDirectives.add(d);
        }
      } catch (ConfigException ex) {
        restore(backup, backupDir);
        return setFailed(entries.get(i).name, ex.getMessage());
      }
    }
    for (Directive d : changedDirectives) {
      Applier a = appliers.get(d.name);
      if (a == null) {
        continue;
      }
      try {
        a.apply(this);
      } catch (ConfigException ex) {
        restore(backup, backupDir);
        return setFailed(d.name, ex.getMessage());
      }
    }
    changed();
    return null;
  }

  private void restore(Map<String, String> backup, Path backupDir) {
    values.clear();
    values.putAll(backup);
    dir = backupDir;
  }

  private static String setFailed(String name, String reason) {
    return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason;
  }

  private boolean protectedAllowed(boolean localClient) {
    String v = get("enable-protected-configs");
    return v.equals("yes") || (v.equals("local") && localClient);
  }

  private void refreshFields() {
    port = (int) getLong("port");
    protoMaxBulkLen = getLong("proto-max-bulk-len");
    clientQueryBufferLimit = getLong("client-query-buffer-limit");
    maxclients = (int) Math.min(Integer.MAX_VALUE, getLong("maxclients"));
    timeout = (int) getLong("timeout");
    tcpKeepalive = (int) getLong("tcp-keepalive");
    hz = (int) getLong("hz");
    databases = (int) getLong("databases");
    activeExpireEffort = (int) getLong("active-expire-effort");
    requirepass = get("requirepass");
    maxmemory = getLong("maxmemory");
    notifyKeyspaceEvents = KeyspaceEvents.parse(get("notify-keyspace-events"));
    if ((notifyKeyspaceEvents & KeyspaceEvents.ALL) == KeyspaceEvents.ALL) {
      notifyKeyspaceEvents |= notifyNewWithAll;
    }
    hashMaxListpackEntries = getLong("hash-max-listpack-entries");
    hashMaxListpackValue = getLong("hash-max-listpack-value");
    zsetMaxListpackEntries = getLong("zset-max-listpack-entries");
    zsetMaxListpackValue = getLong("zset-max-listpack-value");
    listMaxListpackSize = getLong("list-max-listpack-size");
    setMaxIntsetEntries = getLong("set-max-intset-entries");
    minReplicasToWrite = getLong("min-replicas-to-write");
  }
}
