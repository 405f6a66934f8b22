package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hash commands end to end; every expected reply was checked against redis-server 7.0.15. */
class HashCommandsTest {
  private static final String WRONGTYPE =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

  private static TestServer server;
  private static RespClient c;

  @BeforeAll
  static void start() {
    server = TestServer.start("enable-debug-command", "yes");
    c = server.client();
  }

  @AfterAll
  static void stop() {
    c.close();
    server.close();
  }

  @BeforeEach
  void flush() {
    c.call("FLUSHALL");
    c.call("CONFIG", "SET", "hash-max-listpack-entries", "512");
  }

  @Test
  void setGetAndInsertionOrder() {
    assertThat(c.call("HSET", "h", "a", "1", "b", "2", "c", "3")).isEqualTo(":3\r\n");
    assertThat(c.call("HSET", "h", "b", "20", "d", "4")).isEqualTo(":1\r\n");
    assertThat(c.call("HGETALL", "h"))
        .isEqualTo(
            "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n20\r\n$1\r\nc\r\n$1\r\n3\r\n"
                + "$1\r\nd\r\n$1\r\n4\r\n");
    assertThat(c.call("HGET", "h", "b")).isEqualTo("$2\r\n20\r\n");
    assertThat(c.call("HGET", "h", "x")).isEqualTo("$-1\r\n");
    assertThat(c.call("HMGET", "h", "a", "x")).isEqualTo("*2\r\n$1\r\n1\r\n$-1\r\n");
    assertThat(c.call("HSTRLEN", "h", "b")).isEqualTo(":2\r\n");
    assertThat(c.call("HEXISTS", "h", "b")).isEqualTo(":1\r\n");
    assertThat(c.call("HLEN", "h")).isEqualTo(":4\r\n");
    assertThat(c.call("TYPE", "h")).isEqualTo("+hash\r\n");
    assertThat(c.call("OBJECT", "ENCODING", "h")).isEqualTo("$8\r\nlistpack\r\n");
    assertThat(c.call("HSETNX", "h", "a", "9")).isEqualTo(":0\r\n");
    assertThat(c.call("HMSET", "h", "e", "5")).isEqualTo("+OK\r\n");
    assertThat(c.call("HSET", "h", "a"))
        .isEqualTo("-ERR wrong number of arguments for 'hset' command\r\n");
    assertThat(c.call("HMSET", "h", "a", "1", "b"))
        .isEqualTo("-ERR wrong number of arguments for 'hmset' command\r\n");
  }

  @Test
  void deletingTheLastFieldDeletesTheKey() {
    c.call("HSET", "h", "a", "1", "b", "2");
    assertThat(c.call("HDEL", "h", "a", "b", "c")).isEqualTo(":2\r\n");
    assertThat(c.call("EXISTS", "h")).isEqualTo(":0\r\n");
  }

  @Test
  void counters() {
    assertThat(c.call("HINCRBY", "h", "n", "5")).isEqualTo(":5\r\n");
    c.call("HSET", "h", "s", "x", "m", "9223372036854775807");
    assertThat(c.call("HINCRBY", "h", "s", "1")).isEqualTo("-ERR hash value is not an integer\r\n");
    assertThat(c.call("HINCRBY", "h", "m", "1"))
        .isEqualTo("-ERR increment or decrement would overflow\r\n");
    assertThat(c.call("HINCRBYFLOAT", "h", "f", "1.5")).isEqualTo("$3\r\n1.5\r\n");
    assertThat(c.call("HINCRBYFLOAT", "h", "f", "0.1")).isEqualTo("$3\r\n1.6\r\n");
    assertThat(c.call("HINCRBYFLOAT", "h", "s", "1"))
        .isEqualTo("-ERR hash value is not a float\r\n");
    assertThat(c.call("HINCRBYFLOAT", "h", "f", "inf"))
        .isEqualTo("-ERR value is NaN or Infinity\r\n");
    assertThat(c.call("HINCRBYFLOAT", "h", "f", "x"))
        .isEqualTo("-ERR value is not a valid float\r\n");
  }

