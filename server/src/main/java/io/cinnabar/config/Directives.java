package io.cinnabar.config;

import static io.cinnabar.config.Directive.HIDDEN;
import static io.cinnabar.config.Directive.MULTI_ARG;
import static io.cinnabar.config.Directive.PROTECTED;
import static io.cinnabar.config.Directive.bool;
import static io.cinnabar.config.Directive.enumeration;
import static io.cinnabar.config.Directive.integer;
import static io.cinnabar.config.Directive.memory;
import static io.cinnabar.config.Directive.string;
import static io.cinnabar.config.Directive.unsigned;

import java.util.ArrayList;
import java.util.List;

/**
 * Every directive Redis 7.0.15 knows (its standardConfig table), with names, aliases, defaults,
 * bounds and flags. Directives for features Cinnabar does not have are still accepted and shown, so
 * existing redis.conf files load unchanged.
 */
public final class Directives {
  private Directives() {}

  static final long INT_MAX = Integer.MAX_VALUE;
  static final long INT_MIN = Integer.MIN_VALUE;
  static final long UINT_MAX = 0xFFFFFFFFL;
  static final long LONG_MAX = Long.MAX_VALUE;
  static final long ULLONG_MAX = -1L;
  static final long MB = 1024 * 1024;

  private static final List<Directive> ALL = build();

  public static List<Directive> all() {
    return ALL;
  }

  private static List<Directive> build() {
    List<Directive.Builder> b = new ArrayList<>();
    bools(b);
    strings(b);
    enums(b);
    ints(b);
    SpecialDirectives.add(b);
    List<Directive> out = new ArrayList<>();
    for (Directive.Builder d : b) {
      out.add(d.build());
    }
    return List.copyOf(out);
  }

  private static void bools(List<Directive.Builder> b) {
    b.add(bool("rdbchecksum", true).immutable());
    b.add(bool("daemonize", false).immutable());
    b.add(bool("io-threads-do-reads", false).immutable());
    b.add(bool("always-show-logo", false).immutable());
    b.add(bool("protected-mode", true));
    b.add(bool("rdbcompression", true));
    b.add(bool("rdb-del-sync-files", false));
    b.add(bool("activerehashing", true));
    b.add(bool("stop-writes-on-bgsave-error", true));
    b.add(bool("set-proc-title", true).immutable());
    b.add(bool("dynamic-hz", true));
    b.add(bool("lazyfree-lazy-eviction", false));
    b.add(bool("lazyfree-lazy-expire", false));
    b.add(bool("lazyfree-lazy-server-del", false));
    b.add(bool("lazyfree-lazy-user-del", false));
    b.add(bool("lazyfree-lazy-user-flush", false));
    b.add(bool("repl-disable-tcp-nodelay", false));
    b.add(bool("repl-diskless-sync", true));
    b.add(bool("aof-rewrite-incremental-fsync", true));
    b.add(bool("no-appendfsync-on-rewrite", false));
    b.add(bool("cluster-require-full-coverage", true));
    b.add(bool("rdb-save-incremental-fsync", true));
    b.add(bool("aof-load-truncated", true));
    b.add(bool("aof-use-rdb-preamble", true));
    b.add(bool("aof-timestamp-enabled", false));
    b.add(bool("cluster-replica-no-failover", false).alias("cluster-slave-no-failover"));
    b.add(bool("replica-lazy-flush", false).alias("slave-lazy-flush"));
    b.add(bool("replica-serve-stale-data", true).alias("slave-serve-stale-data"));
    b.add(bool("replica-read-only", true).alias("slave-read-only"));
    b.add(bool("replica-ignore-maxmemory", true).alias("slave-ignore-maxmemory"));
    b.add(bool("jemalloc-bg-thread", true));
    b.add(bool("activedefrag", false).validate(v -> v.equals("yes") ? NO_DEFRAG : null));
    b.add(bool("syslog-enabled", false).immutable());
    b.add(bool("cluster-enabled", false).immutable());
    b.add(bool("appendonly", false));
    b.add(bool("cluster-allow-reads-when-down", false));
    b.add(bool("cluster-allow-pubsubshard-when-down", true));
    b.add(bool("crash-log-enabled", true));
    b.add(bool("crash-memcheck-enabled", true));
    b.add(bool("use-exit-on-panic", false).flags(HIDDEN));
    b.add(bool("disable-thp", true).immutable());
    b.add(bool("cluster-allow-replica-migration", true));
    b.add(bool("replica-announced", true));
    b.add(bool("latency-tracking", true));
    b.add(bool("aof-disable-auto-gc", false));
    b.add(bool("replica-ignore-disk-write-errors", false));
  }

