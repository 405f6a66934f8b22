package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients blocked on lists (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP) woken by other connections: FIFO
 * order, the served key, chains, timeouts, CLIENT UNBLOCK, disconnects, pipelining. The expected
 * replies were checked against redis-server 7.0.15.
 */
class BlockingTest {
  private static TestServer server;
  private static RespClient ctl;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ctl = server.client();
  }

  @AfterAll
  static void stop() {
    ctl.close();
    server.close();
  }

  @BeforeEach
  void flush() throws InterruptedException {
    assertThat(ctl.call("FLUSHALL")).isEqualTo("+OK\r\n");
    awaitBlocked(0); // clients of the previous test are gone
  }

  private static String infoField(String name) {
    String info = ctl.call("INFO", "clients");
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in " + info);
  }

  private static void awaitBlocked(int n) throws InterruptedException {
    Await.until(n + " blocked clients", 5_000, () -> infoField("blocked_clients").equals("" + n));
  }

  private static String bulk(String s) {
    return "$" + s.length() + "\r\n" + s + "\r\n";
  }

  private static String pair(String key, String value) {
    return "*2\r\n" + bulk(key) + bulk(value);
  }

  private static long id(RespClient c) {
    String r = c.call("CLIENT", "ID");
    return Long.parseLong(r.substring(1, r.length() - 2));
  }

  @Test
  void threeClientsAreServedInArrivalOrder() throws InterruptedException {
    try (RespClient a = server.client();
        RespClient b = server.client();
        RespClient c = server.client()) {
      a.send("BLPOP", "k", "0");
      awaitBlocked(1);
      b.send("BLPOP", "k", "0");
      awaitBlocked(2);
      c.send("BLPOP", "k", "0");
      awaitBlocked(3);
      assertThat(ctl.call("RPUSH", "k", "1", "2")).isEqualTo(":2\r\n");
      assertThat(a.readReply()).isEqualTo(pair("k", "1"));
      assertThat(b.readReply()).isEqualTo(pair("k", "2"));
      awaitBlocked(1);
      assertThat(ctl.call("EXISTS", "k")).isEqualTo(":0\r\n");
      assertThat(ctl.call("LPUSH", "k", "3")).isEqualTo(":1\r\n");
      assertThat(c.readReply()).isEqualTo(pair("k", "3"));
      awaitBlocked(0);
    }
  }

  @Test
  void popsTheFirstNonEmptyKeyOrTheKeyThatWasPushed() throws InterruptedException {
    try (RespClient a = server.client()) {
      ctl.call("RPUSH", "c", "c1");
      ctl.call("RPUSH", "b", "b1");
      assertThat(a.call("BLPOP", "a", "b", "c", "0")).isEqualTo(pair("b", "b1"));
      assertThat(a.call("BRPOP", "a", "b", "c", "0")).isEqualTo(pair("c", "c1"));
      a.send("BRPOP", "a", "b", "c", "0");
      awaitBlocked(1);
      ctl.call("RPUSH", "c", "x", "y");
      assertThat(a.readReply()).isEqualTo(pair("c", "y"));
      assertThat(infoField("clients_in_timeout_table")).isEqualTo("0");
    }
  }

  @Test
  void blmpopServedWithCount() throws InterruptedException {
    try (RespClient a = server.client()) {
      a.send("BLMPOP", "0", "2", "x", "y", "RIGHT", "COUNT", "2");
      awaitBlocked(1);
      ctl.call("RPUSH", "y", "1", "2", "3");
      assertThat(a.readReply()).isEqualTo("*2\r\n" + bulk("y") + "*2\r\n" + bulk("3") + bulk("2"));
      assertThat(ctl.call("LRANGE", "y", "0", "-1")).isEqualTo("*1\r\n" + bulk("1"));
    }
  }

  @Test
  void wokenByLmoveAndBlmoveChains() throws InterruptedException {
    try (RespClient a = server.client();
        RespClient b = server.client();
        RespClient c = server.client()) {
      a.send("BLMOVE", "k1", "k2", "LEFT", "RIGHT", "0");
      awaitBlocked(1);
      b.send("BRPOPLPUSH", "k2", "k3", "0");
      awaitBlocked(2);
      c.send("BLPOP", "k3", "0");
      awaitBlocked(3);
      ctl.call("RPUSH", "src", "v");
      // LMOVE creates k1: a moves it to k2, b to k3, c pops it, all in one round.
      assertThat(ctl.call("LMOVE", "src", "k1", "LEFT", "LEFT")).isEqualTo(bulk("v"));
      assertThat(a.readReply()).isEqualTo(bulk("v"));
      assertThat(b.readReply()).isEqualTo(bulk("v"));
      assertThat(c.readReply()).isEqualTo(pair("k3", "v"));
      awaitBlocked(0);
      assertThat(ctl.call("DBSIZE")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void timeoutHasSubSecondPrecision() throws InterruptedException {
    assertThat(ctl.call("CONFIG", "RESETSTAT")).isEqualTo("+OK\r\n");
    try (RespClient a = server.client()) {
      a.send("BLPOP", "k", "0.2");
      awaitBlocked(1);
      assertThat(infoField("clients_in_timeout_table")).isEqualTo("1");
      long t0 = System.nanoTime();
      assertThat(a.readReply()).isEqualTo("*-1\r\n");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).isLessThan(1000);
      // Measured from before the send this time, so the wait cannot be shorter than asked.
      t0 = System.nanoTime();
      assertThat(a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0.2")).isEqualTo("*-1\r\n");
      ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).isGreaterThanOrEqualTo(200).isLessThan(1000);
      assertThat(a.call("HELLO", "3")).startsWith("%");
      assertThat(a.call("BLMPOP", "0.05", "1", "k", "LEFT")).isEqualTo("_\r\n");
      assertThat(infoField("clients_in_timeout_table")).isEqualTo("0");
      String stats = ctl.call("INFO", "commandstats");
      assertThat(stats).contains("cmdstat_blpop:calls=1,").contains("cmdstat_blmove:calls=1,");
    }
  }

  @Test
  void clientUnblockWithTimeoutOrError() throws InterruptedException {
    try (RespClient a = server.client()) {
      long id = id(a);
      assertThat(ctl.call("CLIENT", "UNBLOCK", "" + id)).isEqualTo(":0\r\n");
      a.send("BLPOP", "k", "-1e-3"); // rounds up to 0 ms: waits forever, as Redis
      awaitBlocked(1);
      assertThat(ctl.call("CLIENT", "LIST", "ID", "" + id))
          .contains(" flags=b ")
          .contains(" qbuf=0 ");
      assertThat(ctl.call("CLIENT", "UNBLOCK", "" + id, "TIMEOUT")).isEqualTo(":1\r\n");
      assertThat(a.readReply()).isEqualTo("*-1\r\n");
      a.send("BRPOPLPUSH", "k", "d", "0");
      awaitBlocked(1);
      assertThat(ctl.call("CLIENT", "UNBLOCK", "" + id, "error")).isEqualTo(":1\r\n");
      assertThat(a.readReply()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
      assertThat(ctl.call("CLIENT", "UNBLOCK", "" + id)).isEqualTo(":0\r\n");
      assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(ctl.call("INFO", "errorstats")).contains("errorstat_UNBLOCKED:count=1");
    }
  }

  @Test
  void clientHeldByPauseIsNotUnblockable() throws InterruptedException {
    try (RespClient a = server.client()) {
      long id = id(a);
      assertThat(ctl.call("CLIENT", "PAUSE", "300", "WRITE")).isEqualTo("+OK\r\n");
      a.send("LPUSH", "x", "1");
      Await.until(
          "a paused", 5_000, () -> ctl.call("CLIENT", "LIST", "ID", "" + id).contains(" flags=b "));
      assertThat(ctl.call("CLIENT", "UNBLOCK", "" + id)).isEqualTo(":0\r\n");
      assertThat(a.readReply()).isEqualTo(":1\r\n");
    }
  }

  @Test
  void disconnectedClientStopsWaiting() throws InterruptedException {
    RespClient a = server.client();
    a.send("BLPOP", "k", "0");
    awaitBlocked(1);
    a.close();
    awaitBlocked(0);
    assertThat(ctl.call("RPUSH", "k", "v")).isEqualTo(":1\r\n");
    assertThat(ctl.call("LRANGE", "k", "0", "-1")).isEqualTo("*1\r\n" + bulk("v"));
  }

  @Test
  void wrongTypeDestinationAfterWake() throws InterruptedException {
    try (RespClient a = server.client()) {
      ctl.call("SET", "d", "string");
      a.send("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
      awaitBlocked(1);
      assertThat(ctl.call("RPUSH", "k", "x")).isEqualTo(":1\r\n");
      assertThat(a.readReply())
          .isEqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
      assertThat(ctl.call("LRANGE", "k", "0", "-1")).isEqualTo("*1\r\n" + bulk("x"));
    }
  }

  @Test
  void keyOfAnotherTypeKeepsTheClientWaiting() throws InterruptedException {
    try (RespClient a = server.client()) {
      a.send("BLPOP", "k", "0");
      awaitBlocked(1);
      assertThat(ctl.call("HSET", "k", "f", "v")).isEqualTo(":1\r\n");
      assertThat(ctl.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(infoField("blocked_clients")).isEqualTo("1");
      ctl.call("DEL", "k");
      ctl.call("RPUSH", "k", "v");
      assertThat(a.readReply()).isEqualTo(pair("k", "v"));
    }
  }

  @Test
  void pipelinedCommandsRunAfterTheWake() throws InterruptedException {
    try (RespClient a = server.client();
        RespClient b = server.client()) {
      StringBuilder batch = new StringBuilder();
      for (String[] cmd :
          new String[][] {{"BLPOP", "k", "0"}, {"LPUSH", "k", "mine"}, {"LLEN", "k"}}) {
        batch.append('*').append(cmd.length).append("\r\n");
        for (String s : cmd) {
          batch.append(bulk(s));
        }
      }
      a.sendRaw(batch.toString());
      awaitBlocked(1);
      b.send("BLPOP", "k", "0");
      awaitBlocked(2);
      assertThat(ctl.call("RPUSH", "k", "1", "2")).isEqualTo(":2\r\n");
      assertThat(a.readReply()).isEqualTo(pair("k", "1"));
      // b was served "2" before a's LPUSH ran, as Redis runs unblocked clients' input later.
      assertThat(b.readReply()).isEqualTo(pair("k", "2"));
      assertThat(a.readReply()).isEqualTo(":1\r\n");
      assertThat(a.readReply()).isEqualTo(":1\r\n");
    }
  }

  @Test
  void renameMoveAndSwapdbWakeWaiters() throws InterruptedException {
    try (RespClient a = server.client();
        RespClient other = server.client()) {
      a.send("BLPOP", "k", "0");
      awaitBlocked(1);
      ctl.call("RPUSH", "src", "r");
      assertThat(ctl.call("RENAME", "src", "k")).isEqualTo("+OK\r\n");
      assertThat(a.readReply()).isEqualTo(pair("k", "r"));
      a.send("BLPOP", "k", "0");
      awaitBlocked(1);
      other.call("SELECT", "1");
      other.call("RPUSH", "k", "m");
      assertThat(other.call("MOVE", "k", "0")).isEqualTo(":1\r\n");
      assertThat(a.readReply()).isEqualTo(pair("k", "m"));
      a.send("BLPOP", "k", "0");
      awaitBlocked(1);
      other.call("RPUSH", "k", "s");
      assertThat(other.call("SWAPDB", "0", "1")).isEqualTo("+OK\r\n");
      assertThat(a.readReply()).isEqualTo(pair("k", "s"));
    }
  }

  @Test
  void idleTimeoutSparesBlockedClients() throws InterruptedException {
    try (TestServer s = TestServer.start("timeout", "1");
        RespClient a = s.client();
        RespClient b = s.client()) {
      a.send("BLPOP", "k", "2.5");
      long t0 = System.nanoTime();
      assertThat(a.readReply()).isEqualTo("*-1\r\n");
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(2000);
      assertThat(b.isClosedByServer(3_000)).isTrue();
    }
  }

  @Test
  void clusterUnblocksWaitersOfSlotsNoLongerServed() throws InterruptedException {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client();
        RespClient a = s.client()) {
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      Await.until(
          "cluster ok", 5_000, () -> c.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      a.send("BLPOP", "k", "0");
      Await.until(
          "a blocked", 5_000, () -> c.call("INFO", "clients").contains("blocked_clients:1"));
      assertThat(c.call("CLUSTER", "DELSLOTS", "7629")).isEqualTo("+OK\r\n"); // k's slot
      assertThat(a.readReply()).isEqualTo("-CLUSTERDOWN The cluster is down\r\n");
      assertThat(c.call("CONFIG", "SET", "cluster-require-full-coverage", "no"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTS", "7629")).isEqualTo("+OK\r\n");
      a.send("BLPOP", "{k}j", "0");
      Await.until(
          "a blocked", 5_000, () -> c.call("INFO", "clients").contains("blocked_clients:1"));
      assertThat(c.call("RPUSH", "k", "v")).isEqualTo(":1\r\n");
      assertThat(c.call("LPUSH", "{k}j", "w")).isEqualTo(":1\r\n");
      assertThat(a.readReply()).isEqualTo(pair("{k}j", "w"));
      a.send("BLPOP", "{k}j", "0");
      Await.until(
          "a blocked", 5_000, () -> c.call("INFO", "clients").contains("blocked_clients:1"));
      assertThat(c.call("CLUSTER", "DELSLOTS", "7629")).isEqualTo("+OK\r\n");
      assertThat(a.readReply()).isEqualTo("-CLUSTERDOWN Hash slot not served\r\n");
    }
  }

  @Test
  void insideExecTheyDoNotBlock() {
    try (RespClient a = server.client()) {
      long id = id(a);
      // The MULTI/EXEC code sets inExec while EXEC runs; replies checked with Redis's EXEC.
      server.server.runOnLoop(() -> server.server.context().clients.get(id).inExec = true);
      assertThat(a.call("BLPOP", "k", "0")).isEqualTo("*-1\r\n");
      assertThat(a.call("BRPOP", "k", "0")).isEqualTo("*-1\r\n");
      assertThat(a.call("BLMPOP", "0", "1", "k", "LEFT")).isEqualTo("*-1\r\n");
      assertThat(a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0")).isEqualTo("$-1\r\n");
      assertThat(a.call("BRPOPLPUSH", "k", "d", "0")).isEqualTo("$-1\r\n");
      assertThat(a.call("BLPOP", "k", "-1")).isEqualTo("-ERR timeout is negative\r\n");
      ctl.call("RPUSH", "k", "v");
      assertThat(a.call("BLPOP", "k", "0")).isEqualTo(pair("k", "v"));
    }
  }

  @Test
  void sortedSetPopsWakeInOrderAndTimeOut() throws InterruptedException {
    try (RespClient a = server.client();
        RespClient b = server.client();
        RespClient c = server.client()) {
      a.send("BZPOPMIN", "z", "other", "0");
      awaitBlocked(1);
      b.send("BZMPOP", "0", "2", "other", "z", "MAX", "COUNT", "5");
      awaitBlocked(2);
      c.send("BZPOPMAX", "z", "0.05");
      // A list under the key does not wake sorted-set waiters.
      assertThat(ctl.call("RPUSH", "other", "x")).isEqualTo(":1\r\n");
      assertThat(ctl.call("DEL", "other")).isEqualTo(":1\r\n");
      assertThat(c.readReply()).isEqualTo("*-1\r\n"); // timed out meanwhile
      assertThat(ctl.call("ZADD", "z", "1", "a", "2", "b", "3", "c")).isEqualTo(":3\r\n");
      assertThat(a.readReply()).isEqualTo("*3\r\n" + bulk("z") + bulk("a") + bulk("1"));
      assertThat(b.readReply())
          .isEqualTo(
              "*2\r\n"
                  + bulk("z")
                  + "*2\r\n*2\r\n"
                  + bulk("c")
                  + bulk("3")
                  + "*2\r\n"
                  + bulk("b")
                  + bulk("2"));
      assertThat(ctl.call("EXISTS", "z")).isEqualTo(":0\r\n");
      awaitBlocked(0);
    }
  }
}
