package io.cinnabar.commands;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.KeyspaceStats;
import io.cinnabar.server.Client;
import io.cinnabar.server.ServerContext;
import io.cinnabar.server.ServerStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * INFO [section ...] with Redis 7.0's sections, field names and order (genRedisInfoString). Fields
 * for features Cinnabar lacks (forks, AOF, replication links, modules) keep Redis's names with the
 * values an idle Redis would print, so tools parsing INFO keep working.
 */
final class InfoCommand {
  private InfoCommand() {}

  private static final Set<String> DEFAULT =
      Set.of(
          "server",
          "clients",
          "memory",
          "persistence",
          "stats",
          "replication",
          "cpu",
          "module_list",
          "errorstats",
          "cluster",
          "keyspace");

  static void info(Client c) {
    Set<String> sections = new HashSet<>();
    boolean all = false;
    if (c.req.argc == 1) {
      sections.addAll(DEFAULT);
    }
    for (int i = 1; i < c.req.argc; i++) {
      String s = c.req.string(i).toLowerCase(Locale.ROOT);
      switch (s) {
        case "default" -> sections.addAll(DEFAULT);
        case "all", "everything" -> all = true;
        default -> sections.add(s);
      }
    }
    c.reply.verbatim(generate(c.server, sections, all));
  }

  /** The INFO text for the chosen sections (all: every section). */
  static String generate(ServerContext s, Set<String> sections, boolean all) {
    Info out = new Info();
    if (all || sections.contains("server")) {
      server(out.section("Server"), s);
    }
    if (all || sections.contains("clients")) {
      clients(out.section("Clients"), s);
    }
    if (all || sections.contains("memory")) {
      memory(out.section("Memory"), s);
    }
    if (all || sections.contains("persistence")) {
      persistence(out.section("Persistence"), s);
    }
    if (all || sections.contains("stats")) {
      stats(out.section("Stats"), s);
    }
    if (all || sections.contains("replication")) {
      replication(out.section("Replication"), s);
    }
    if (all || sections.contains("cpu")) {
      cpu(out.section("CPU"));
    }
    if (all || sections.contains("module_list") || sections.contains("modules")) {
      out.section("Modules");
    }
    if (all || sections.contains("commandstats")) {
      commandStats(out.section("Commandstats"), s);
    }
    if (all || sections.contains("errorstats")) {
      out.section("Errorstats");
      s.stats.errorCodes.forEach((code, n) -> out.field("errorstat_" + code, "count=" + n));
    }
    if (all || sections.contains("latencystats")) {
      out.section("Latencystats");
    }
    if (all || sections.contains("cluster")) {
      out.section("Cluster").field("cluster_enabled", s.config.getBool("cluster-enabled") ? 1 : 0);
    }
    if (all || sections.contains("keyspace")) {
      out.section("Keyspace");
      for (int i = 0; i < s.keyspace.databases(); i++) {
        Database db = s.keyspace.db(i);
        if (db.size() > 0) {
          out.field("db" + i, "keys=" + db.size() + ",expires=" + db.expiresCount() + ",avg_ttl=0");
        }
      }
    }
    return out.sb.toString();
  }

  /** Builds "# Section\r\nname:value\r\n" blocks separated by blank lines. */
  private static final class Info {
    final StringBuilder sb = new StringBuilder();
    private int sections;

    Info section(String title) {
      if (sections++ > 0) {
        sb.append("\r\n");
      }
      sb.append("# ").append(title).append("\r\n");
      return this;
    }

    Info field(String name, Object value) {
      sb.append(name).append(':').append(value).append("\r\n");
      return this;
    }
  }

