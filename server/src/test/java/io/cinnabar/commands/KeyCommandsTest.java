package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.KeyspaceStats;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies verified byte for byte against redis-server 7.0.15. */
class KeyCommandsTest {
  private static TestServer server;
  private static RespClient c;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    c = server.client();
  }

  @AfterAll
  static void stop() {
    c.close();
    server.close();
  }

  @BeforeEach
  void clean() {
    onLoop(
        () -> {
          server.server.context().keyspace.flushAll();
          return null;
        });
    c.call("SELECT", "0");
  }

  static <T> T onLoop(Supplier<T> s) {
    Object[] out = new Object[1];
    server.server.runOnLoop(() -> out[0] = s.get());
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  static KeyspaceStats stats() {
    return server.server.context().keyspace.stats();
  }

  @Test
  void delUnlinkExists() {
    c.call("SET", "a", "1");
    c.call("SET", "b", "2");
    assertThat(c.call("EXISTS", "a", "a", "b", "nokey")).isEqualTo(":3\r\n");
    assertThat(c.call("DEL", "a", "nokey", "a")).isEqualTo(":1\r\n");
    assertThat(c.call("UNLINK", "b", "b")).isEqualTo(":1\r\n");
    assertThat(c.call("EXISTS", "a", "b")).isEqualTo(":0\r\n");
    assertThat(c.call("DEL")).isEqualTo("-ERR wrong number of arguments for 'del' command\r\n");
  }

  @Test
  void existsAndTouchCountHitsAndMisses() {
    c.call("SET", "a", "1");
    long hits = onLoop(() -> stats().hits);
    long misses = onLoop(() -> stats().misses);
    c.call("EXISTS", "a", "nokey");
    assertThat(onLoop(() -> stats().hits)).isEqualTo(hits + 1);
    assertThat(onLoop(() -> stats().misses)).isEqualTo(misses + 1);
    assertThat(c.call("TOUCH", "a", "a", "nokey")).isEqualTo(":2\r\n");
    assertThat(onLoop(() -> stats().hits)).isEqualTo(hits + 3);
    assertThat(onLoop(() -> stats().misses)).isEqualTo(misses + 2);
  }

  @Test
  void type() {
    assertThat(c.call("TYPE", "nokey")).isEqualTo("+none\r\n");
    c.call("SET", "s", "x");
    assertThat(c.call("TYPE", "s")).isEqualTo("+string\r\n");
  }

  @Test
  void renameAndRenamenx() {
    assertThat(c.call("RENAME", "nokey", "x")).isEqualTo("-ERR no such key\r\n");
    assertThat(c.call("RENAME", "nokey", "nokey")).isEqualTo("-ERR no such key\r\n");
    assertThat(c.call("RENAMENX", "nokey", "nokey")).isEqualTo("-ERR no such key\r\n");
    c.call("SET", "a", "1");
    assertThat(c.call("RENAME", "a", "a")).isEqualTo("+OK\r\n");
    assertThat(c.call("RENAMENX", "a", "a")).isEqualTo(":0\r\n");
    c.call("SET", "b", "2");
    assertThat(c.call("RENAMENX", "a", "b")).isEqualTo(":0\r\n");
    assertThat(c.call("RENAME", "a", "b")).isEqualTo("+OK\r\n");
    assertThat(c.call("GET", "b")).isEqualTo("$1\r\n1\r\n");
    assertThat(c.call("RENAMENX", "b", "c")).isEqualTo(":1\r\n");
    assertThat(c.call("EXISTS", "a", "b", "c")).isEqualTo(":1\r\n");
  }

  @Test
  void renameKeepsTheTtl() {
    c.call("SET", "a", "1");
    c.call("PEXPIREAT", "a", "4102444800000");
    c.call("SET", "b", "2");
    assertThat(c.call("RENAME", "a", "b")).isEqualTo("+OK\r\n");
    assertThat(c.call("PEXPIRETIME", "b")).isEqualTo(":4102444800000\r\n");
    assertThat(c.call("RENAMENX", "b", "c")).isEqualTo(":1\r\n");
    assertThat(c.call("PEXPIRETIME", "c")).isEqualTo(":4102444800000\r\n");
    // the destination's own TTL goes away with it
    c.call("SET", "d", "1", "EX", "100");
    c.call("SET", "e", "1");
    c.call("RENAME", "e", "d");
    assertThat(c.call("TTL", "d")).isEqualTo(":-1\r\n");
  }

  @Test
  void copy() {
    assertThat(c.call("COPY", "nokey", "x")).isEqualTo(":0\r\n");
    assertThat(c.call("COPY", "nokey", "nokey"))
        .isEqualTo("-ERR source and destination objects are the same\r\n");
    c.call("SET", "k", "hello");
    c.call("PEXPIREAT", "k", "4102444800000");
    assertThat(c.call("COPY", "k", "k2")).isEqualTo(":1\r\n");
    assertThat(c.call("GET", "k2")).isEqualTo("$5\r\nhello\r\n");
    assertThat(c.call("PEXPIRETIME", "k2")).isEqualTo(":4102444800000\r\n");
    assertThat(c.call("COPY", "k", "k2")).isEqualTo(":0\r\n");
    c.call("SET", "k", "world");
    assertThat(c.call("COPY", "k", "k2", "REPLACE")).isEqualTo(":1\r\n");
    assertThat(c.call("GET", "k2")).isEqualTo("$5\r\nworld\r\n");
    assertThat(c.call("PEXPIRETIME", "k2")).isEqualTo(":-1\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "0"))
        .isEqualTo("-ERR source and destination objects are the same\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "16")).isEqualTo("-ERR DB index is out of range\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "-1")).isEqualTo("-ERR DB index is out of range\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "2147483648"))
        .isEqualTo("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
    assertThat(c.call("COPY", "k", "k", "DB")).isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("COPY", "k", "k", "foo")).isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("COPY", "k", "k", "DB", "5")).isEqualTo(":1\r\n");
    c.call("SELECT", "5");
    assertThat(c.call("GET", "k")).isEqualTo("$5\r\nworld\r\n");
  }

  @Test
  void copyIsIndependentOfItsSource() {
    c.call("SET", "n", "123");
    c.call("COPY", "n", "m");
    assertThat(c.call("OBJECT", "ENCODING", "m")).isEqualTo("$3\r\nint\r\n");
    byte[] src =
        onLoop(
            () ->
                (byte[])
                    server.server.context().keyspace.db(0).lookupWrite("n".getBytes(), 0).value());
    byte[] dst =
        onLoop(
            () ->
                (byte[])
                    server.server.context().keyspace.db(0).lookupWrite("m".getBytes(), 0).value());
    assertThat(dst).isEqualTo(src).isNotSameAs(src);
  }

  @Test
  void move() {
    c.call("SET", "m", "v");
    assertThat(c.call("MOVE", "m", "0"))
        .isEqualTo("-ERR source and destination objects are the same\r\n");
    assertThat(c.call("MOVE", "m", "16")).isEqualTo("-ERR DB index is out of range\r\n");
    assertThat(c.call("MOVE", "m", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(c.call("MOVE", "nokey", "1")).isEqualTo(":0\r\n");
    c.call("PEXPIREAT", "m", "4102444800000");
    assertThat(c.call("MOVE", "m", "1")).isEqualTo(":1\r\n");
    assertThat(c.call("EXISTS", "m")).isEqualTo(":0\r\n");
    c.call("SET", "m", "again");
    assertThat(c.call("MOVE", "m", "1")).isEqualTo(":0\r\n");
    c.call("SELECT", "1");
    assertThat(c.call("GET", "m")).isEqualTo("$1\r\nv\r\n");
    assertThat(c.call("PEXPIRETIME", "m")).isEqualTo(":4102444800000\r\n");
  }

  @Test
  void randomkey() {
    assertThat(c.call("RANDOMKEY")).isEqualTo("$-1\r\n");
    c.call("SET", "only", "v");
    assertThat(c.call("RANDOMKEY")).isEqualTo("$4\r\nonly\r\n");
  }

  @Test
  void keysMatchesGlobPatterns() {
    for (String k : new String[] {"hello", "hallo", "hxllo", "hllo", "heeeello", "Hello", ""}) {
      c.call("SET", k, "1");
    }
    assertThat(sorted(c.call("KEYS", "h?llo"))).containsExactly("hallo", "hello", "hxllo");
    assertThat(sorted(c.call("KEYS", "h[^e]llo"))).containsExactly("hallo", "hxllo");
    assertThat(sorted(c.call("KEYS", "*"))).hasSize(7).contains("");
    assertThat(sorted(c.call("KEYS", "**"))).hasSize(6);
    assertThat(c.call("KEYS", "nomatch*")).isEqualTo("*0\r\n");
  }

  @Test
  void scanErrors() {
    assertThat(c.call("SCAN", "abc")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(c.call("SCAN", " 0")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(c.call("SCAN", "-")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(c.call("SCAN", "18446744073709551616")).isEqualTo("-ERR invalid cursor\r\n");
    assertThat(c.call("SCAN", "0", "COUNT", "0")).isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("SCAN", "0", "COUNT", "x"))
        .isEqualTo("-ERR value is not an integer or out of range\r\n");
    assertThat(c.call("SCAN", "0", "MATCH")).isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("SCAN", "0", "foo", "bar")).isEqualTo("-ERR syntax error\r\n");
    // strtoul: empty is 0, a sign is allowed, -1 wraps around
    assertThat(c.call("SCAN", "")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
    assertThat(c.call("SCAN", "-1")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
    assertThat(c.call("SCAN", "+0")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
  }

  @Test
  void scanCursorParsing() {
    long[] out = new long[1];
    assertThat(ScanCommands.parseCursor("18446744073709551615".getBytes(), 0, 20, out)).isTrue();
    assertThat(out[0]).isEqualTo(-1L);
    assertThat(ScanCommands.parseCursor("-18446744073709551615".getBytes(), 0, 21, out)).isTrue();
    assertThat(out[0]).isEqualTo(1L);
    assertThat(ScanCommands.parseCursor("7\0xyz".getBytes(), 0, 5, out)).isTrue();
    assertThat(out[0]).isEqualTo(7L);
    assertThat(ScanCommands.parseCursor("0x1".getBytes(), 0, 3, out)).isFalse();
    assertThat(ScanCommands.parseCursor("5 ".getBytes(), 0, 2, out)).isFalse();
    assertThat(ScanCommands.parseCursor("\t5".getBytes(), 0, 2, out)).isFalse();
  }

  @Test
  void scanReturnsEveryKeyOverAFullIterationWithFilters() {
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      c.call("SET", "key:" + i, "v");
      all.add("key:" + i);
      c.call("SET", "other:" + i, "v");
    }
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      String reply = c.call("SCAN", cursor, "MATCH", "key:*", "COUNT", "37", "TYPE", "string");
      String[] lines = reply.split("\r\n");
      cursor = lines[2];
      for (int i = 5; i < lines.length; i += 2) {
        seen.add(lines[i]);
      }
      calls++;
    } while (!cursor.equals("0"));
    assertThat(seen).isEqualTo(all);
    assertThat(calls).isGreaterThan(1);
    assertThat(c.call("SCAN", "0", "TYPE", "hash", "COUNT", "10000"))
        .isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
  }

  @Test
  void scanWithASingleKey() {
    c.call("SET", "only", "v");
    assertThat(c.call("SCAN", "0")).isEqualTo("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n");
    assertThat(c.call("SCAN", "0", "MATCH", "x*")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
    assertThat(c.call("SCAN", "0", "TYPE", "STRING"))
        .isEqualTo("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n");
  }

  @Test
  void objectSubcommands() {
    assertThat(c.call("OBJECT"))
        .isEqualTo("-ERR wrong number of arguments for 'object' command\r\n");
    assertThat(c.call("OBJECT", "foo"))
        .isEqualTo("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
    assertThat(c.call("OBJECT", "encoding"))
        .isEqualTo("-ERR wrong number of arguments for 'object|encoding' command\r\n");
    assertThat(c.call("OBJECT", "encoding", "nokey")).isEqualTo("$-1\r\n");
    c.call("SET", "i", "12");
    c.call("SET", "big", "10000");
    c.call("SET", "s", "abc");
    c.call("SET", "r", "a".repeat(45));
    assertThat(c.call("OBJECT", "ENCODING", "i")).isEqualTo("$3\r\nint\r\n");
    assertThat(c.call("OBJECT", "ENCODING", "s")).isEqualTo("$6\r\nembstr\r\n");
    assertThat(c.call("OBJECT", "ENCODING", "r")).isEqualTo("$3\r\nraw\r\n");
    assertThat(c.call("OBJECT", "REFCOUNT", "i")).isEqualTo(":2147483647\r\n");
    assertThat(c.call("OBJECT", "REFCOUNT", "big")).isEqualTo(":1\r\n");
    assertThat(c.call("OBJECT", "REFCOUNT", "s")).isEqualTo(":1\r\n");
    // the LRU clock counts whole seconds: 1 if a second boundary passed since the SET
    assertThat(c.call("OBJECT", "IDLETIME", "s")).matches(":[01]\r\n");
    assertThat(c.call("OBJECT", "FREQ", "s"))
        .isEqualTo(
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please"
                + " note that when switching between policies at runtime LRU and LFU data will"
                + " take some time to adjust.\r\n");
    assertThat(c.call("OBJECT", "HELP"))
        .startsWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
        .endsWith("+HELP\r\n+    Prints this help.\r\n");
  }

  @Test
  void objectUnderAnLfuPolicy() {
    try (TestServer s = TestServer.start("maxmemory-policy", "allkeys-lfu");
        RespClient l = s.client()) {
      l.call("SET", "k", "v");
      assertThat(l.call("OBJECT", "IDLETIME", "k"))
          .isEqualTo(
              "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that"
                  + " when switching between policies at runtime LRU and LFU data will take some"
                  + " time to adjust.\r\n");
      assertThat(l.call("OBJECT", "FREQ", "nokey")).isEqualTo("$-1\r\n");
      assertThat(l.call("OBJECT", "FREQ", "k")).startsWith(":");
    }
  }

  @Test
  void lfuCounterDecaysOnePerPeriod() {
    int lfu = (100 << 8) | 10;
    assertThat(ObjectCommand.lfuDecrAndReturn(lfu, 100, 1)).isEqualTo(10);
    assertThat(ObjectCommand.lfuDecrAndReturn(lfu, 103, 1)).isEqualTo(7);
    assertThat(ObjectCommand.lfuDecrAndReturn(lfu, 104, 2)).isEqualTo(8);
    assertThat(ObjectCommand.lfuDecrAndReturn(lfu, 200, 1)).isZero();
    assertThat(ObjectCommand.lfuDecrAndReturn(lfu, 200, 0)).isEqualTo(10);
    // minutes wrap at 16 bits
    int late = (65530 << 8) | 10;
    assertThat(ObjectCommand.lfuDecrAndReturn(late, 65536 + 2, 1)).isEqualTo(3);
  }

  @Test
  void writesBumpDirty() {
    long d0 = onLoop(() -> stats().dirty);
    c.call("SET", "a", "1");
    c.call("SET", "b", "1");
    c.call("DEL", "a", "b", "nokey");
    c.call("SET", "a", "1");
    c.call("EXPIRE", "a", "100");
    c.call("PERSIST", "a");
    c.call("PERSIST", "a");
    c.call("RENAME", "a", "b");
    c.call("COPY", "b", "c");
    c.call("MOVE", "c", "1");
    c.call("EXPIRE", "nokey", "100");
    // SET x3, DEL 2, EXPIRE, PERSIST, RENAME, COPY, MOVE
    assertThat(onLoop(() -> stats().dirty)).isEqualTo(d0 + 10);
  }

  private static java.util.List<String> sorted(String reply) {
    String[] lines = reply.split("\r\n", -1);
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 2; i < lines.length; i += 2) {
      out.add(lines[i]);
    }
    java.util.Collections.sort(out);
    return out;
  }
}
