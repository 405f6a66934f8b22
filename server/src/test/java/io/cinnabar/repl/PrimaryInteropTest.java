package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** A real redis-server replica following a Cinnabar primary: full sync, the stream, WAIT, PSYNC. */
class PrimaryInteropTest {
  private static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static void writeEveryType(RespClient c, String p) {
    c.call("SET", p + "str", "v");
    c.call("SET", p + "int", "12345");
    c.call("RPUSH", p + "list", "a", "b", "c");
    c.call("HSET", p + "hash", "f1", "1", "f2", "two");
    c.call("SADD", p + "set", "x", "y", "z", "w");
    c.call("SADD", p + "intset", "1", "2", "3");
    c.call("ZADD", p + "zset", "1", "a", "2.5", "b");
    c.call("SET", p + "ttl", "v", "EX", "1000");
    c.call("PEXPIRE", p + "str", "500000");
  }

  @Test
  void realRedisReplicaFollowsCinnabar() throws Exception {
    assumeTrue(RealRedis.available());
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient p = s.client()) {
      writeEveryType(p, "before:");
      p.call("DEBUG", "POPULATE", "500");
      try (RealRedis r = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(s.port()));
          RespClient rc = r.client()) {
        Await.until(
            "replica link up",
            10_000,
            () -> "up".equals(field(rc.call("INFO", "replication"), "master_link_status")));
        // The stream: every type and the rewritten commands.
        writeEveryType(p, "after:");
        p.call("INCRBYFLOAT", "after:float", "1.25");
        p.call("HINCRBYFLOAT", "after:hash", "f3", "0.5");
        p.call("SPOP", "after:set");
        p.call("SPOP", "after:set", "2");
        p.call("EXPIRE", "after:list", "300");
        p.call("SETEX", "after:setex", "100", "v");
        p.call("GETEX", "after:str", "PERSIST");
        p.call("MULTI");
        p.call("INCR", "tx:a");
        p.call("LPUSH", "tx:l", "1");
        assertThat(p.call("EXEC")).isEqualTo("*2\r\n:1\r\n:1\r\n");
        try (RespClient blocked = s.client()) {
          blocked.send("BLPOP", "bl", "0");
          Await.until(
              "client blocked",
              5000,
              () -> p.call("INFO", "clients").contains("blocked_clients:1"));
          p.call("RPUSH", "bl", "x", "y");
          assertThat(blocked.readReply()).isEqualTo("*2\r\n$2\r\nbl\r\n$1\r\nx\r\n");
        }
        p.call("SET", "expiring", "v", "PX", "50");
        Await.until("expired", 5000, () -> p.call("EXISTS", "expiring").equals(":0\r\n"));
        assertThat(p.call("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        String digest = p.call("DEBUG", "DIGEST");
        Await.until("same digest", 5000, () -> rc.call("DEBUG", "DIGEST").equals(digest));
        assertThat(rc.call("PEXPIRETIME", "after:ttl"))
            .isEqualTo(p.call("PEXPIRETIME", "after:ttl"));
        assertThat(rc.call("PEXPIRETIME", "after:list"))
            .isEqualTo(p.call("PEXPIRETIME", "after:list"));
        assertThat(rc.call("PEXPIRETIME", "before:str"))
            .isEqualTo(p.call("PEXPIRETIME", "before:str"));
        assertThat(rc.call("EXISTS", "expiring")).isEqualTo(":0\r\n");
        String info = p.call("INFO", "replication");
        assertThat(field(info, "connected_slaves")).isEqualTo("1");
        assertThat(field(info, "slave0")).contains("port=" + r.port()).contains("state=online");
        assertThat(p.call("ROLE")).startsWith("*3\r\n$6\r\nmaster\r\n:");
        assertThat(p.call("CLIENT", "LIST", "TYPE", "replica")).contains("flags=S");

        // The link drops: the replica continues from the backlog (PSYNC2, +CONTINUE).
        p.call("CLIENT", "KILL", "TYPE", "replica");
        p.call("SET", "while-down", "1");
        Await.until(
            "partial resync",
            10_000,
            () -> field(p.call("INFO", "stats"), "sync_partial_ok").equals("1"));
        assertThat(field(p.call("INFO", "stats"), "sync_full")).isEqualTo("1");
        p.call("SET", "after-reconnect", "1");
        String digest2 = p.call("DEBUG", "DIGEST");
        Await.until("same digest", 5000, () -> rc.call("DEBUG", "DIGEST").equals(digest2));
      }
    }
  }
}
