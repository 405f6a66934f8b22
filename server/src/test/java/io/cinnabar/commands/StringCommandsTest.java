package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.KeyspaceStats;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.server.ServerContext;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** String commands end to end; every expected reply was checked against redis-server 7.0.15. */
class StringCommandsTest {
  private static final String OK = "+OK\r\n";
  private static final String NIL = "$-1\r\n";
  private static final String EMPTY = "$0\r\n\r\n";
  private static final String SYNTAX = "-ERR syntax error\r\n";
  private static final String NOT_INT = "-ERR value is not an integer or out of range\r\n";
  private static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";
  private static final String WRONGTYPE =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
  private static final String OVERFLOW = "-ERR increment or decrement would overflow\r\n";

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
  void flush() {
    onLoop(ctx -> ctx.keyspace.flushAll());
  }

  private static <T> T onLoop(Function<ServerContext, T> f) {
    AtomicReference<T> out = new AtomicReference<>();
    server.server.runOnLoop(() -> out.set(f.apply(server.server.context())));
    return out.get();
  }

  private static Database db() {
    return server.server.context().keyspace.db(0);
  }

  private static Entry entry(String key) {
    return onLoop(ctx -> db().lookupWrite(bytes(key), ctx.now()));
  }

  private static String encoding(String key) {
    return ValueType.encodingName(entry(key).encoding());
  }

  /** Seconds to live, rounded like TTL; -1 without a TTL, -2 if missing. */
  private static long ttl(String key) {
    Entry e = entry(key);
    if (e == null) {
      return -2;
    }
    return e.expireAt() < 0 ? -1 : (e.expireAt() - System.currentTimeMillis() + 500) / 1000;
  }

