package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Sorted set behaviour the differential scripts cannot show: keyspace events (the sequence was
 * recorded from redis-server 7.0.15 with notify-keyspace-events KEA), and a large skiplist.
 */
class SortedSetCommandsTest {
  private static final String[] COMMANDS = {
    "zadd z 1 a 2 b 3 c 4 d 5 e",
    "zadd z 1 a",
    "zadd z xx 9 nope",
    "zincrby z 1 a",
    "zadd z incr 1 a",
    "zrem z nope",
    "zrem z a",
    "zremrangebyrank z 0 0",
    "zremrangebyscore z 3 3",
    "zremrangebylex z - [a",
    "zpopmin z",
    "zpopmax z",
    "zadd y 1 a 2 b",
    "zunionstore u 2 z y",
    "zinterstore i 2 z y",
    "zdiffstore d 2 y z",
    "zrangestore r y 0 -1",
    "zrangestore r y 5 6",
    "zinterstore i 2 y nokey",
    "zmpop 1 y min count 5",
    "zadd q 1 a",
    "zrem q a",
    "zadd q 1 a",
    "zremrangebyrank q 0 -1",
    "zadd q 1 a",
    "zpopmin q",
    "zadd l 0 a 0 b",
    "zremrangebylex l - +",
  };

  private static final String EXPECTED =
      "zadd:z zincr:z zincr:z zrem:z zremrangebyrank:z zremrangebyscore:z zpopmin:z zpopmax:z"
          + " del:z zadd:y zunionstore:u zdiffstore:d zrangestore:r del:r zpopmin:y del:y zadd:q"
          + " zrem:q del:q zadd:q zremrangebyrank:q del:q zadd:q zpopmin:q del:q zadd:l"
          + " zremrangebylex:l del:l";

  @Test
  void keyspaceEventsMatchRedis() {
    try (TestServer s = TestServer.start("notify-keyspace-events", "KEA");
        RespClient c = s.client();
        RespClient sub = s.client()) {
      sub.call("PSUBSCRIBE", "__keyevent@0__:*");
      for (String cmd : COMMANDS) {
        c.call(cmd.split(" "));
      }
      c.call("PUBLISH", "__keyevent@0__:end", "end");
      List<String> events = new ArrayList<>();
      Pattern p = Pattern.compile("__keyevent@0__:([a-z]+)\r\n\\$\\d+\r\n([^\r]+)\r\n$");
      while (true) {
        Matcher m = p.matcher(sub.readReply());
        assertThat(m.find()).isTrue();
        if (m.group(1).equals("end")) {
          break;
        }
        events.add(m.group(1) + ":" + m.group(2));
      }
      assertThat(String.join(" ", events)).isEqualTo(EXPECTED);
    }
  }

  @Test
  void largeSkiplistRanksAndRanges() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      int n = 5000;
      for (int i = 0; i < n; i += 500) {
        List<String> args = new ArrayList<>(List.of("ZADD", "big"));
        for (int j = i; j < i + 500; j++) {
          args.add(Integer.toString(n - j));
          args.add("m" + j);
        }
        c.call(args.toArray(new String[0]));
      }
      assertThat(c.call("ZCARD", "big")).isEqualTo(":5000\r\n");
      assertThat(c.call("OBJECT", "ENCODING", "big")).isEqualTo("$8\r\nskiplist\r\n");
      assertThat(c.call("ZRANK", "big", "m0")).isEqualTo(":4999\r\n");
      assertThat(c.call("ZREVRANK", "big", "m0")).isEqualTo(":0\r\n");
      assertThat(c.call("ZRANGE", "big", "0", "1", "WITHSCORES"))
          .isEqualTo("*4\r\n$5\r\nm4999\r\n$1\r\n1\r\n$5\r\nm4998\r\n$1\r\n2\r\n");
      assertThat(c.call("ZCOUNT", "big", "100", "(200")).isEqualTo(":100\r\n");
      assertThat(c.call("ZREMRANGEBYRANK", "big", "0", "999")).isEqualTo(":1000\r\n");
      assertThat(c.call("ZRANGE", "big", "0", "0")).isEqualTo("*1\r\n$5\r\nm3999\r\n");
      assertThat(c.call("ZPOPMAX", "big")).isEqualTo("*2\r\n$2\r\nm0\r\n$4\r\n5000\r\n");
      // ZSCAN walks a skiplist in steps and ends at cursor 0 having seen every member once
      java.util.Set<String> seen = new java.util.HashSet<>();
      String cursor = "0";
      do {
        String reply = c.call("ZSCAN", "big", cursor, "COUNT", "100");
        Matcher m = Pattern.compile("^\\*2\r\n\\$\\d+\r\n(\\d+)\r\n").matcher(reply);
        assertThat(m.find()).isTrue();
        cursor = m.group(1);
        Matcher mm = Pattern.compile("\\$\\d+\r\n(m\\d+)\r\n").matcher(reply);
        while (mm.find()) {
          assertThat(seen.add(mm.group(1))).isTrue();
        }
      } while (!cursor.equals("0"));
      assertThat(seen).hasSize(3999);
      assertThat(c.call("DEL", "big")).isEqualTo(":1\r\n");
    }
  }
}