  private static void server(Info o, ServerContext s) {
    long uptime = s.uptimeSeconds();
    o.field("redis_version", ServerContext.REDIS_VERSION)
        .field("redis_git_sha1", "00000000")
        .field("redis_git_dirty", 0)
        .field("redis_build_id", "0")
        .field("redis_mode", s.config.getBool("cluster-enabled") ? "cluster" : "standalone")
        .field("os", os())
        .field("arch_bits", "64".equals(System.getProperty("sun.arch.data.model")) ? 64 : 32)
        .field("monotonic_clock", "POSIX clock_gettime")
        .field("multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio")
        .field("atomicvar_api", "java")
        .field("gcc_version", "0.0.0")
        .field("process_id", ProcessHandle.current().pid())
        .field("process_supervised", "no")
        .field("run_id", s.runId)
        .field("tcp_port", s.config.port)
        .field("server_time_usec", nowMicros())
        .field("uptime_in_seconds", uptime)
        .field("uptime_in_days", uptime / 86400)
        .field("hz", s.config.hz)
        .field("configured_hz", s.config.hz)
        .field("lru_clock", (System.currentTimeMillis() / 1000) & 0xFFFFFF)
        .field("executable", ProcessHandle.current().info().command().orElse(""))
        .field("config_file", s.config.configFile() == null ? "" : s.config.configFile().toString())
        .field("io_threads_active", 0)
        .field("cinnabar_version", ServerContext.CINNABAR_VERSION);
  }

  static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private static String os() {
    String arch = System.getProperty("os.arch");
    if ("amd64".equals(arch)) {
      arch = "x86_64";
    }
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch;
  }

  private static void clients(Info o, ServerContext s) {
    long maxIn = 0;
    long maxOut = 0;
    int blocked = 0;
    for (Client c : s.clients.values()) {
      maxIn = Math.max(maxIn, c.queryBufferLength());
      maxOut = Math.max(maxOut, c.pendingOutputBytes());
      if (c.isBlocked() && !s.pausedClients.contains(c)) {
        blocked++;
      }
    }
    o.field("connected_clients", s.clients.size())
        .field("cluster_connections", 0)
        .field("maxclients", s.config.maxclients)
        .field("client_recent_max_input_buffer", maxIn)
        .field("client_recent_max_output_buffer", maxOut)
        .field("blocked_clients", blocked)
        .field("tracking_clients", 0)
        .field("clients_in_timeout_table", s.blocking.clientsWithTimeout());
  }

  /** A fixed allowance for the server's own structures, like Redis's used_memory_startup. */
  static final long BASE_MEMORY = 876_224;

  /** Estimated bytes: keyspace, client buffers and a fixed base (Redis's used_memory). */
  static long usedMemory(ServerContext s) {
    long m = BASE_MEMORY + s.keyspace.memory();
    for (Client c : s.clients.values()) {
      m += c.queryBufferCapacity() + c.pendingOutputBytes() + 1024;
    }
    return m;
  }

  static long rss() {
    try {
      String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(f[1]) * 4096;
    } catch (Exception e) {
      Runtime r = Runtime.getRuntime();
      return r.totalMemory();
    }
  }