  static final String NO_DEFRAG =
      "Active defragmentation cannot be enabled: it requires a Redis server compiled with a"
          + " modified Jemalloc like the one shipped by default with the Redis source distribution";

  private static void strings(List<Directive.Builder> b) {
    int nul = Directive.S_EMPTY_IS_NULL;
    b.add(string("aclfile", "").immutable());
    b.add(string("unixsocket", "").immutable().numFlags(nul));
    b.add(string("pidfile", "").immutable().numFlags(nul));
    b.add(string("replica-announce-ip", "").alias("slave-announce-ip").numFlags(nul));
    b.add(string("masteruser", "").numFlags(nul));
    b.add(string("cluster-announce-ip", "").numFlags(nul));
    b.add(string("cluster-config-file", "nodes.conf").immutable());
    b.add(
        string("cluster-announce-hostname", "")
            .numFlags(nul)
            .validate(Validators::announcedHostname));
    b.add(string("syslog-ident", "redis").immutable());
    b.add(string("dbfilename", "dump.rdb").flags(PROTECTED).validate(Validators::dbfilename));
    b.add(string("appendfilename", "appendonly.aof").immutable().validate(Validators::aofName));
    b.add(string("appenddirname", "appendonlydir").immutable().validate(Validators::aofDir));
    b.add(string("server_cpulist", "").immutable().numFlags(nul));
    b.add(string("bio_cpulist", "").immutable().numFlags(nul));
    b.add(string("aof_rewrite_cpulist", "").immutable().numFlags(nul));
    b.add(string("bgsave_cpulist", "").immutable().numFlags(nul));
    b.add(string("ignore-warnings", ""));
    b.add(
        string("proc-title-template", "{title} {listen-addr} {server-mode}")
            .validate(Validators::procTitleTemplate));
    b.add(string("bind-source-addr", "").numFlags(nul));
    b.add(string("logfile", "").immutable());
    b.add(string("masterauth", "").numFlags(nul));
    b.add(string("requirepass", "").numFlags(nul));
    for (String tls :
        List.of(
            "tls-cert-file",
            "tls-key-file",
            "tls-key-file-pass",
            "tls-client-cert-file",
            "tls-client-key-file",
            "tls-client-key-file-pass",
            "tls-dh-params-file",
            "tls-ca-cert-file",
            "tls-ca-cert-dir",
            "tls-protocols",
            "tls-ciphers",
            "tls-ciphersuites")) {
      b.add(string(tls, "").numFlags(nul));
    }
  }

