package io.cinnabar.cluster;

import static io.cinnabar.testkit.ClusterPair.id;
import static io.cinnabar.testkit.ClusterPair.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.Keys;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One slot moved by hand between two nodes, as redis-cli does it: IMPORTING, MIGRATING, MIGRATE,
 * then NODE on both sides; with clients blocked on both sides meanwhile.
 */
class SlotMigrationTest {
  @TempDir Path dir;

  private TestServer node(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled", "yes", "dir", d.toString(), "cluster-node-timeout", "2000");
  }

  private static long myEpoch(RespClient c) {
    String info = c.call("CLUSTER", "INFO");
    int i = info.indexOf("cluster_my_epoch:") + "cluster_my_epoch:".length();
    return Long.parseLong(info.substring(i, info.indexOf('\r', i)));
  }

  @Test
  void slotMovesKeyByKeyWithClientsBlockedOnBothSides() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b");
        RespClient ca = a.client();
        RespClient cb = b.client();
        RespClient waiterA = a.client();
        RespClient waiterB = b.client()) {
      join(a, ca, cb);
      String aid = id(ca);
      String bid = id(cb);
      int slot = 7629; // "{k}"
      String s = Integer.toString(slot);
      assertThat(ca.call("CLUSTER", "KEYSLOT", "{k}")).isEqualTo(":" + slot + "\r\n");
      assertThat(ca.call("SET", "{k}s", "v")).isEqualTo("+OK\r\n");
      waiterA.send("BLPOP", "{k}a", "0");
      Await.until(
          "waiter blocked on a",
          5_000,
          () -> ca.call("INFO", "clients").contains("blocked_clients:1"));

      assertThat(cb.call("CLUSTER", "SETSLOT", s, "MIGRATING", aid))
          .isEqualTo("-ERR I'm not the owner of hash slot " + slot + "\r\n");
      assertThat(ca.call("CLUSTER", "SETSLOT", s, "IMPORTING", bid))
          .isEqualTo("-ERR I'm already the owner of hash slot " + slot + "\r\n");
      assertThat(cb.call("CLUSTER", "SETSLOT", s, "IMPORTING", aid)).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "SETSLOT", s, "MIGRATING", bid)).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "NODES")).contains("[" + slot + "->-" + bid + "]");
      assertThat(cb.call("CLUSTER", "NODES")).contains("[" + slot + "-<-" + aid + "]");

      // a client of the importing node blocks there after ASKING and is not redirected
      waiterB.send("ASKING");
      assertThat(waiterB.readReply()).isEqualTo("+OK\r\n");
      waiterB.send("BLPOP", "{k}b", "0");
      Await.until(
          "waiter blocked on b",
          5_000,
          () -> cb.call("INFO", "clients").contains("blocked_clients:1"));

      // the owner cannot give the slot away while it holds keys in it
      assertThat(ca.call("CLUSTER", "SETSLOT", s, "NODE", bid))
          .isEqualTo(
              "-ERR Can't assign hashslot "
                  + slot
                  + " to a different node while I still hold keys for this hash slot.\r\n");
      // keys move one by one; a moved key is asked for on the target
      assertThat(ca.call("GET", "{k}s")).isEqualTo("$1\r\nv\r\n");
      assertThat(ca.call("MIGRATE", "127.0.0.1", "" + b.port(), "{k}s", "0", "5000"))
          .isEqualTo("+OK\r\n");
      assertThat(ca.call("GET", "{k}s"))
          .isEqualTo("-ASK " + slot + " 127.0.0.1:" + b.port() + "\r\n");
      assertThat(cb.call("GET", "{k}s"))
          .isEqualTo("-MOVED " + slot + " 127.0.0.1:" + a.port() + "\r\n");
      assertThat(cb.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(cb.call("GET", "{k}s")).isEqualTo("$1\r\nv\r\n");
      // the client blocked on the importing node is served there (its ASKING still holds)
      assertThat(cb.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(cb.call("RPUSH", "{k}b", "x")).isEqualTo(":1\r\n");
      assertThat(waiterB.readReply()).isEqualTo("*2\r\n$4\r\n{k}b\r\n$1\r\nx\r\n");
      assertThat(waiterB.call("GET", "{k}s")).startsWith("-MOVED"); // ASKING is used up

      // hand the slot over: the importing side first (its epoch is bumped unless it is already
      // the highest, so its claim wins), then the source
      assertThat(cb.call("CLUSTER", "SETSLOT", s, "NODE", bid)).isEqualTo("+OK\r\n");
      assertThat(myEpoch(cb)).isGreaterThan(myEpoch(ca));
      assertThat(cb.call("CLUSTER", "NODES")).doesNotContain("-<-");
      assertThat(ca.call("CLUSTER", "SETSLOT", s, "NODE", bid)).isEqualTo("+OK\r\n");
      assertThat(ca.call("CLUSTER", "NODES")).doesNotContain("->-");
      assertThat(waiterA.readReply())
          .isEqualTo("-MOVED " + slot + " 127.0.0.1:" + b.port() + "\r\n");
      assertThat(cb.call("GET", "{k}s")).isEqualTo("$1\r\nv\r\n");
      Await.until(
          "a learns the new owner",
          10_000,
          () ->
              ca.call("GET", "{k}s").equals("-MOVED " + slot + " 127.0.0.1:" + b.port() + "\r\n"));
    }
  }

  /**
   * CLUSTER SETSLOT is answered from the routing view before the bus has written it into the node
   * table: each command right after it, on the same node, already routes by it, while gossip
   * publishes views of its own meanwhile; the tables and nodes.conf end up the same.
   */
  @Test
  void commandsRightAfterSetSlotRouteByIt() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b");
        RespClient ca = a.client();
        RespClient cb = b.client()) {
      join(a, ca, cb);
      String aid = id(ca);
      String bid = id(cb);
      String bAddr = "127.0.0.1:" + b.port();
      for (int slot = 1000; slot < 1200; slot++) {
        String s = Integer.toString(slot);
        String key = Keys.inSlot(slot);
        assertThat(cb.call("CLUSTER", "SETSLOT", s, "IMPORTING", aid)).isEqualTo("+OK\r\n");
        assertThat(cb.call("ASKING")).isEqualTo("+OK\r\n");
        assertThat(cb.call("SET", key, "v" + slot)).isEqualTo("+OK\r\n");
        assertThat(cb.call("GET", key))
            .isEqualTo("-MOVED " + slot + " 127.0.0.1:" + a.port() + "\r\n");
        assertThat(ca.call("CLUSTER", "SETSLOT", s, "MIGRATING", bid)).isEqualTo("+OK\r\n");
        assertThat(ca.call("GET", key)).isEqualTo("-ASK " + slot + " " + bAddr + "\r\n");
        assertThat(cb.call("CLUSTER", "SETSLOT", s, "NODE", bid)).isEqualTo("+OK\r\n");
        assertThat(cb.call("GET", key))
            .isEqualTo("$" + ("v" + slot).length() + "\r\nv" + slot + "\r\n");
        assertThat(ca.call("CLUSTER", "SETSLOT", s, "NODE", bid)).isEqualTo("+OK\r\n");
        assertThat(ca.call("GET", key)).isEqualTo("-MOVED " + slot + " " + bAddr + "\r\n");
        if (slot % 50 == 0) {
          assertThat(cb.call("CLUSTER", "NODES")).contains(bid + " 127.0.0.1:" + b.port());
          assertThat(ca.call("CLUSTER", "COUNTKEYSINSLOT", s)).isEqualTo(":0\r\n");
        }
      }
      for (RespClient c : new RespClient[] {ca, cb}) {
        Await.until(
            "both tables give b slots 1000-1199",
            10_000,
            () -> {
              String nodes = c.call("CLUSTER", "NODES");
              return nodes.contains(" 0-999 1200-16383") && nodes.contains(" 1000-1199");
            });
      }
      Await.until(
          "b's nodes.conf has its slots",
          10_000,
          () -> {
            try {
              return Files.readString(dir.resolve("b").resolve("nodes.conf"))
                  .contains(" 1000-1199");
            } catch (java.io.IOException e) {
              return false;
            }
          });
      assertThat(myEpoch(cb)).isGreaterThan(myEpoch(ca));
    }
  }
}
