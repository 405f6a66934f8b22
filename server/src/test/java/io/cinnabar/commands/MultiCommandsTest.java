package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/**
 * MULTI/EXEC with WATCH across connections (what a one-connection differential script cannot show);
 * replies checked against redis-server 7.0.15.
 */
class MultiCommandsTest {
  private static final String ABORTED = "*-1\r\n";

  /** WATCH k on {@code c}, run {@code change} elsewhere, then an EXEC of one PING. */
  private static String watchThenExec(RespClient c, String key, Runnable change) {
    assertThat(c.call("WATCH", key)).isEqualTo("+OK\r\n");
    change.run();
    assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
    assertThat(c.call("PING")).isEqualTo("+QUEUED\r\n");
    return c.call("EXEC");
  }

  @Test
  void writesByAnotherClientFailTheWatch() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient o = s.client()) {
      o.call("SET", "k", "1");
      assertThat(watchThenExec(c, "k", () -> o.call("SET", "k", "1"))).isEqualTo(ABORTED);
      assertThat(watchThenExec(c, "k", () -> o.call("GET", "k"))).isEqualTo("*1\r\n+PONG\r\n");
      // every family's writes signal the key
      String[][] writes = {
        {"APPEND", "k", "x"},
        {"INCR", "n"},
        {"EXPIRE", "k", "100"},
        {"PERSIST", "k"},
        {"DEL", "k"},
        {"HSET", "h", "f", "v"},
        {"LPUSH", "l", "a"},
        {"RPOP", "l"},
        {"RENAME", "k", "k2"},
      };
      o.call("SET", "k", "v");
      o.call("SET", "n", "1");
      for (String[] w : writes) {
        String key = w[0].equals("RENAME") ? "k2" : w[1];
        if (w[0].equals("RENAME")) {
          o.call("SET", "k", "v");
        }
        assertThat(watchThenExec(c, key, () -> o.call(w)))
            .as(String.join(" ", w))
            .isEqualTo(ABORTED);
      }
      // a write that changes nothing does not
      assertThat(watchThenExec(c, "k2", () -> o.call("EXPIRE", "k2", "100", "XX")))
          .isEqualTo("*1\r\n+PONG\r\n");
      // RESP3 null
      c.call("HELLO", "3");
      assertThat(watchThenExec(c, "k2", () -> o.call("SET", "k2", "x"))).isEqualTo("_\r\n");
    }
  }

  @Test
  void flushAndSwapTouchExistingWatchedKeys() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient o = s.client()) {
      assertThat(watchThenExec(c, "none", () -> o.call("FLUSHALL"))).isEqualTo("*1\r\n+PONG\r\n");
      o.call("SET", "k", "1");
      assertThat(watchThenExec(c, "k", () -> o.call("FLUSHALL"))).isEqualTo(ABORTED);
      o.call("SET", "k", "1");
      assertThat(watchThenExec(c, "k", () -> o.call("FLUSHDB"))).isEqualTo(ABORTED);
      c.call("SELECT", "1");
      c.call("SET", "k", "1");
      assertThat(watchThenExec(c, "k", () -> o.call("FLUSHDB"))).isEqualTo("*1\r\n+PONG\r\n");
      assertThat(watchThenExec(c, "k", () -> o.call("SWAPDB", "0", "1"))).isEqualTo(ABORTED);
    }
  }

  @Test
  void expiryDoesNotFailTheWatchAsRedis70() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient o = s.client()) {
      o.call("SET", "k", "v", "PX", "50");
      String reply =
          watchThenExec(
              c,
              "k",
              () -> {
                try {
                  Await.until("key expired", 5000, () -> o.call("EXISTS", "k").equals(":0\r\n"));
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(reply).isEqualTo("*1\r\n+PONG\r\n");
    }
  }

  @Test
  void clientListShowsTheTransaction() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient o = s.client()) {
      c.call("CLIENT", "SETNAME", "tx");
      c.call("MULTI");
      c.call("SET", "a", "1");
      c.call("GET", "a");
      String list = o.call("CLIENT", "LIST");
      String line = list.lines().filter(l -> l.contains("name=tx")).findFirst().orElseThrow();
      assertThat(line).contains(" flags=x ").contains(" multi=2 ").contains(" cmd=get ");
      assertThat(c.call("EXEC")).isEqualTo("*2\r\n+OK\r\n$1\r\n1\r\n");
      line =
          o.call("CLIENT", "LIST")
              .lines()
              .filter(l -> l.contains("name=tx"))
              .findFirst()
              .orElseThrow();
      assertThat(line).contains(" flags=N ").contains(" multi=-1 ").contains(" cmd=exec ");
    }
  }

  @Test
  void disconnectAndResetForgetWatches() throws InterruptedException {
    try (TestServer s = TestServer.start();
        RespClient o = s.client()) {
      try (RespClient c = s.client()) {
        c.call("WATCH", "k");
        c.call("MULTI");
      }
      Await.until("watcher gone", 5000, () -> s.server.context().watches.isEmpty());
      try (RespClient c = s.client()) {
        c.call("WATCH", "k");
        c.call("MULTI");
        c.call("SET", "x", "1");
        assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
        o.call("SET", "k", "2");
        c.call("MULTI");
        assertThat(c.call("EXEC")).isEqualTo("*0\r\n");
        assertThat(o.call("EXISTS", "x")).isEqualTo(":0\r\n");
      }
    }
  }

  @Test
  void commandStatsCountQueuedCommandsWhenRun() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("MULTI");
      c.call("SET", "a", "1");
      c.call("SET", "a");
      c.call("EXEC");
      c.call("MULTI");
      c.call("SET", "a", "1");
      c.call("LPUSH", "a", "1");
      c.call("EXEC");
      String stats = c.call("INFO", "commandstats");
      assertThat(stats).containsPattern("cmdstat_set:calls=1,.*rejected_calls=1,failed_calls=0");
      assertThat(stats).containsPattern("cmdstat_lpush:calls=1,.*rejected_calls=0,failed_calls=1");
      assertThat(stats).containsPattern("cmdstat_exec:calls=2,.*rejected_calls=0,failed_calls=1");
    }
  }

  @Test
  void clusterModeRoutesTheWholeTransaction() throws InterruptedException {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      Await.until("cluster ok", 5000, () -> c.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      c.call("MULTI");
      assertThat(c.call("SET", "a", "1")).isEqualTo("+QUEUED\r\n");
      assertThat(c.call("SET", "b", "1")).isEqualTo("+QUEUED\r\n");
      assertThat(c.call("EXEC"))
          .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
      assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
      c.call("MULTI");
      assertThat(c.call("MSET", "a", "1", "b", "2"))
          .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
      assertThat(c.call("EXEC"))
          .isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
      c.call("MULTI");
      c.call("SET", "{a}x", "1");
      c.call("SET", "a", "2");
      c.call("PING");
      assertThat(c.call("EXEC")).isEqualTo("*3\r\n+OK\r\n+OK\r\n+PONG\r\n");
    }
  }

  @Test
  void rejectedExecAbortsWithTheReason() {
    try (TestServer s = TestServer.start("requirepass", "pw");
        RespClient c = s.client()) {
      assertThat(c.call("EXEC"))
          .isEqualTo(
              "-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n");
      assertThat(c.call("MULTI")).isEqualTo("-NOAUTH Authentication required.\r\n");
      c.call("AUTH", "pw");
      c.call("MULTI");
      assertThat(c.call("EXEC", "x"))
          .isEqualTo(
              "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec'"
                  + " command\r\n");
      assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
    }
  }

  @Test
  void clientReplySkipInsideExecSkipsTheCommandAfterExec() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("MULTI");
      c.call("CLIENT", "REPLY", "SKIP");
      c.call("SET", "a", "2");
      c.call("GET", "a");
      // As Redis: EXEC announces 3 replies but sends 2 (SKIP's own is muted), and the GET after
      // EXEC is the one skipped; reading 3 elements thus takes PING's reply as the third.
      c.send("EXEC");
      c.send("GET", "a");
      c.send("PING");
      assertThat(c.readReply()).isEqualTo("*3\r\n+OK\r\n$1\r\n2\r\n+PONG\r\n");
    }
  }
}