  /** Redis's bytesToHuman: B, K, M, G, T, P with two decimals. */
  static String human(long n) {
    String[] units = {"K", "M", "G", "T", "P"};
    if (n < 1024) {
      return n + "B";
    }
    double d = n;
    int u = -1;
    while (d >= 1024 && u < units.length - 1) {
      d /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", d, units[u]);
  }

  private static void memory(Info o, ServerContext s) {
    long used = usedMemory(s);
    long peak = Math.max(used, s.stats.peakMemory);
    s.stats.peakMemory = peak;
    long rss = rss();
    long startup = BASE_MEMORY;
    long dataset = s.keyspace.memory();
    long overhead = used - dataset;
    long total = totalSystemMemory();
    long maxmemory = s.config.getLong("maxmemory");
    long clientsMem = used - startup - dataset;
    o.field("used_memory", used)
        .field("used_memory_human", human(used))
        .field("used_memory_rss", rss)
        .field("used_memory_rss_human", human(rss))
        .field("used_memory_peak", peak)
        .field("used_memory_peak_human", human(peak))
        .field("used_memory_peak_perc", pct(used, peak))
        .field("used_memory_overhead", overhead)
        .field("used_memory_startup", startup)
        .field("used_memory_dataset", dataset)
        .field("used_memory_dataset_perc", pct(dataset, Math.max(1, used - startup)))
        .field("allocator_allocated", used)
        .field("allocator_active", used)
        .field("allocator_resident", rss)
        .field("total_system_memory", total)
        .field("total_system_memory_human", human(total))
        .field("used_memory_lua", 0)
        .field("used_memory_vm_eval", 0)
        .field("used_memory_lua_human", "0B")
        .field("used_memory_scripts_eval", 0)
        .field("number_of_cached_scripts", 0)
        .field("number_of_functions", 0)
        .field("number_of_libraries", 0)
        .field("used_memory_vm_functions", 0)
        .field("used_memory_vm_total", 0)
        .field("used_memory_vm_total_human", "0B")
        .field("used_memory_functions", 0)
        .field("used_memory_scripts", 0)
        .field("used_memory_scripts_human", "0B")
        .field("maxmemory", maxmemory)
        .field("maxmemory_human", human(maxmemory))
        .field("maxmemory_policy", s.config.get("maxmemory-policy"))
        .field("allocator_frag_ratio", "1.00")
        .field("allocator_frag_bytes", 0)
        .field("allocator_rss_ratio", ratio(rss, used))
        .field("allocator_rss_bytes", rss - used)
        .field("rss_overhead_ratio", "1.00")
        .field("rss_overhead_bytes", 0)
        .field("mem_fragmentation_ratio", ratio(rss, used))
        .field("mem_fragmentation_bytes", rss - used)
        .field("mem_not_counted_for_evict", 0)
        .field("mem_replication_backlog", 0)
        .field("mem_total_replication_buffers", 0)
        .field("mem_clients_slaves", 0)
        .field("mem_clients_normal", clientsMem)
        .field("mem_cluster_links", 0)
        .field("mem_aof_buffer", 0)
        .field("mem_allocator", "jvm")
        .field("active_defrag_running", 0)
        .field("lazyfree_pending_objects", 0)
        .field("lazyfreed_objects", 0);
  }

  private static String pct(long a, long b) {
    return String.format(Locale.ROOT, "%.2f%%", b == 0 ? 0.0 : 100.0 * a / b);
  }

  private static String ratio(long a, long b) {
    return String.format(Locale.ROOT, "%.2f", b == 0 ? 0.0 : (double) a / b);
  }

  /** Read once: in a container the JDK reads cgroup files for it (about a millisecond a call). */
  private static volatile long totalSystemMemory;

  private static long totalSystemMemory() {
    if (totalSystemMemory == 0) {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        totalSystemMemory = sun.getTotalMemorySize();
      }
    }
    return totalSystemMemory;
  }

  private static void persistence(Info o, ServerContext s) {
    o.field("loading", 0)
        .field("async_loading", 0)
        .field("current_cow_peak", 0)
        .field("current_cow_size", 0)
        .field("current_cow_size_age", 0)
        .field("current_fork_perc", "0.00")
        .field("current_save_keys_processed", 0)
        .field("current_save_keys_total", 0)
        .field("rdb_changes_since_last_save", s.keyspace.stats().dirty)
        .field("rdb_bgsave_in_progress", s.persistence.bgsaveInProgress() ? 1 : 0)
        .field("rdb_last_save_time", s.lastSaveSeconds)
        .field("rdb_last_bgsave_status", s.persistence.lastBgsaveOk ? "ok" : "err")
        .field("rdb_last_bgsave_time_sec", s.persistence.lastBgsaveSeconds)
        .field(
            "rdb_current_bgsave_time_sec",
            s.persistence.bgsaveInProgress()
                ? (System.currentTimeMillis() - s.persistence.bgsaveStartMs) / 1000
                : -1)
        .field("rdb_saves", s.persistence.saves)
        .field("rdb_last_cow_size", 0)
        .field("rdb_last_load_keys_expired", s.persistence.lastLoadKeysExpired)
        .field("rdb_last_load_keys_loaded", s.persistence.lastLoadKeysLoaded)
        .field("aof_enabled", s.config.getBool("appendonly") ? 1 : 0)
        .field("aof_rewrite_in_progress", 0)
        .field("aof_rewrite_scheduled", 0)
        .field("aof_last_rewrite_time_sec", -1)
        .field("aof_current_rewrite_time_sec", -1)
        .field("aof_last_bgrewrite_status", "ok")
        .field("aof_rewrites", 0)
        .field("aof_rewrites_consecutive_failures", 0)
        .field("aof_last_write_status", "ok")
        .field("aof_last_cow_size", 0)
        .field("module_fork_in_progress", 0)
        .field("module_fork_last_cow_size", 0);
  }