  @Test
  void wrongType() {
    c.call("SET", "s", "v");
    for (String[] cmd :
        new String[][] {
          {"HSET", "s", "a", "1"}, {"HGET", "s", "a"}, {"HGETALL", "s"}, {"HDEL", "s", "a"},
          {"HINCRBY", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HSCAN", "s", "0"}, {"HLEN", "s"}
        }) {
      assertThat(c.call(cmd)).as(String.join(" ", cmd)).isEqualTo(WRONGTYPE);
    }
  }

  @Test
  void encodingFlipsAtTheThresholdsAndNeverBack() {
    c.call("CONFIG", "SET", "hash-max-listpack-entries", "3");
    c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
    assertThat(c.call("OBJECT", "ENCODING", "h")).isEqualTo("$8\r\nlistpack\r\n");
    c.call("HSET", "h", "d", "4");
    assertThat(c.call("OBJECT", "ENCODING", "h")).isEqualTo("$9\r\nhashtable\r\n");
    c.call("HDEL", "h", "a", "b", "c");
    assertThat(c.call("OBJECT", "ENCODING", "h")).isEqualTo("$9\r\nhashtable\r\n");
    c.call("HSET", "v", "f", "x".repeat(64));
    assertThat(c.call("OBJECT", "ENCODING", "v")).isEqualTo("$8\r\nlistpack\r\n");
    c.call("HSET", "v", "g", "x".repeat(65));
    assertThat(c.call("OBJECT", "ENCODING", "v")).isEqualTo("$9\r\nhashtable\r\n");
  }

  @Test
  void randomFields() {
    c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
    assertThat(c.call("HRANDFIELD", "h", "-5")).startsWith("*5\r\n");
    assertThat(c.call("HRANDFIELD", "h", "-2", "WITHVALUES")).startsWith("*4\r\n");
    assertThat(c.call("HRANDFIELD", "h", "2")).startsWith("*2\r\n");
    assertThat(c.call("HRANDFIELD", "h", "9", "WITHVALUES"))
        .isEqualTo("*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n");
    assertThat(c.call("HRANDFIELD", "h", "-9223372036854775808"))
        .isEqualTo(
            "-ERR value is out of range, value must between -9223372036854775807 and"
                + " 9223372036854775807\r\n");
    assertThat(c.call("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"))
        .isEqualTo("-ERR value is out of range\r\n");
    assertThat(c.call("HRANDFIELD", "nokey")).isEqualTo("$-1\r\n");
    assertThat(c.call("HRANDFIELD", "nokey", "3")).isEqualTo("*0\r\n");
  }

  /** A few random fields of a big hash (drawn one by one) and ranks of a big zset: distinct. */
  @Test
  void fewRandomFieldsOfMany() {
    String[] args = new String[2 + 2 * 1000];
    String[] zargs = new String[2 + 2 * 1000];
    args[0] = "HSET";
    args[1] = "big";
    zargs[0] = "ZADD";
    zargs[1] = "zbig";
    for (int i = 0; i < 1000; i++) {
      args[2 + 2 * i] = "f" + i;
      args[3 + 2 * i] = "v" + i;
      zargs[2 + 2 * i] = Integer.toString(i);
      zargs[3 + 2 * i] = "m" + i;
    }
    c.call(args);
    c.call(zargs);
    for (int round = 0; round < 50; round++) {
      String reply = c.call("HRANDFIELD", "big", "300", "WITHVALUES");
      assertThat(reply).startsWith("*600\r\n");
      Matcher m = Pattern.compile("\\$\\d+\r\nf(\\d+)\r\n\\$\\d+\r\nv(\\d+)\r\n").matcher(reply);
      Set<String> fields = new HashSet<>();
      while (m.find()) {
        assertThat(m.group(2)).isEqualTo(m.group(1));
        fields.add(m.group(1));
      }
      assertThat(fields).hasSize(300);
      String z = c.call("ZRANDMEMBER", "zbig", "300", "WITHSCORES");
      Matcher zm = Pattern.compile("\\$\\d+\r\nm(\\d+)\r\n\\$\\d+\r\n(\\d+)\r\n").matcher(z);
      int last = -1;
      int n = 0;
      while (zm.find()) {
        int score = Integer.parseInt(zm.group(2));
        assertThat(zm.group(1)).isEqualTo(zm.group(2));
        assertThat(score).isGreaterThan(last); // distinct, ascending
        last = score;
        n++;
      }
      assertThat(n).isEqualTo(300);
    }
  }

  @Test
  void scanOfAHashtableVisitsEveryField() {
    String[] args = new String[2 + 2 * 1000];
    args[0] = "HSET";
    args[1] = "h";
    for (int i = 0; i < 1000; i++) {
      args[2 + 2 * i] = "f" + i;
      args[3 + 2 * i] = "v" + i;
    }
    c.call(args);
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    Pattern field = Pattern.compile("\\$\\d+\r\n(f\\d+)\r\n");
    int calls = 0;
    do {
      String reply = c.call("HSCAN", "h", cursor, "COUNT", "50");
      Matcher m = Pattern.compile("^\\*2\r\n\\$\\d+\r\n(\\d+)\r\n").matcher(reply);
      assertThat(m.find()).isTrue();
      cursor = m.group(1);
      Matcher f = field.matcher(reply);
      while (f.find()) {
        seen.add(f.group(1));
      }
      calls++;
    } while (!cursor.equals("0"));
    assertThat(seen).hasSize(1000);
    assertThat(calls).isGreaterThan(1);
    assertThat(c.call("HSCAN", "h", "0", "MATCH", "nomatch*", "COUNT", "5000"))
        .isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
  }

  @Test
  void digestIsOrderIndependentAndMatchesRedis() {
    c.call("HSET", "x", "a", "1");
    // Recorded from redis-server 7.0.15.
    assertThat(c.call("DEBUG", "DIGEST-VALUE", "x"))
        .isEqualTo("*1\r\n+626a7b57a269f8f179a44902458ecb2f5920d35d\r\n");
    c.call("HSET", "h", "a", "1", "b", "2", "c", "3");
    c.call("HSET", "h2", "c", "3", "a", "1", "b", "2");
    assertThat(c.call("DEBUG", "DIGEST-VALUE", "h"))
        .isEqualTo("*1\r\n+b60c36e529712296d694f27b5914cbe84950995e\r\n");
    assertThat(c.call("DEBUG", "DIGEST-VALUE", "h2"))
        .isEqualTo("*1\r\n+b60c36e529712296d694f27b5914cbe84950995e\r\n");
  }

  @Test
  void copyIsDeep() {
    c.call("HSET", "h", "a", "1");
    assertThat(c.call("COPY", "h", "h2")).isEqualTo(":1\r\n");
    c.call("HSET", "h2", "b", "2");
    assertThat(c.call("HLEN", "h")).isEqualTo(":1\r\n");
    assertThat(c.call("HLEN", "h2")).isEqualTo(":2\r\n");
  }

  @Test
  void statsCountHitsMissesAndDirty() {
    long dirty0 = stat("rdb_changes_since_last_save");
    c.call("HSET", "h", "a", "1", "b", "2");
    assertThat(stat("rdb_changes_since_last_save") - dirty0).isEqualTo(2);
    long hits = stat("keyspace_hits");
    long misses = stat("keyspace_misses");
    c.call("HGET", "h", "a");
    c.call("HGET", "nokey", "a");
    assertThat(stat("keyspace_hits") - hits).isEqualTo(1);
    assertThat(stat("keyspace_misses") - misses).isEqualTo(1);
  }

  private static long stat(String name) {
    Matcher m = Pattern.compile(name + ":(\\d+)").matcher(c.call("INFO"));
    assertThat(m.find()).as(name).isTrue();
    return Long.parseLong(m.group(1));
  }
}