  /** Plants a non-string key, as no list command exists in this family. */
  private static void plantList(String key) {
    onLoop(ctx -> db().add(bytes(key), new Object(), ValueType.LIST, ValueType.ENC_QUICKLIST, 0));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String bulk(String s) {
    return "$" + s.length() + "\r\n" + s + "\r\n";
  }

  @Test
  void getAndSetStoreBytesWithRedisEncodings() {
    assertThat(c.call("GET", "k")).isEqualTo(NIL);
    assertThat(c.call("SET", "k", "a\u0000b\r\nc")).isEqualTo(OK);
    assertThat(c.call("GET", "k")).isEqualTo("$6\r\na\u0000b\r\nc\r\n");
    c.call("SET", "k", "12345");
    assertThat(encoding("k")).isEqualTo("int");
    c.call("SET", "k", "-9223372036854775808");
    assertThat(encoding("k")).isEqualTo("int");
    for (String notInt : new String[] {"9223372036854775808", "0123", "-0", "+1", " 1"}) {
      c.call("SET", "k", notInt);
      assertThat(encoding("k")).as(notInt).isEqualTo("embstr");
    }
    c.call("SET", "k", "x".repeat(44));
    assertThat(encoding("k")).isEqualTo("embstr");
    c.call("SET", "k", "x".repeat(45));
    assertThat(encoding("k")).isEqualTo("raw");
    assertThat(c.call("SET", "k"))
        .isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
  }

  @Test
  void setOptionsFollowRedisConflictRules() {
    assertThat(c.call("SET", "k", "v", "EX", "10", "EX", "20")).isEqualTo(OK);
    assertThat(ttl("k")).isEqualTo(20);
    assertThat(c.call("SET", "k", "v", "NX", "NX")).isEqualTo(NIL);
    assertThat(c.call("SET", "k", "v", "XX", "XX")).isEqualTo(OK);
    assertThat(c.call("SET", "k", "v", "KEEPTTL", "KEEPTTL")).isEqualTo(OK);
    for (String[] bad :
        new String[][] {
          {"EX", "10", "PX", "100"},
          {"EX", "10", "KEEPTTL"},
          {"KEEPTTL", "EX", "10"},
          {"NX", "XX"},
          {"XX", "NX"},
          {"EX"},
          {"EX", "10", "EX"},
          {"PERSIST"},
          {"foo"}
        }) {
      String[] args = new String[3 + bad.length];
      args[0] = "SET";
      args[1] = "k";
      args[2] = "v";
      System.arraycopy(bad, 0, args, 3, bad.length);
      assertThat(c.call(args)).as(String.join(" ", bad)).isEqualTo(SYNTAX);
    }
    String invalid = "-ERR invalid expire time in 'set' command\r\n";
    assertThat(c.call("SET", "k", "v", "EX", "0")).isEqualTo(invalid);
    assertThat(c.call("SET", "k", "v", "PXAT", "-5")).isEqualTo(invalid);
    assertThat(c.call("SET", "k", "v", "EX", "9223372036854775")).isEqualTo(invalid);
    assertThat(c.call("SET", "k", "v", "PX", "9223372036854775807")).isEqualTo(invalid);
    assertThat(c.call("SET", "k", "v", "EX", "1.5")).isEqualTo(NOT_INT);
    assertThat(c.call("SET", "k", "v", "PXAT", "9223372036854775807")).isEqualTo(OK);
    assertThat(entry("k").expireAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void setTtlHandling() {
    c.call("SET", "k", "v", "EX", "100");
    c.call("SET", "k", "v2");
    assertThat(ttl("k")).isEqualTo(-1);
    c.call("SET", "k", "v", "EX", "100");
    c.call("SET", "k", "v3", "KEEPTTL");
    assertThat(ttl("k")).isEqualTo(100);
    c.call("SET", "k", "v", "EXAT", "4102444800");
    assertThat(entry("k").expireAt()).isEqualTo(4102444800000L);
    // A past absolute time is stored; the key then expires on access.
    assertThat(c.call("SET", "k", "v", "EXAT", "1")).isEqualTo(OK);
    assertThat(c.call("GET", "k")).isEqualTo(NIL);
  }

  @Test
  void setGetRepliesOldValueAndChecksTypeFirst() {
    c.call("SET", "k", "old");
    assertThat(c.call("SET", "k", "new", "GET")).isEqualTo(bulk("old"));
    assertThat(c.call("SET", "k", "v2", "NX", "GET")).isEqualTo(bulk("new"));
    assertThat(c.call("GET", "k")).isEqualTo(bulk("new"));
    assertThat(c.call("SET", "none", "v", "XX", "GET")).isEqualTo(NIL);
    assertThat(c.call("GET", "none")).isEqualTo(NIL);
    plantList("l");
    assertThat(c.call("SET", "l", "v", "GET")).isEqualTo(WRONGTYPE);
    assertThat(c.call("SET", "l", "v", "NX", "GET")).isEqualTo(WRONGTYPE);
    assertThat(c.call("SET", "l", "v", "GET", "EX", "abc")).isEqualTo(NOT_INT);
    assertThat(c.call("SET", "l", "v", "GET", "foo")).isEqualTo(SYNTAX);
    assertThat(c.call("SET", "l", "v")).isEqualTo(OK);
  }

  @Test
  void setnxSetexPsetex() {
    assertThat(c.call("SETNX", "k", "a")).isEqualTo(":1\r\n");
    assertThat(c.call("SETNX", "k", "b")).isEqualTo(":0\r\n");
    assertThat(c.call("GET", "k")).isEqualTo(bulk("a"));
    assertThat(c.call("SETEX", "e", "100", "42")).isEqualTo(OK);
    assertThat(ttl("e")).isEqualTo(100);
    assertThat(encoding("e")).isEqualTo("int");
    assertThat(c.call("SETEX", "e", "0", "v"))
        .isEqualTo("-ERR invalid expire time in 'setex' command\r\n");
    assertThat(c.call("SETEX", "e", "abc", "v")).isEqualTo(NOT_INT);
    assertThat(c.call("PSETEX", "p", "100000", "v")).isEqualTo(OK);
    assertThat(ttl("p")).isEqualTo(100);
    assertThat(c.call("PSETEX", "p", "-1", "v"))
        .isEqualTo("-ERR invalid expire time in 'psetex' command\r\n");
    plantList("l");
    assertThat(c.call("SETEX", "l", "100", "v")).isEqualTo(OK);
    assertThat(c.call("SETNX", "l", "v")).isEqualTo(":0\r\n");
  }

  @Test
  void getsetGetdelGetex() {
    assertThat(c.call("GETSET", "k", "a")).isEqualTo(NIL);
    c.call("SET", "k", "1", "EX", "100");
    assertThat(c.call("GETSET", "k", "2")).isEqualTo(bulk("1"));
    assertThat(ttl("k")).isEqualTo(-1);
    assertThat(c.call("GETDEL", "k")).isEqualTo(bulk("2"));
    assertThat(c.call("GETDEL", "k")).isEqualTo(NIL);

    c.call("SET", "g", "v");
    assertThat(c.call("GETEX", "g", "EX", "100")).isEqualTo(bulk("v"));
    assertThat(ttl("g")).isEqualTo(100);
    assertThat(c.call("GETEX", "g")).isEqualTo(bulk("v"));
    assertThat(ttl("g")).isEqualTo(100);
    assertThat(c.call("GETEX", "g", "PERSIST")).isEqualTo(bulk("v"));
    assertThat(ttl("g")).isEqualTo(-1);
    assertThat(c.call("GETEX", "g", "EX", "100", "PERSIST")).isEqualTo(SYNTAX);
    assertThat(c.call("GETEX", "g", "KEEPTTL")).isEqualTo(SYNTAX);
    assertThat(c.call("GETEX", "g", "NX")).isEqualTo(SYNTAX);
    assertThat(c.call("GETEX", "g", "EX", "0"))
        .isEqualTo("-ERR invalid expire time in 'getex' command\r\n");
    assertThat(c.call("GETEX", "none", "EX", "0")).isEqualTo(NIL);
    assertThat(c.call("GETEX", "none", "foo")).isEqualTo(SYNTAX);
    assertThat(c.call("GETEX", "g", "EXAT", "1")).isEqualTo(bulk("v"));
    assertThat(entry("g")).isNull();

    plantList("l");
    assertThat(c.call("GETSET", "l", "x")).isEqualTo(WRONGTYPE);
    assertThat(c.call("GETDEL", "l")).isEqualTo(WRONGTYPE);
    assertThat(c.call("GETEX", "l", "EX", "abc")).isEqualTo(WRONGTYPE);
  }

  @Test
  void mgetMsetMsetnx() {
    assertThat(c.call("MSET", "a", "1", "b", "2")).isEqualTo(OK);
    plantList("l");
    assertThat(c.call("MGET", "a", "none", "l", "b"))
        .isEqualTo("*4\r\n" + bulk("1") + NIL + NIL + bulk("2"));
    assertThat(c.call("MSET", "a", "1", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'mset' command\r\n");
    assertThat(c.call("MSETNX", "x", "1", "y"))
        .isEqualTo("-ERR wrong number of arguments for 'msetnx' command\r\n");
    assertThat(c.call("MSET", "a", "1", "a", "2")).isEqualTo(OK);
    assertThat(c.call("GET", "a")).isEqualTo(bulk("2"));
    assertThat(c.call("MSETNX", "x", "1", "a", "9")).isEqualTo(":0\r\n");
    assertThat(c.call("GET", "x")).isEqualTo(NIL);
    assertThat(c.call("MSETNX", "x", "1", "x", "2")).isEqualTo(":1\r\n");
    assertThat(c.call("GET", "x")).isEqualTo(bulk("2"));
    assertThat(c.call("MSET", "l", "s")).isEqualTo(OK);
    assertThat(c.call("GET", "l")).isEqualTo(bulk("s"));
  }

  @Test
  void integerCounters() {
    assertThat(c.call("INCR", "n")).isEqualTo(":1\r\n");
    assertThat(c.call("DECRBY", "n", "5")).isEqualTo(":-4\r\n");
    assertThat(c.call("INCRBY", "n", "10004")).isEqualTo(":10000\r\n");
    assertThat(encoding("n")).isEqualTo("int");
    c.call("SET", "n", "9223372036854775807");
    assertThat(c.call("INCR", "n")).isEqualTo(OVERFLOW);
    assertThat(c.call("DECR", "n")).isEqualTo(":9223372036854775806\r\n");
    c.call("SET", "n", "-9223372036854775808");
    assertThat(c.call("DECR", "n")).isEqualTo(OVERFLOW);
    assertThat(c.call("INCRBY", "n", "-1")).isEqualTo(OVERFLOW);
    assertThat(c.call("DECRBY", "n", "-9223372036854775808"))
        .isEqualTo("-ERR decrement would overflow\r\n");
    assertThat(c.call("INCRBY", "n", "1.5")).isEqualTo(NOT_INT);
    for (String bad : new String[] {" 1", "1 ", "01", "-0", "+1", "", "0x10", "1.5"}) {
      c.call("SET", "n", bad);
      assertThat(c.call("INCR", "n")).as(bad).isEqualTo(NOT_INT);
    }
    c.call("SET", "t", "10", "EX", "100");
    assertThat(c.call("INCR", "t")).isEqualTo(":11\r\n");
    assertThat(ttl("t")).isEqualTo(100);
    plantList("l");
    assertThat(c.call("INCR", "l")).isEqualTo(WRONGTYPE);
    assertThat(c.call("INCRBY", "l", "x")).isEqualTo(NOT_INT);
  }

  @Test
  void incrbyfloatUsesLongDoubleArithmetic() {
    c.call("SET", "f", "10.5");
    assertThat(c.call("INCRBYFLOAT", "f", "0.1")).isEqualTo(bulk("10.6"));
    assertThat(c.call("INCRBYFLOAT", "g", "3.0")).isEqualTo(bulk("3"));
    assertThat(encoding("g")).isEqualTo("embstr");
    assertThat(c.call("INCRBYFLOAT", "g", "5.0e3")).isEqualTo(bulk("5003"));
    assertThat(c.call("INCRBYFLOAT", "h", "1.5e-5")).isEqualTo(bulk("0.000015"));
    assertThat(c.call("INCRBYFLOAT", "z", "-0")).isEqualTo(bulk("0"));
    assertThat(c.call("INCRBYFLOAT", "big", "1e30"))
        .isEqualTo(bulk("1000000000000000000024696061952"));
    c.call("SET", "m", "1e308");
    assertThat(c.call("INCRBYFLOAT", "m", "1e308")).startsWith("$309\r\n1999999999999999999933717");
    assertThat(encoding("m")).isEqualTo("raw");
    String nanInf = "-ERR increment would produce NaN or Infinity\r\n";
    assertThat(c.call("INCRBYFLOAT", "x", "inf")).isEqualTo(nanInf);
    assertThat(c.call("INCRBYFLOAT", "x", "1e4932"))
        .startsWith("$4933\r\n10000000000000000000060189");
    assertThat(c.call("INCRBYFLOAT", "x", "1e4932")).isEqualTo(nanInf);
    for (String bad : new String[] {"", " 1", "1 ", "nan", "abc", "1e", "1e4933", "1e-5000"}) {
      assertThat(c.call("INCRBYFLOAT", "y", bad)).as(bad).isEqualTo(NOT_FLOAT);
    }
    assertThat(entry("y")).isNull();
    plantList("l");
    assertThat(c.call("INCRBYFLOAT", "l", "abc")).isEqualTo(WRONGTYPE);
  }

  @Test
  void appendStrlenGetrange() {
    assertThat(c.call("APPEND", "a", "123")).isEqualTo(":3\r\n");
    assertThat(encoding("a")).isEqualTo("int");
    assertThat(c.call("APPEND", "a", "")).isEqualTo(":3\r\n");
    assertThat(encoding("a")).isEqualTo("raw");
    assertThat(c.call("APPEND", "a", "4")).isEqualTo(":4\r\n");
    assertThat(c.call("STRLEN", "a")).isEqualTo(":4\r\n");
    assertThat(c.call("STRLEN", "none")).isEqualTo(":0\r\n");
    c.call("SET", "r", "Hello World");
    assertThat(c.call("GETRANGE", "r", "0", "4")).isEqualTo(bulk("Hello"));
    assertThat(c.call("GETRANGE", "r", "-5", "-1")).isEqualTo(bulk("World"));
    assertThat(c.call("GETRANGE", "r", "5", "3")).isEqualTo(EMPTY);
    assertThat(c.call("GETRANGE", "r", "-1", "-5")).isEqualTo(EMPTY);
    assertThat(c.call("GETRANGE", "r", "-100", "2")).isEqualTo(bulk("Hel"));
    assertThat(c.call("GETRANGE", "r", "-9223372036854775808", "9223372036854775807"))
        .isEqualTo(bulk("Hello World"));
    assertThat(c.call("SUBSTR", "r", "6", "100")).isEqualTo(bulk("World"));
    assertThat(c.call("GETRANGE", "none", "0", "-1")).isEqualTo(EMPTY);
    assertThat(c.call("GETRANGE", "r", "a", "1")).isEqualTo(NOT_INT);
    plantList("l");
    assertThat(c.call("APPEND", "l", "x")).isEqualTo(WRONGTYPE);
    assertThat(c.call("STRLEN", "l")).isEqualTo(WRONGTYPE);
    assertThat(c.call("GETRANGE", "l", "0", "1")).isEqualTo(WRONGTYPE);
    assertThat(c.call("GETRANGE", "l", "a", "1")).isEqualTo(NOT_INT);
  }

  @Test
  void setrange() {
    assertThat(c.call("SETRANGE", "s", "3", "ab")).isEqualTo(":5\r\n");
    assertThat(c.call("GET", "s")).isEqualTo("$5\r\n\u0000\u0000\u0000ab\r\n");
    assertThat(encoding("s")).isEqualTo("raw");
    assertThat(c.call("SETRANGE", "s", "0", "xyz")).isEqualTo(":5\r\n");
    assertThat(c.call("GET", "s")).isEqualTo(bulk("xyzab"));
    assertThat(c.call("SETRANGE", "s", "100000", "")).isEqualTo(":5\r\n");
    assertThat(c.call("SETRANGE", "new", "5", "")).isEqualTo(":0\r\n");
    assertThat(entry("new")).isNull();
    c.call("SET", "i", "123");
    c.call("SET", "same", "123");
    c.call("INCR", "n");
    c.call("SET", "copied", "hello");
    c.call("COPY", "copied", "copy");
    assertThat(c.call("SETRANGE", "i", "0", "")).isEqualTo(":3\r\n");
    assertThat(encoding("i")).isEqualTo("int");
    assertThat(c.call("SETRANGE", "i", "1", "9")).isEqualTo(":3\r\n");
    assertThat(encoding("i")).isEqualTo("raw");
    // Written in place: no other key's value may change with it.
    assertThat(c.call("GET", "i")).isEqualTo(bulk("193"));
    assertThat(c.call("GET", "same")).isEqualTo(bulk("123"));
    assertThat(c.call("SETRANGE", "n", "0", "7")).isEqualTo(":1\r\n");
    assertThat(c.call("INCR", "m")).isEqualTo(":1\r\n");
    assertThat(c.call("GET", "m")).isEqualTo(bulk("1"));
    assertThat(c.call("GET", "n")).isEqualTo(bulk("7"));
    assertThat(c.call("SETRANGE", "copied", "0", "J")).isEqualTo(":5\r\n");
    assertThat(c.call("GET", "copy")).isEqualTo(bulk("hello"));
    assertThat(c.call("SETRANGE", "s", "-1", "x")).isEqualTo("-ERR offset is out of range\r\n");
    assertThat(c.call("SETRANGE", "s", "abc", "x")).isEqualTo(NOT_INT);
    String tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assertThat(c.call("SETRANGE", "s", "536870912", "x")).isEqualTo(tooBig);
    assertThat(c.call("SETRANGE", "s", "9223372036854775807", "x")).isEqualTo(tooBig);
    assertThat(c.call("SETRANGE", "s", "9223372036854775807", "")).isEqualTo(":5\r\n");
    plantList("l");
    assertThat(c.call("SETRANGE", "l", "0", "")).isEqualTo(WRONGTYPE);
    assertThat(c.call("SETRANGE", "l", "-1", "")).isEqualTo("-ERR offset is out of range\r\n");
  }

  @Test
  void protoMaxBulkLenLimitsGrowth() {
    try (TestServer s = TestServer.start("proto-max-bulk-len", "1048576");
        RespClient rc = s.client()) {
      String tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
      assertThat(rc.call("SETRANGE", "b", "1048576", "x")).isEqualTo(tooBig);
      assertThat(rc.call("SETRANGE", "b", "1048575", "x")).isEqualTo(":1048576\r\n");
      assertThat(rc.call("APPEND", "b", "y")).isEqualTo(tooBig);
      assertThat(rc.call("APPEND", "b", "")).isEqualTo(":1048576\r\n");
    }
  }

  @Test
  void lcs() {
    c.call("MSET", "key1", "ohmytext", "key2", "mynewtext");
    assertThat(c.call("LCS", "key1", "key2")).isEqualTo(bulk("mytext"));
    assertThat(c.call("LCS", "key1", "key2", "LEN")).isEqualTo(":6\r\n");
    String ranges47 = "*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n";
    String ranges23 = "*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n";
    assertThat(c.call("LCS", "key1", "key2", "IDX"))
        .isEqualTo(
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n"
                + ranges47
                + "*2\r\n"
                + ranges23
                + "$3\r\nlen\r\n:6\r\n");
    assertThat(c.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"))
        .isEqualTo("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n" + ranges47 + ":4\r\n$3\r\nlen\r\n:6\r\n");
    assertThat(c.call("LCS", "key1", "key2", "LEN", "IDX"))
        .isEqualTo("-ERR If you want both the length and indexes, please just use IDX.\r\n");
    assertThat(c.call("LCS", "key1", "key2", "MINMATCHLEN")).isEqualTo(SYNTAX);
    assertThat(c.call("LCS", "key1", "key2", "MINMATCHLEN", "x")).isEqualTo(NOT_INT);
    assertThat(c.call("LCS", "key1", "none")).isEqualTo(EMPTY);
    c.call("MSET", "s1", "ABCBDAB", "s2", "BDCABA");
    assertThat(c.call("LCS", "s1", "s2")).isEqualTo(bulk("BDAB"));
    plantList("l");
    assertThat(c.call("LCS", "l", "none", "foo"))
        .isEqualTo("-ERR The specified keys must contain string values\r\n");
    c.call("HELLO", "3");
    try {
      assertThat(c.call("LCS", "none", "none2", "IDX"))
          .isEqualTo("%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
      assertThat(c.call("GET", "none")).isEqualTo("_\r\n");
    } finally {
      c.call("HELLO", "2");
    }
  }

  @Test
  void statsCountHitsMissesAndDirtyLikeRedis() {
    KeyspaceStats st = server.server.context().keyspace.stats();
    long[] before = onLoop(ctx -> new long[] {st.hits, st.misses, st.dirty});
    String[][] cmds = {
      {"SET", "a", "1"},
      {"GET", "a"},
      {"GET", "b"},
      {"MGET", "a", "b", "c"},
      {"SET", "a", "2", "GET"},
      {"GETDEL", "a"},
      {"GETDEL", "a"},
      {"INCR", "n"},
      {"INCRBYFLOAT", "n", "1"},
      {"STRLEN", "n"},
      {"SETRANGE", "n", "0", ""},
      {"MSET", "a", "1", "b", "2"},
      {"MSETNX", "a", "1", "c", "2"},
      {"SETNX", "e", "1"},
      {"GETEX", "e", "PERSIST"},
      {"GETEX", "e", "EX", "100"},
      {"LCS", "a", "x"}
    };
    for (String[] cmd : cmds) {
      c.call(cmd);
    }
    long[] after = onLoop(ctx -> new long[] {st.hits, st.misses, st.dirty});
    // Counted with redis-server 7.0.15 for the same sequence.
    assertThat(after[0] - before[0]).as("hits").isEqualTo(8);
    assertThat(after[1] - before[1]).as("misses").isEqualTo(5);
    assertThat(after[2] - before[2]).as("dirty").isEqualTo(9);
  }
}
