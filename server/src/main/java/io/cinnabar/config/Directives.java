package io.cinnabar.config;

import static io.cinnabar.config.Directive.bool;
import static io.cinnabar.config.Directive.enumeration;
import static io.cinnabar.config.Directive.integer;
import static io.cinnabar.config.Directive.memory;
import static io.cinnabar.config.Directive.special;
import static io.cinnabar.config.Directive.string;

import java.util.List;

/** The table of directives, with Redis 7.0's names, aliases, defaults and limits. */
public final class Directives {
  private Directives() {}

  private static final long INT_MAX = Integer.MAX_VALUE;
  private static final long LONG_MAX = Long.MAX_VALUE;

  public static List<Directive> all() {
    return List.of(
        integer("port", 6379, 0, 65535).immutable().build(),
        special("bind", "* -::*").build(),
        integer("tcp-backlog", 511, 0, INT_MAX).immutable().build(),
        integer("timeout", 0, 0, INT_MAX).build(),
        integer("tcp-keepalive", 300, 0, INT_MAX).build(),
        integer("maxclients", 10000, 1, INT_MAX).build(),
        integer("databases", 16, 1, INT_MAX).immutable().build(),
        integer("hz", 10, 0, INT_MAX).build(),
        integer("active-expire-effort", 1, 1, 10).build(),
        memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, LONG_MAX).build(),
        memory("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, LONG_MAX).build(),
        special(
                "client-output-buffer-limit",
                "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
            .build(),
        enumeration("loglevel", "notice", "debug", "verbose", "notice", "warning").build(),
        string("logfile", "").immutable().build(),
        string("pidfile", "").immutable().build(),
        string("dir", ".").build(),
        string("dbfilename", "dump.rdb").build(),
        string("requirepass", "").build(),
        bool("daemonize", false).immutable().build(),
        bool("protected-mode", true).build(),
        enumeration("enable-debug-command", "no", "no", "yes", "local").immutable().build(),
        bool("cluster-enabled", false).immutable().build(),
        string("cluster-config-file", "nodes.conf").immutable().build(),
        integer("cluster-node-timeout", 15000, 0, LONG_MAX).build(),
        memory("maxmemory", 0, 0, LONG_MAX).build(),
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
                "noeviction")
            .build(),
        bool("appendonly", false).build(),
        special("save", "3600 1 300 100 60 10000").build(),
        bool("replica-serve-stale-data", true).alias("slave-serve-stale-data").build(),
        bool("replica-read-only", true).alias("slave-read-only").build(),
        bool("lazyfree-lazy-user-flush", false).build());
  }
}
