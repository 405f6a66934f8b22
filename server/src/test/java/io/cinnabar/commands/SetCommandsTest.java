package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Set commands and SORT end to end: the properties of random replies (SPOP, SRANDMEMBER), full
 * SSCAN iterations, keyspace events (checked against redis-server 7.0.15) and SORT in cluster mode.
 * Exact replies are covered by the sets and sort differential scripts.
 */
class SetCommandsTest {
  private static final Pattern BULK = Pattern.compile("\\$\\d+\r\n([^\r]*)\r\n");

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
    c.call("FLUSHALL");
    c.call("CONFIG", "SET", "set-max-intset-entries", "512");
    c.call("CONFIG", "SET", "notify-keyspace-events", "");
  }

  private static List<String> bulks(String reply) {
    List<String> out = new ArrayList<>();
    Matcher m = BULK.matcher(reply);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String[] sadd(String key, int n, String prefix) {
    String[] args = new String[n + 2];
    args[0] = "SADD";
    args[1] = key;
    for (int i = 0; i < n; i++) {
      args[i + 2] = prefix + i;
    }
    return args;
  }

  @Test
  void spopWithCountTakesDistinctMembersInEveryCase() {
    // count small (one by one), count large (rebuild the rest), count >= size (whole set).
    for (int count : new int[] {3, 90, 100, 150}) {
      c.call("DEL", "s");
      c.call(sadd("s", 100, "m"));
      List<String> popped = bulks(c.call("SPOP", "s", Integer.toString(count)));
      int expect = Math.min(count, 100);
      assertThat(popped).hasSize(expect).doesNotHaveDuplicates();
      assertThat(c.call("SCARD", "s")).isEqualTo(":" + (100 - expect) + "\r\n");
      for (String m : popped) {
        assertThat(c.call("SISMEMBER", "s", m)).isEqualTo(":0\r\n");
      }
    }
    assertThat(c.call("EXISTS", "s")).isEqualTo(":0\r\n");
  }

  @Test
  void spopRebuildReencodesAnIntegerRemainderAsIntset() {
    c.call("SADD", "s", "x");
    c.call(sadd("s", 20, ""));
    c.call("SREM", "s", "x");
    assertThat(c.call("OBJECT", "ENCODING", "s")).isEqualTo("$9\r\nhashtable\r\n");
    c.call("SPOP", "s", "18");
    assertThat(c.call("SCARD", "s")).isEqualTo(":2\r\n");
    assertThat(c.call("OBJECT", "ENCODING", "s")).isEqualTo("$6\r\nintset\r\n");
  }

  @Test
  void srandmemberShapes() {
    c.call(sadd("s", 10, "m"));
    Set<String> all = new HashSet<>(bulks(c.call("SMEMBERS", "s")));
    List<String> five = bulks(c.call("SRANDMEMBER", "s", "5"));
    assertThat(five).hasSize(5).doesNotHaveDuplicates();
    assertThat(all).containsAll(five);
    List<String> two = bulks(c.call("SRANDMEMBER", "s", "2")); // few of many: drawn one by one
    assertThat(two).hasSize(2).doesNotHaveDuplicates();
    assertThat(all).containsAll(two);
    List<String> many = bulks(c.call("SRANDMEMBER", "s", "-25"));
    assertThat(many).hasSize(25);
    assertThat(all).containsAll(many);
    assertThat(new HashSet<>(bulks(c.call("SRANDMEMBER", "s", "20")))).isEqualTo(all);
    assertThat(all).containsAll(bulks(c.call("SRANDMEMBER", "s")));
    assertThat(c.call("SCARD", "s")).isEqualTo(":10\r\n");
  }

  @Test
  void sscanIteratesAHashtableCompletely() {
    c.call(sadd("s", 1000, "member:"));
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<String> parts = bulks(c.call("SSCAN", "s", cursor, "COUNT", "25"));
      cursor = parts.get(0);
      seen.addAll(parts.subList(1, parts.size()));
      calls++;
    } while (!cursor.equals("0"));
    assertThat(seen).hasSize(1000);
    assertThat(calls).isGreaterThan(1);
  }

  @Test
  void keyspaceEvents() {
    c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    try (RespClient sub = server.client()) {
      sub.call("PSUBSCRIBE", "__keyevent@0__:*");
      c.call("SADD", "a", "1");
      c.call("SADD", "a", "1"); // nothing added: no event
      c.call("SMOVE", "a", "b", "1"); // srem a, del a, sadd b
      c.call("SREM", "b", "nope"); // nothing removed: no event
      c.call("SADD", "c", "1", "2", "3");
      c.call("SPOP", "c", "5"); // spop c, del c
      c.call("SINTERSTORE", "d", "b", "b");
      c.call("SUNIONSTORE", "d", "b");
      c.call("SDIFFSTORE", "d", "b", "b"); // empty result deletes d
      c.call("SADD", "l", "2", "1");
      c.call("SORT", "l", "STORE", "e");
      c.call("SREM", "b", "1"); // srem b, del b
      String[] expected = {
        "sadd a",
        "srem a",
        "del a",
        "sadd b",
        "sadd c",
        "spop c",
        "del c",
        "sinterstore d",
        "sunionstore d",
        "del d",
        "sadd l",
        "sortstore e",
        "srem b",
        "del b"
      };
      for (String ev : expected) {
        List<String> msg = bulks(sub.readReply());
        String[] parts = ev.split(" ");
        assertThat(msg)
            .containsExactly(
                "pmessage", "__keyevent@0__:*", "__keyevent@0__:" + parts[0], parts[1]);
      }
    }
  }

  @Test
  void sortInClusterModeRejectsPatterns() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient k = s.client()) {
      assertThat(k.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      k.call("RPUSH", "{a}l", "3", "1", "2");
      assertThat(k.call("SORT", "{a}l", "BY", "{a}w_*"))
          .isEqualTo("-ERR BY option of SORT denied in Cluster mode.\r\n");
      assertThat(k.call("SORT", "{a}l", "GET", "#"))
          .isEqualTo("-ERR GET option of SORT denied in Cluster mode.\r\n");
      assertThat(k.call("SORT_RO", "{a}l", "GET", "{a}x_*"))
          .isEqualTo("-ERR GET option of SORT denied in Cluster mode.\r\n");
      assertThat(k.call("SORT", "{a}l", "BY", "nosort"))
          .isEqualTo("*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n");
      assertThat(k.call("SORT", "{a}l", "STORE", "{b}d"))
          .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
      assertThat(k.call("SORT", "{a}l", "STORE", "{a}d")).isEqualTo(":3\r\n");
    }
  }
}
