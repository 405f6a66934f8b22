package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** CLUSTER on a lone node; expected strings are redis-server 7.0.15's replies. */
class ClusterCommandsTest {
  private static final String DISABLED = "-ERR This instance has cluster support disabled\r\n";

  @Test
  void disabledOutsideClusterMode() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CLUSTER", "KEYSLOT", "a")).isEqualTo(DISABLED);
      assertThat(c.call("CLUSTER", "HELP")).isEqualTo(DISABLED);
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(DISABLED);
      assertThat(c.call("READONLY")).isEqualTo(DISABLED);
      assertThat(c.call("READWRITE")).isEqualTo(DISABLED);
      assertThat(c.call("CLUSTER", "NOPE"))
          .isEqualTo("-ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.\r\n");
      assertThat(c.call("SELECT", "1")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void keyslotAndSlotQueries() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("CLUSTER", "KEYSLOT", "123456789")).isEqualTo(":12739\r\n");
      assertThat(c.call("CLUSTER", "KEYSLOT", "{user1000}.following")).isEqualTo(":3443\r\n");
      assertThat(c.call("CLUSTER", "KEYSLOT"))
          .isEqualTo("-ERR wrong number of arguments for 'cluster|keyslot' command\r\n");
      assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "16384")).isEqualTo("-ERR Invalid slot\r\n");
      assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "-1")).isEqualTo("-ERR Invalid slot\r\n");
      assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "0", "-1"))
          .isEqualTo("-ERR Invalid slot or number of keys\r\n");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "16384", "1"))
          .isEqualTo("-ERR Invalid slot or number of keys\r\n");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "1", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      assertThat(c.call("MSET", "{a}1", "1", "{a}2", "2", "foo", "x"))
          .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
      assertThat(c.call("MSET", "{a}1", "1", "{a}2", "2")).isEqualTo("+OK\r\n");
      assertThat(c.call("SET", "foo", "x")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "15495")).isEqualTo(":2\r\n");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "15495", "0")).isEqualTo("*0\r\n");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "15495", "1")).startsWith("*1\r\n$4\r\n{a}");
      assertThat(c.call("CLUSTER", "GETKEYSINSLOT", "12182", "5")).isEqualTo("*1\r\n$3\r\nfoo\r\n");
      assertThat(c.call("DBSIZE")).isEqualTo(":3\r\n");
      assertThat(c.call("SELECT", "1")).isEqualTo("-ERR SELECT is not allowed in cluster mode\r\n");
      assertThat(c.call("SELECT", "0")).isEqualTo("+OK\r\n");
      assertThat(c.call("SWAPDB", "0", "1"))
          .isEqualTo("-ERR SWAPDB is not allowed in cluster mode\r\n");
      assertThat(c.call("MOVE", "foo", "1"))
          .isEqualTo("-ERR MOVE is not allowed in cluster mode\r\n");
      assertThat(c.call("CLUSTER", "FLUSHSLOTS"))
          .isEqualTo("-ERR DB must be empty to perform CLUSTER FLUSHSLOTS.\r\n");
      assertThat(c.call("FLUSHALL")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "FLUSHSLOTS")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "15495")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void slotAssignmentErrorsAndInfo() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("fail", 0, 0));
      assertThat(c.call("CLUSTER", "ADDSLOTS", "1", "1"))
          .isEqualTo("-ERR Slot 1 specified multiple times\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTS", "16384"))
          .isEqualTo("-ERR Invalid or out of range slot\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTS", "x"))
          .isEqualTo("-ERR Invalid or out of range slot\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "5", "3"))
          .isEqualTo("-ERR start slot number 5 is greater than end slot number 3\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "1", "2", "3"))
          .isEqualTo("-ERR wrong number of arguments for 'cluster|addslotsrange' command\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTS", "5")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTS", "5")).isEqualTo("-ERR Slot 5 is already busy\r\n");
      assertThat(c.call("CLUSTER", "DELSLOTS", "6"))
          .isEqualTo("-ERR Slot 6 is already unassigned\r\n");
      assertThat(c.call("CLUSTER", "DELSLOTS", "5", "5"))
          .isEqualTo("-ERR Slot 5 specified multiple times\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "1", "3", "2", "4"))
          .isEqualTo("-ERR Slot 2 specified multiple times\r\n");
      // validation happens before any change: slot 0 was not taken by the failed call
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"))
          .isEqualTo("-ERR Slot 5 is already busy\r\n");
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("fail", 1, 1));
      assertThat(c.call("CONFIG", "SET", "cluster-require-full-coverage", "no"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("ok", 1, 1));
      assertThat(c.call("CONFIG", "SET", "cluster-require-full-coverage", "yes"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "4", "6", "16383")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("ok", 16384, 1));
      assertThat(c.call("CLUSTER", "DELSLOTSRANGE", "0", "9")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("fail", 16374, 1));
      assertThat(c.call("CLUSTER", "FLUSHSLOTS")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "INFO")).isEqualTo(info("fail", 0, 0));
      String id = c.call("CLUSTER", "MYID");
      assertThat(id).matches("\\$40\r\n[0-9a-f]{40}\r\n");
      assertThat(c.call("CLUSTER", "MYID")).isEqualTo(id);
    }
  }

  @Test
  void helpMatchesRedis() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      String help = c.call("CLUSTER", "HELP");
      assertThat(help)
          .startsWith(
              "*56\r\n+CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
          .contains(
              "+    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...")
          .endsWith("+HELP\r\n+    Prints this help.\r\n");
    }
  }

  private static String info(String state, int assigned, int size) {
    String text =
        "cluster_state:"
            + state
            + "\r\ncluster_slots_assigned:"
            + assigned
            + "\r\ncluster_slots_ok:"
            + assigned
            + "\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\n"
            + "cluster_size:"
            + size
            + "\r\ncluster_current_epoch:0\r\ncluster_my_epoch:0\r\n"
            + "cluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\n"
            + "total_cluster_links_buffer_limit_exceeded:0\r\n";
    return "$" + text.length() + "\r\n" + text + "\r\n";
  }
}