  private static void stats(Info o, ServerContext s) {
    ServerStats st = s.stats;
    KeyspaceStats ks = s.keyspace.stats();
    o.field("total_connections_received", st.totalConnections)
        .field("total_commands_processed", st.commandsProcessed)
        .field("instantaneous_ops_per_sec", st.instantaneousOpsPerSec())
        .field("total_net_input_bytes", st.netInputBytes)
        .field("total_net_output_bytes", st.netOutputBytes)
        .field("total_net_repl_input_bytes", st.netReplInputBytes)
        .field("total_net_repl_output_bytes", st.netReplOutputBytes)
        .field("instantaneous_input_kbps", "0.00")
        .field("instantaneous_output_kbps", "0.00")
        .field("instantaneous_input_repl_kbps", "0.00")
        .field("instantaneous_output_repl_kbps", "0.00")
        .field("rejected_connections", st.rejectedConnections)
        .field("sync_full", s.primary.syncFull)
        .field("sync_partial_ok", s.primary.syncPartialOk)
        .field("sync_partial_err", s.primary.syncPartialErr)
        .field("expired_keys", ks.expiredKeys)
        .field("expired_stale_perc", String.format(Locale.ROOT, "%.2f", ks.expiredStalePerc * 100))
        .field("expired_time_cap_reached_count", ks.expiredTimeCapReached)
        .field("expire_cycle_cpu_milliseconds", 0)
        .field("evicted_keys", 0)
        .field("evicted_clients", 0)
        .field("total_eviction_exceeded_time", 0)
        .field("current_eviction_exceeded_time", 0)
        .field("keyspace_hits", ks.hits)
        .field("keyspace_misses", ks.misses)
        .field("pubsub_channels", s.pubsub.channels())
        .field("pubsub_patterns", s.pubsub.patterns())
        .field("pubsubshard_channels", s.pubsub.shardChannels())
        .field("latest_fork_usec", 0)
        .field("total_forks", 0)
        .field("migrate_cached_sockets", s.migrate.size())
        .field("slave_expires_tracked_keys", 0)
        .field("active_defrag_hits", 0)
        .field("active_defrag_misses", 0)
        .field("active_defrag_key_hits", 0)
        .field("active_defrag_key_misses", 0)
        .field("total_active_defrag_time", 0)
        .field("current_active_defrag_time", 0)
        .field("tracking_total_keys", 0)
        .field("tracking_total_items", 0)
        .field("tracking_total_prefixes", 0)
        .field("unexpected_error_replies", st.unexpectedErrorReplies)
        .field("total_error_replies", st.totalErrorReplies)
        .field("dump_payload_sanitizations", 0)
        .field("total_reads_processed", st.readsProcessed)
        .field("total_writes_processed", st.writesProcessed)
        .field("io_threaded_reads_processed", 0)
        .field("io_threaded_writes_processed", 0)
        .field("reply_buffer_shrinks", 0)
        .field("reply_buffer_expands", 0);
  }