  private static void enums(List<Directive.Builder> b) {
    b.add(enumeration("supervised", "no", "upstart", "systemd", "auto", "no").immutable());
    b.add(
        enumeration(
                "syslog-facility",
                "local0",
                "user",
                "local0",
                "local1",
                "local2",
                "local3",
                "local4",
                "local5",
                "local6",
                "local7")
            .immutable());
    b.add(enumeration("repl-diskless-load", "disabled", "disabled", "on-empty-db", "swapdb"));
    b.add(enumeration("loglevel", "notice", "debug", "verbose", "notice", "warning"));
    b.add(
        enumeration(
            "maxmemory-policy",
            "noeviction",
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction"));
    b.add(enumeration("appendfsync", "everysec", "everysec", "always", "no"));
    b.add(enumeration("oom-score-adj", "no", "no", "yes", "relative", "absolute").ids(0, 1, 1, 2));
    b.add(enumeration("acl-pubsub-default", "resetchannels", "allchannels", "resetchannels"));
    b.add(enumeration("sanitize-dump-payload", "no", "no", "yes", "clients"));
    b.add(enumeration("enable-protected-configs", "no", "no", "yes", "local").immutable());
    b.add(enumeration("enable-debug-command", "no", "no", "yes", "local").immutable());
    b.add(enumeration("enable-module-command", "no", "no", "yes", "local").immutable());
    b.add(
        enumeration("cluster-preferred-endpoint-type", "ip", "ip", "hostname", "unknown-endpoint"));
    b.add(
        enumeration(
            "propagation-error-behavior", "ignore", "ignore", "panic", "panic-on-replicas"));
    for (String sig : List.of("shutdown-on-sigint", "shutdown-on-sigterm")) {
      b.add(
          enumeration(sig, "default", "default", "save", "nosave", "now", "force")
              .numFlags(Directive.E_FLAGS)
              .flags(MULTI_ARG)
              .validate(Validators::shutdownFlags));
    }
    b.add(enumeration("tls-auth-clients", "yes", "no", "yes", "optional"));
  }

  private static void ints(List<Directive.Builder> b) {
    b.add(integer("databases", 16, 1, INT_MAX).immutable());
    b.add(integer("port", 6379, 0, 65535));
    b.add(integer("io-threads", 1, 1, 128).immutable());
    b.add(integer("auto-aof-rewrite-percentage", 100, 0, INT_MAX));
    b.add(
        integer("cluster-replica-validity-factor", 10, 0, INT_MAX)
            .alias("cluster-slave-validity-factor"));
    b.add(integer("list-max-listpack-size", -2, INT_MIN, INT_MAX).alias("list-max-ziplist-size"));
    b.add(integer("tcp-keepalive", 300, 0, INT_MAX));
    b.add(integer("cluster-migration-barrier", 1, 0, INT_MAX));
    b.add(integer("active-defrag-cycle-min", 1, 1, 99));
    b.add(integer("active-defrag-cycle-max", 25, 1, 99));
    b.add(integer("active-defrag-threshold-lower", 10, 0, 1000));
    b.add(integer("active-defrag-threshold-upper", 100, 0, 1000));
    b.add(integer("lfu-log-factor", 10, 0, INT_MAX));
    b.add(integer("lfu-decay-time", 1, 0, INT_MAX));
    b.add(integer("replica-priority", 100, 0, INT_MAX).alias("slave-priority"));
    b.add(integer("repl-diskless-sync-delay", 5, 0, INT_MAX));
    b.add(integer("maxmemory-samples", 5, 1, INT_MAX));
    b.add(integer("maxmemory-eviction-tenacity", 10, 0, 100));
    b.add(integer("timeout", 0, 0, INT_MAX));
    b.add(integer("replica-announce-port", 0, 0, 65535).alias("slave-announce-port"));
    b.add(integer("tcp-backlog", 511, 0, INT_MAX).immutable());
    b.add(integer("cluster-port", 0, 0, 65535).immutable());
    b.add(integer("cluster-announce-bus-port", 0, 0, 65535));
    b.add(integer("cluster-announce-port", 0, 0, 65535));
    b.add(integer("cluster-announce-tls-port", 0, 0, 65535));
    b.add(integer("repl-timeout", 60, 1, INT_MAX));
    b.add(integer("repl-ping-replica-period", 10, 1, INT_MAX).alias("repl-ping-slave-period"));
    b.add(integer("list-compress-depth", 0, 0, INT_MAX));
    b.add(integer("rdb-key-save-delay", 0, INT_MIN, INT_MAX).flags(HIDDEN));
    b.add(integer("key-load-delay", 0, INT_MIN, INT_MAX).flags(HIDDEN));
    b.add(integer("active-expire-effort", 1, 1, 10));
    b.add(integer("hz", 10, 0, INT_MAX).normalize(Validators::clampHz));
    b.add(integer("min-replicas-to-write", 0, 0, INT_MAX).alias("min-slaves-to-write"));
    b.add(integer("min-replicas-max-lag", 10, 0, INT_MAX).alias("min-slaves-max-lag"));
    b.add(integer("watchdog-period", 0, 0, INT_MAX).flags(HIDDEN));
    b.add(integer("shutdown-timeout", 10, 0, INT_MAX));
    b.add(integer("repl-diskless-sync-max-replicas", 0, 0, INT_MAX));
    b.add(unsigned("maxclients", 10000, 1, UINT_MAX));
    b.add(unsigned("unixsocketperm", 0, 0, 0777).numFlags(Directive.N_OCTAL).immutable());
    b.add(unsigned("socket-mark-id", 0, 0, UINT_MAX).immutable());
    b.add(integer("active-defrag-max-scan-fields", 1000, 1, LONG_MAX));
    b.add(integer("slowlog-max-len", 128, 0, LONG_MAX));
    b.add(integer("acllog-max-len", 128, 0, LONG_MAX));
    b.add(integer("busy-reply-threshold", 5000, 0, LONG_MAX).alias("lua-time-limit"));
    b.add(integer("cluster-node-timeout", 15000, 0, LONG_MAX));
    // Cinnabar additions (hidden: CONFIG GET * lists what Redis 7.0 lists): the election delays
    // Redis hard-codes (500 + random 0..499 + rank x 1000 ms), so low-latency deployments can fail
    // over in well under a second.
    b.add(integer("cluster-election-base-delay", 500, 0, INT_MAX).flags(HIDDEN));
    b.add(integer("cluster-election-random-delay", 500, 0, INT_MAX).flags(HIDDEN));
    b.add(integer("cluster-election-rank-delay", 1000, 0, INT_MAX).flags(HIDDEN));
    b.add(integer("slowlog-log-slower-than", 10000, -1, LONG_MAX));
    b.add(integer("latency-monitor-threshold", 0, 0, LONG_MAX));
    b.add(memory("proto-max-bulk-len", 512 * MB, MB, LONG_MAX));
    b.add(integer("stream-node-max-entries", 100, 0, LONG_MAX));
    b.add(memory("repl-backlog-size", MB, 1, LONG_MAX));
    b.add(memory("maxmemory", 0, 0, ULLONG_MAX));
    b.add(memory("cluster-link-sendbuf-limit", 0, 0, ULLONG_MAX));
    b.add(
        unsigned("hash-max-listpack-entries", 512, 0, LONG_MAX).alias("hash-max-ziplist-entries"));
    b.add(unsigned("set-max-intset-entries", 512, 0, LONG_MAX));
    b.add(
        unsigned("zset-max-listpack-entries", 128, 0, LONG_MAX).alias("zset-max-ziplist-entries"));
    b.add(memory("active-defrag-ignore-bytes", 100 * MB, 1, LONG_MAX));
    b.add(memory("hash-max-listpack-value", 64, 0, LONG_MAX).alias("hash-max-ziplist-value"));
    b.add(memory("stream-node-max-bytes", 4096, 0, LONG_MAX));
    b.add(memory("zset-max-listpack-value", 64, 0, LONG_MAX).alias("zset-max-ziplist-value"));
    b.add(memory("hll-sparse-max-bytes", 3000, 0, LONG_MAX));
    b.add(unsigned("tracking-table-max-keys", 1000000, 0, LONG_MAX));
    b.add(memory("client-query-buffer-limit", 1024 * MB, MB, LONG_MAX));
    b.add(memory("maxmemory-clients", 0, -100, LONG_MAX).numFlags(Directive.N_PERCENT));
    b.add(integer("repl-backlog-ttl", 3600, 0, LONG_MAX));
    b.add(memory("auto-aof-rewrite-min-size", 64 * MB, 0, LONG_MAX));
    b.add(integer("loading-process-events-interval-bytes", 2 * MB, 1024, INT_MAX).flags(HIDDEN));
    b.add(integer("tls-port", 0, 0, 65535));
    b.add(integer("tls-session-cache-size", 20 * 1024, 0, INT_MAX));
    b.add(integer("tls-session-cache-timeout", 300, 0, INT_MAX));
    b.add(bool("tls-cluster", false));
    b.add(bool("tls-replication", false));
    b.add(bool("tls-prefer-server-ciphers", false));
    b.add(bool("tls-session-caching", true));
  }

  /** Redis's deprecated directives: accepted in config files and ignored. */
  static boolean isDeprecated(String name, int argc) {
    return argc == 2
        && (name.equals("list-max-ziplist-entries")
            || name.equals("list-max-ziplist-value")
            || name.equals("lua-replicate-commands"));
  }
}
