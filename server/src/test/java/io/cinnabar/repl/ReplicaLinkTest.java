package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** A Cinnabar replica following a real redis-server 7.0 primary (skipped without one). */
class ReplicaLinkTest {
  private static final long WAIT_MS = 15_000;

  static String info(RespClient c, String field) {
    String all = c.call("INFO", "replication") + c.call("INFO", "stats");
    for (String line : all.split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return null;
  }

  private static void awaitLinkUp(RespClient replica) throws InterruptedException {
    Await.until("link up", WAIT_MS, () -> "up".equals(info(replica, "master_link_status")));
  }

  private static void awaitSameData(RespClient primary, RespClient replica)
      throws InterruptedException {
    Await.until(
        "same digest",
        WAIT_MS,
        () -> primary.call("DEBUG", "DIGEST").equals(replica.call("DEBUG", "DIGEST")));
  }

  private static void fill(RespClient p, String prefix) {
    p.call("SET", prefix + "s", "value");
    p.call("SET", prefix + "n", "12345");
    p.call("SET", prefix + "ttl", "v", "EX", "1000");
    p.call("HSET", prefix + "h", "a", "1", "b", "2");
    p.call("RPUSH", prefix + "l", "a", "b", "c");
    p.call("SADD", prefix + "set", "x", "y", "z");
    p.call("SADD", prefix + "iset", "1", "2", "3");
    p.call("ZADD", prefix + "z", "1", "a", "2.5", "b");
    p.call("SELECT", "3");
    p.call("SET", prefix + "other-db", "v");
    p.call("PEXPIRE", prefix + "other-db", "500000");
    p.call("SELECT", "0");
  }

  @Test
  void followsARealPrimaryThroughFullSyncStreamAndPartialResync() throws InterruptedException {
    assumeTrue(RealRedis.available());
    try (RealRedis redis = RealRedis.start("--repl-diskless-sync-delay", "0");
        RespClient p = redis.client();
        TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient r = s.client()) {
      p.call("DEBUG", "POPULATE", "1000");
      fill(p, "before:");
      assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port())))
          .isEqualTo("+OK\r\n");
      assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port())))
          .isEqualTo("+OK Already connected to specified master\r\n");
      awaitLinkUp(r);
      awaitSameData(p, r);

      // The stream: plain writes, other databases, transactions, expiries.
      fill(p, "after:");
      p.call("MULTI");
      p.call("INCR", "counter");
      p.call("LPUSH", "after:l", "tx");
      p.call("EXEC");
      p.call("DEL", "key:1");
      awaitSameData(p, r);
      assertThat(r.call("TTL", "after:ttl")).startsWith(":");
      assertThat(r.call("GET", "counter")).isEqualTo("$1\r\n1\r\n");

      // A replica refuses writes from its clients.
      assertThat(r.call("SET", "x", "y"))
          .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
      assertThat(info(r, "role")).isEqualTo("slave");
      assertThat(info(r, "master_port")).isEqualTo(Integer.toString(redis.port()));
      assertThat(info(r, "master_replid")).isEqualTo(info(p, "master_replid"));
      Await.until(
          "offsets equal",
          WAIT_MS,
          () -> info(r, "slave_repl_offset").equals(info(p, "master_repl_offset")));
      assertThat(r.call("ROLE")).startsWith("*5\r\n$5\r\nslave\r\n");
      assertThat(r.call("CONFIG", "GET", "replicaof")).contains("127.0.0.1 " + redis.port());

      // The link drops (killed on either side): a partial resync continues the stream.
      long partial = Long.parseLong(info(p, "sync_partial_ok"));
      r.call("CLIENT", "KILL", "TYPE", "master");
      p.call("SET", "while-down", "1");
      awaitLinkUp(r);
      Await.until(
          "partial resync",
          WAIT_MS,
          () -> Long.parseLong(info(p, "sync_partial_ok")) == partial + 1);
      p.call("CLIENT", "KILL", "TYPE", "replica");
      p.call("SET", "while-down-2", "2");
      Await.until(
          "second partial resync",
          WAIT_MS,
          () -> Long.parseLong(info(p, "sync_partial_ok")) == partial + 2);
      awaitLinkUp(r);
      awaitSameData(p, r);

      // FLUSHALL reaches the replica too.
      p.call("FLUSHALL");
      p.call("SET", "last", "1");
      awaitSameData(p, r);
      assertThat(r.call("DBSIZE")).isEqualTo(":1\r\n");

      // A new history on the primary: the replica falls back to a full resync.
      long full = Long.parseLong(info(p, "sync_full"));
      p.call("DEBUG", "CHANGE-REPL-ID");
      p.call("SET", "after-change", "1");
      p.call("CLIENT", "KILL", "TYPE", "replica");
      Await.until("full resync", WAIT_MS, () -> Long.parseLong(info(p, "sync_full")) == full + 1);
      awaitLinkUp(r);
      awaitSameData(p, r);

      p.call("SET", "after-sync", "1");
      awaitSameData(p, r);
      Await.until(
          "offsets equal again",
          WAIT_MS,
          () -> info(r, "slave_repl_offset").equals(info(p, "master_repl_offset")));

      // Promotion keeps the data and the old history as the second ID.
      String primaryId = info(r, "master_replid");
      String offset = info(r, "slave_repl_offset");
      assertThat(r.call("REPLICAOF", "NO", "ONE")).isEqualTo("+OK\r\n");
      assertThat(info(r, "role")).isEqualTo("master");
      assertThat(r.call("CONFIG", "GET", "replicaof"))
          .isEqualTo("*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n");
      assertThat(info(r, "master_replid2")).isEqualTo(primaryId);
      // The applied stream went into our own backlog: siblings can continue from us.
      assertThat(info(r, "master_repl_offset")).isEqualTo(offset);
      assertThat(info(r, "repl_backlog_active")).isEqualTo("1");
      assertThat(Long.parseLong(info(r, "repl_backlog_histlen"))).isPositive();
      assertThat(info(r, "second_repl_offset"))
          .isEqualTo(Long.toString(Long.parseLong(offset) + 1));
      assertThat(r.call("GET", "after-change")).isEqualTo("$1\r\n1\r\n");
      assertThat(r.call("SET", "x", "y")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void loadsADiskBasedPayloadAndSwitchesPrimaries() throws InterruptedException {
    assumeTrue(RealRedis.available());
    try (RealRedis a = RealRedis.start("--repl-diskless-sync", "no");
        RealRedis b = RealRedis.start("--repl-diskless-sync-delay", "0");
        RespClient pa = a.client();
        RespClient pb = b.client();
        TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient r = s.client()) {
      fill(pa, "a:");
      fill(pb, "b:");
      pb.call("DEBUG", "POPULATE", "500");
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(a.port()));
      awaitLinkUp(r);
      awaitSameData(pa, r);
      // A key that only the new primary's data has: the full sync fails the WATCH.
      try (RespClient w = s.client()) {
        w.call("WATCH", "key:1");
        w.call("MULTI");
        w.call("GET", "key:1");
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port()));
        awaitLinkUp(r);
        awaitSameData(pb, r);
        assertThat(w.call("EXEC")).isEqualTo("*-1\r\n");
      }
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(b.port()));
      awaitLinkUp(r);
      awaitSameData(pb, r);
      assertThat(r.call("EXISTS", "a:s")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void staleDataAndLogicalExpiry() throws InterruptedException {
    assumeTrue(RealRedis.available());
    try (RealRedis redis = RealRedis.start("--repl-diskless-sync-delay", "0");
        RespClient p = redis.client();
        TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient r = s.client()) {
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
      awaitLinkUp(r);
      // The primary stops expiring, so only the replica's own rule decides.
      p.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
      p.call("SET", "k", "v", "PX", "50");
      Await.until(
          "replicated", WAIT_MS, () -> r.call("DEBUG", "DIGEST").equals(p.call("DEBUG", "DIGEST")));
      Await.until("expired on the replica", WAIT_MS, () -> r.call("GET", "k").equals("$-1\r\n"));
      assertThat(r.call("DBSIZE")).isEqualTo(":1\r\n"); // hidden, not deleted
      p.call("GET", "k"); // the primary expires it and propagates the DEL
      Await.until("deleted", WAIT_MS, () -> r.call("DBSIZE").equals(":0\r\n"));

      // The link down with replica-serve-stale-data no: data commands are refused.
      r.call("CONFIG", "SET", "replica-serve-stale-data", "no");
      p.call("CONFIG", "SET", "requirepass", "secret"); // the replica cannot sync any more
      p.call("CLIENT", "KILL", "TYPE", "replica");
      Await.until("link down", WAIT_MS, () -> "down".equals(info(r, "master_link_status")));
      assertThat(r.call("GET", "k"))
          .isEqualTo(
              "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to"
                  + " 'no'.\r\n");
      assertThat(r.call("INFO", "replication")).contains("master_link_down_since_seconds:");
      r.call("CONFIG", "SET", "replica-serve-stale-data", "yes");
      assertThat(r.call("GET", "k")).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void replicaofDirectiveAtStartupAndClusterMode() throws InterruptedException {
    assumeTrue(RealRedis.available());
    try (RealRedis redis = RealRedis.start("--repl-diskless-sync-delay", "0");
        RespClient p = redis.client()) {
      fill(p, "x:");
      try (TestServer s =
              TestServer.start(
                  "enable-debug-command", "yes", "replicaof", "127.0.0.1 " + redis.port());
          RespClient r = s.client()) {
        awaitLinkUp(r);
        awaitSameData(p, r);
        assertThat(r.call("ROLE"))
            .endsWith("$9\r\nconnected\r\n:" + info(r, "slave_repl_offset") + "\r\n");
      }
    }
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient r = s.client()) {
      assertThat(r.call("REPLICAOF", "127.0.0.1", "1"))
          .isEqualTo("-ERR REPLICAOF not allowed in cluster mode.\r\n");
      assertThat(r.call("REPLICAOF", "127.0.0.1", "70000"))
          .isEqualTo("-ERR REPLICAOF not allowed in cluster mode.\r\n");
    }
    try (TestServer s = TestServer.start();
        RespClient r = s.client()) {
      assertThat(r.call("REPLICAOF", "127.0.0.1", "70000"))
          .isEqualTo("-ERR Invalid master port\r\n");
      assertThat(r.call("SLAVEOF", "NO", "ONE")).isEqualTo("+OK\r\n");
      assertThat(r.call("ROLE")).isEqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
    }
  }

  private static void signal(String sig, String pid) throws Exception {
    new ProcessBuilder("kill", "-" + sig, pid).inheritIO().start().waitFor();
  }

  @Test
  void aSilentPrimaryIsDroppedAfterReplTimeoutAndResumedPartially() throws Exception {
    assumeTrue(RealRedis.available());
    try (RealRedis redis = RealRedis.start("--repl-diskless-sync-delay", "0");
        RespClient p = redis.client();
        TestServer s = TestServer.start("enable-debug-command", "yes", "repl-timeout", "1");
        RespClient r = s.client()) {
      String pid = p.call("INFO", "server").replaceAll("(?s).*process_id:(\\d+).*", "$1");
      r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
      awaitLinkUp(r);
      p.call("SET", "k", "1");
      awaitSameData(p, r);
      long partial = Long.parseLong(info(p, "sync_partial_ok"));
      signal("STOP", pid);
      try {
        Await.until("link down", WAIT_MS, () -> "down".equals(info(r, "master_link_status")));
      } finally {
        signal("CONT", pid);
      }
      awaitLinkUp(r);
      p.call("SET", "k", "2");
      awaitSameData(p, r);
      assertThat(Long.parseLong(info(p, "sync_partial_ok"))).isEqualTo(partial + 1);
    }
  }

  private static Process startRedis(int port, java.nio.file.Path dir) throws Exception {
    Process proc =
        new ProcessBuilder(
                RealRedis.executable(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--enable-debug-command",
                "yes",
                "--repl-diskless-sync-delay",
                "0",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    Await.until(
        "redis-server up",
        WAIT_MS,
        () -> {
          try (RespClient c = new RespClient("127.0.0.1", port)) {
            return c.call("PING").equals("+PONG\r\n");
          } catch (RuntimeException e) {
            return false;
          }
        });
    return proc;
  }

  @Test
  void aRestartedPrimaryIsFollowedWithAFullResync() throws Exception {
    assumeTrue(RealRedis.available());
    int port = TestServer.freePort();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cinnabar-primary");
    Process first = startRedis(port, dir);
    Process second = null;
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient r = s.client()) {
      try (RespClient p = new RespClient("127.0.0.1", port)) {
        fill(p, "old:");
        r.call("REPLICAOF", "127.0.0.1", Integer.toString(port));
        awaitLinkUp(r);
        awaitSameData(p, r);
      }
      first.destroy();
      first.waitFor();
      Await.until("link down", WAIT_MS, () -> "down".equals(info(r, "master_link_status")));
      second = startRedis(port, dir);
      try (RespClient p = new RespClient("127.0.0.1", port)) {
        fill(p, "new:");
        awaitLinkUp(r);
        awaitSameData(p, r);
        assertThat(r.call("EXISTS", "old:s")).isEqualTo(":0\r\n");
        assertThat(info(r, "master_replid")).isEqualTo(info(p, "master_replid"));
      }
    } finally {
      first.destroyForcibly().waitFor();
      if (second != null) {
        second.destroy();
        second.waitFor();
      }
    }
  }
}