  private static void replication(Info o, ServerContext s) {
    io.cinnabar.server.ReplicaLink l = s.replicaLink();
    io.cinnabar.server.Primary p = s.primary;
    io.cinnabar.repl.ReplicationSource src = s.replication;
    io.cinnabar.repl.Backlog b = src.backlog();
    String replId = src.replId();
    long offset = src.offset();
    if (l == null) {
      o.field("role", "master");
    } else {
      boolean up = l.linkUp();
      long slaveOffset = Math.max(0, l.offset());
      o.field("role", "slave")
          .field("master_host", l.host())
          .field("master_port", l.port())
          .field("master_link_status", up ? "up" : "down")
          .field("master_last_io_seconds_ago", up ? l.lastIoSecondsAgo() : -1)
          .field("master_sync_in_progress", l.syncInProgress() ? 1 : 0)
          .field("slave_read_repl_offset", Math.max(0, l.readOffset()))
          .field("slave_repl_offset", slaveOffset);
      if (l.syncInProgress()) {
        long total = l.syncSize();
        long read = l.syncReceived();
        o.field("master_sync_total_bytes", total)
            .field("master_sync_read_bytes", read)
            .field("master_sync_left_bytes", total < 0 ? -1 : total - read)
            .field(
                "master_sync_perc",
                String.format(Locale.ROOT, "%.2f", total <= 0 ? 0.0 : (read * 100.0) / total))
            .field("master_sync_last_io_seconds_ago", l.lastIoSecondsAgo());
      }
      if (!up) {
        o.field("master_link_down_since_seconds", l.linkDownSinceSeconds());
      }
      o.field("slave_priority", s.config.getLong("replica-priority"))
          .field("slave_read_only", s.config.getBool("replica-read-only") ? 1 : 0)
          .field("replica_announced", s.config.getBool("replica-announced") ? 1 : 0);
      if (l.replId() != null) {
        replId = l.replId();
        offset = slaveOffset;
      }
    }
    java.util.List<io.cinnabar.server.Primary.Link> replicas = p.replicas();
    o.field("connected_slaves", replicas.size());
    if (l == null
        && s.config.minReplicasToWrite > 0
        && s.config.getLong("min-replicas-max-lag") > 0) {
      o.field("min_slaves_good_slaves", p.goodReplicas());
    }
    long now = System.currentTimeMillis();
    for (int i = 0; i < replicas.size(); i++) {
      io.cinnabar.server.Primary.Link r = replicas.get(i);
      o.field(
          "slave" + i,
          "ip="
              + r.ip()
              + ",port="
              + r.listeningPort
              + ",state=online,offset="
              + r.ackOffset
              + ",lag="
              + (now - r.ackTimeMs) / 1000);
    }
    o.field("master_failover_state", "no-failover")
        .field("master_replid", replId)
        .field("master_replid2", src.replId2())
        .field("master_repl_offset", offset)
        .field("second_repl_offset", src.secondOffset())
        .field("repl_backlog_active", b == null ? 0 : 1)
        .field("repl_backlog_size", s.config.getLong("repl-backlog-size"))
        .field("repl_backlog_first_byte_offset", b == null ? 0 : b.firstOffset())
        .field("repl_backlog_histlen", b == null ? 0 : b.historyLength());
  }

  private static void cpu(Info o) {
    double[] proc = processCpu();
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    double mainTotal = t.getCurrentThreadCpuTime() / 1e9;
    double mainUser = t.getCurrentThreadUserTime() / 1e9;
    o.field("used_cpu_sys", secs(proc[0]))
        .field("used_cpu_user", secs(proc[1]))
        .field("used_cpu_sys_children", secs(0))
        .field("used_cpu_user_children", secs(0))
        .field("used_cpu_sys_main_thread", secs(Math.max(0, mainTotal - mainUser)))
        .field("used_cpu_user_main_thread", secs(mainUser));
  }

  private static String secs(double d) {
    return String.format(Locale.ROOT, "%.6f", d);
  }

  /** {sys, user} CPU seconds of the process, from /proc/self/stat where available. */
  private static double[] processCpu() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields after the command name start at field 3 (state): utime is 14, stime is 15.
      return new double[] {Long.parseLong(f[12]) / 100.0, Long.parseLong(f[11]) / 100.0};
    } catch (Exception e) {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        return new double[] {0, sun.getProcessCpuTime() / 1e9};
      }
      return new double[] {0, 0};
    }
  }

  private static void commandStats(Info o, ServerContext s) {
    for (CommandSpec c : s.commands.allWithSubcommands()) {
      var st = c.stats;
      if (st.calls == 0 && st.failedCalls == 0 && st.rejectedCalls == 0) {
        continue;
      }
      o.field(
          "cmdstat_" + c.fullName,
          "calls="
              + st.calls
              + ",usec="
              + st.micros
              + ",usec_per_call="
              + String.format(
                  Locale.ROOT, "%.2f", st.calls == 0 ? 0.0 : (double) st.micros / st.calls)
              + ",rejected_calls="
              + st.rejectedCalls
              + ",failed_calls="
              + st.failedCalls);
    }
  }
}
