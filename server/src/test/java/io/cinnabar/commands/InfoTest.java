package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** INFO sections, their order and fields, as redis-server 7.0.15 prints them. */
class InfoTest {
  private static List<String> headers(String info) {
    List<String> out = new ArrayList<>();
    for (String l : info.split("\r\n")) {
      if (l.startsWith("# ")) {
        out.add(l.substring(2));
      }
    }
    return out;
  }

  @Test
  void sectionSelection() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(headers(c.call("INFO")))
          .containsExactly(
              "Server",
              "Clients",
              "Memory",
              "Persistence",
              "Stats",
              "Replication",
              "CPU",
              "Modules",
              "Errorstats",
              "Cluster",
              "Keyspace");
      assertThat(headers(c.call("INFO", "all")))
          .containsExactly(
              "Server",
              "Clients",
              "Memory",
              "Persistence",
              "Stats",
              "Replication",
              "CPU",
              "Modules",
              "Commandstats",
              "Errorstats",
              "Latencystats",
              "Cluster",
              "Keyspace");
      assertThat(headers(c.call("INFO", "everything"))).hasSize(13);
      assertThat(headers(c.call("INFO", "CLUSTER", "server"))).containsExactly("Server", "Cluster");
      assertThat(headers(c.call("INFO", "default", "commandstats"))).hasSize(12);
      assertThat(c.call("INFO", "foo")).isEqualTo("$0\r\n\r\n");
      assertThat(c.call("INFO", "modules")).isEqualTo("$11\r\n# Modules\r\n\r\n");
      assertThat(c.call("INFO", "keyspace")).isEqualTo("$12\r\n# Keyspace\r\n\r\n");
      c.call("SET", "foo", "bar");
      assertThat(c.call("INFO", "keyspace"))
          .isEqualTo("$44\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n");
      assertThat(c.call("INFO", "cluster"))
          .isEqualTo("$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
      c.call("HELLO", "3");
      assertThat(c.call("INFO", "keyspace"))
          .isEqualTo("=48\r\ntxt:# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n");
    }
  }

  @Test
  void fieldsAndStatistics() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("SET", "k", "v");
      c.call("GET", "k");
      c.call("GET", "nokey");
      c.call("SET", "k");
      c.call("NOSUCHCOMMAND", "x");
      String all = c.call("INFO", "all");
      assertThat(all)
          .contains("\r\nredis_version:7.0.15\r\n")
          .contains("\r\ncinnabar_version:")
          .contains("\r\nredis_mode:standalone\r\n")
          .contains("\r\ntcp_port:" + s.port() + "\r\n")
          .contains("\r\nconnected_clients:1\r\n")
          .contains("\r\nmaxclients:10000\r\n")
          .contains("\r\nmaxmemory_policy:noeviction\r\n")
          .contains("\r\nloading:0\r\n")
          .contains("\r\nrdb_changes_since_last_save:1\r\n")
          .contains("\r\nkeyspace_hits:1\r\n")
          .contains("\r\nkeyspace_misses:1\r\n")
          .contains("\r\nrole:master\r\n")
          .contains("\r\ncmdstat_get:calls=2,usec=")
          .contains(",rejected_calls=1,failed_calls=0\r\n")
          .contains("\r\nerrorstat_ERR:count=2\r\n")
          .contains("\r\ntotal_error_replies:2\r\n")
          .containsPattern("\r\nused_memory:\\d+\r\nused_memory_human:[0-9.]+[BKMG]\r\n")
          .containsPattern("\r\nused_memory_rss:\\d+\r\n")
          .containsPattern("\r\nused_cpu_user:\\d+\\.\\d{6}\r\n")
          .containsPattern("\r\nrun_id:[0-9a-f]{40}\r\n")
          .containsPattern("\r\nmaster_replid:[0-9a-f]{40}\r\n");
      // Field order of the server section, as Redis prints it.
      String server = c.call("INFO", "server");
      List<String> names = new ArrayList<>();
      for (String l : server.split("\r\n")) {
        if (l.contains(":")) {
          names.add(l.substring(0, l.indexOf(':')));
        }
      }
      assertThat(names)
          .containsSubsequence(
              "redis_version",
              "redis_git_sha1",
              "redis_git_dirty",
              "redis_build_id",
              "redis_mode",
              "os",
              "arch_bits",
              "monotonic_clock",
              "multiplexing_api",
              "atomicvar_api",
              "gcc_version",
              "process_id",
              "process_supervised",
              "run_id",
              "tcp_port",
              "server_time_usec",
              "uptime_in_seconds",
              "uptime_in_days",
              "hz",
              "configured_hz",
              "lru_clock",
              "executable",
              "config_file",
              "io_threads_active");
    }
  }
}
