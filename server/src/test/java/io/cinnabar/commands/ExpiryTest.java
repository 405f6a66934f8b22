package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.server.ServerContext;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Lazy and active expiry, and the expire commands' replies (checked against redis 7.0.15). */
class ExpiryTest {
  private static <T> T onLoop(TestServer s, Supplier<T> f) {
    Object[] out = new Object[1];
    s.server.runOnLoop(() -> out[0] = f.get());
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private static ServerContext ctx(TestServer s) {
    return s.server.context();
  }

  /** Size of db 0 including keys whose TTL passed but were not removed yet (as DBSIZE). */
  private static int dbsize(TestServer s) {
    return onLoop(s, () -> ctx(s).keyspace.db(0).size());
  }

  private static long expiredKeys(TestServer s) {
    return onLoop(s, () -> ctx(s).keyspace.stats().expiredKeys);
  }

  /** Waits until the wall clock is past {@code unixMillis}. */
  private static void waitPast(long unixMillis) throws InterruptedException {
    io.cinnabar.testkit.Await.until(
        "the clock to pass the expiry", 5_000, () -> System.currentTimeMillis() > unixMillis + 1);
  }

  @Test
  void activeCycleRemovesUntouchedExpiredKeys() throws Exception {
    try (TestServer s = TestServer.start("hz", "100");
        RespClient c = s.client()) {
      int n = 10_000;
      long before = expiredKeys(s); // before loading: on a busy machine keys expire meanwhile
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String k = "k" + i;
        batch.append("*5\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k);
        batch.append("\r\n$1\r\nv\r\n$2\r\nPX\r\n$3\r\n200\r\n");
      }
      c.sendRaw(batch.toString());
      for (int i = 0; i < n; i++) {
        assertThat(c.readReply()).isEqualTo("+OK\r\n");
      }
      c.call("SET", "persistent", "v");
      // no command touches the keys: only the active cycle can remove them
      io.cinnabar.testkit.Await.until(
          "the active cycle to expire 10,000 keys", 10_000, () -> dbsize(s) == 1);
      assertThat(expiredKeys(s) - before).isEqualTo(n);
      assertThat(onLoop(s, () -> ctx(s).keyspace.db(0).expiresCount())).isZero();
      assertThat(c.call("GET", "persistent")).isEqualTo("$1\r\nv\r\n");
    }
  }

  @Test
  void expiredKeysAreInvisibleWithoutTheActiveCycle() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      s.server.runOnLoop(() -> ctx(s).setActiveExpireEnabled(false));
      long at = System.currentTimeMillis() + 50;
      for (String k : new String[] {"a", "b", "c", "d", "e", "f", "g", "h"}) {
        c.call("SET", k, "v");
        c.call("PEXPIREAT", k, Long.toString(at));
      }
      c.call("SET", "live", "v");
      waitPast(at);
      // still stored: nothing removed them
      assertThat(dbsize(s)).isEqualTo(9);
      // KEYS skips them without deleting
      assertThat(c.call("KEYS", "*")).isEqualTo("*1\r\n$4\r\nlive\r\n");
      assertThat(dbsize(s)).isEqualTo(9);
      long e0 = expiredKeys(s);
      assertThat(c.call("GET", "a")).isEqualTo("$-1\r\n");
      assertThat(c.call("EXISTS", "b")).isEqualTo(":0\r\n");
      assertThat(c.call("TTL", "c")).isEqualTo(":-2\r\n");
      assertThat(c.call("PTTL", "c")).isEqualTo(":-2\r\n");
      assertThat(c.call("TYPE", "d")).isEqualTo("+none\r\n");
      assertThat(c.call("EXPIRE", "e", "100")).isEqualTo(":0\r\n");
      assertThat(c.call("PERSIST", "f")).isEqualTo(":0\r\n");
      assertThat(c.call("RENAME", "g", "x")).isEqualTo("-ERR no such key\r\n");
      assertThat(c.call("OBJECT", "ENCODING", "h")).isEqualTo("$-1\r\n");
      assertThat(expiredKeys(s) - e0).isEqualTo(8);
      assertThat(dbsize(s)).isEqualTo(1);
    }
  }

  @Test
  void scanAndRandomkeyDeleteExpiredKeysLazily() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      s.server.runOnLoop(() -> ctx(s).setActiveExpireEnabled(false));
      long at = System.currentTimeMillis() + 30;
      for (int i = 0; i < 20; i++) {
        c.call("SET", "t" + i, "v", "PXAT", Long.toString(at));
      }
      waitPast(at);
      assertThat(c.call("SCAN", "0", "COUNT", "1000")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
      assertThat(dbsize(s)).isZero();
      assertThat(expiredKeys(s)).isEqualTo(20);

      at = System.currentTimeMillis() + 30;
      for (int i = 0; i < 20; i++) {
        c.call("SET", "r" + i, "v", "PXAT", Long.toString(at));
      }
      c.call("SET", "live", "v");
      waitPast(at);
      assertThat(c.call("RANDOMKEY")).isEqualTo("$4\r\nlive\r\n");
      c.call("DEL", "live");
      assertThat(c.call("RANDOMKEY")).isEqualTo("$-1\r\n");
      assertThat(dbsize(s)).isZero();
    }
  }

  @Test
  void aTimeInThePastDeletesWithoutCountingAnExpiry() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      long dirty = onLoop(s, () -> ctx(s).keyspace.stats().dirty);
      assertThat(c.call("EXPIRE", "a", "-1")).isEqualTo(":1\r\n");
      assertThat(c.call("EXISTS", "a")).isEqualTo(":0\r\n");
      c.call("SET", "b", "1");
      assertThat(c.call("PEXPIREAT", "b", "1")).isEqualTo(":1\r\n");
      c.call("SET", "c", "1");
      assertThat(c.call("EXPIREAT", "c", "0")).isEqualTo(":1\r\n");
      assertThat(dbsize(s)).isZero();
      assertThat(expiredKeys(s)).isZero();
      assertThat(onLoop(s, () -> ctx(s).keyspace.stats().dirty))
          .isEqualTo(dirty + 5); // EXPIRE, SET, PEXPIREAT, SET, EXPIREAT
    }
  }

  @Test
  void optionsAndErrors() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("EXPIRE", "nokey", "100")).isEqualTo(":0\r\n");
      assertThat(c.call("EXPIRE", "nokey", "abc", "foo"))
          .isEqualTo("-ERR Unsupported option foo\r\n");
      assertThat(c.call("EXPIRE", "nokey", "abc", "nx", "xx"))
          .isEqualTo("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
      assertThat(c.call("EXPIRE", "nokey", "1", "nx", "gt"))
          .isEqualTo("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
      assertThat(c.call("EXPIRE", "nokey", "1", "GT", "lt"))
          .isEqualTo("-ERR GT and LT options at the same time are not compatible\r\n");
      assertThat(c.call("EXPIRE", "nokey", "abc"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("EXPIRE", "nokey", "9223372036854776"))
          .isEqualTo("-ERR invalid expire time in 'expire' command\r\n");
      assertThat(c.call("EXPIRE", "nokey", "-9223372036854776"))
          .isEqualTo("-ERR invalid expire time in 'expire' command\r\n");
      assertThat(c.call("EXPIRE", "nokey", "9223372036854775"))
          .isEqualTo("-ERR invalid expire time in 'expire' command\r\n");
      assertThat(c.call("PEXPIRE", "nokey", "9223372036854775807"))
          .isEqualTo("-ERR invalid expire time in 'pexpire' command\r\n");
      assertThat(c.call("EXPIREAT", "nokey", "9223372036854776"))
          .isEqualTo("-ERR invalid expire time in 'expireat' command\r\n");
      assertThat(c.call("PEXPIREAT", "nokey", "9223372036854775807")).isEqualTo(":0\r\n");

      c.call("SET", "k", "v");
      assertThat(c.call("EXPIRE", "k", "100", "XX")).isEqualTo(":0\r\n");
      assertThat(c.call("EXPIRE", "k", "100", "GT")).isEqualTo(":0\r\n");
      assertThat(c.call("EXPIREAT", "k", "4102444800", "LT")).isEqualTo(":1\r\n");
      assertThat(c.call("EXPIRETIME", "k")).isEqualTo(":4102444800\r\n");
      assertThat(c.call("EXPIREAT", "k", "4102444801", "NX")).isEqualTo(":0\r\n");
      assertThat(c.call("EXPIREAT", "k", "4102444801", "LT")).isEqualTo(":0\r\n");
      assertThat(c.call("EXPIREAT", "k", "4102444801", "XX", "GT")).isEqualTo(":1\r\n");
      assertThat(c.call("PEXPIRETIME", "k")).isEqualTo(":4102444801000\r\n");
      assertThat(c.call("PEXPIREAT", "k", "4102444801499")).isEqualTo(":1\r\n");
      assertThat(c.call("EXPIRETIME", "k")).isEqualTo(":4102444801\r\n");
      assertThat(c.call("PEXPIREAT", "k", "4102444801500")).isEqualTo(":1\r\n");
      assertThat(c.call("EXPIRETIME", "k")).isEqualTo(":4102444802\r\n");
      assertThat(c.call("EXPIRE", "k", "100")).isEqualTo(":1\r\n");
      assertThat(c.call("TTL", "k")).isEqualTo(":100\r\n");
      assertThat(c.call("PERSIST", "k")).isEqualTo(":1\r\n");
      assertThat(c.call("PERSIST", "k")).isEqualTo(":0\r\n");
      assertThat(c.call("TTL", "k")).isEqualTo(":-1\r\n");
      assertThat(c.call("PEXPIRETIME", "k")).isEqualTo(":-1\r\n");
      assertThat(c.call("TTL", "nokey")).isEqualTo(":-2\r\n");
      assertThat(c.call("EXPIRETIME", "nokey")).isEqualTo(":-2\r\n");
    }
  }
}
