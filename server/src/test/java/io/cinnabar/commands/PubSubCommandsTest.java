package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pub/sub: exact RESP2 and RESP3 frames (asserted here and, when redis-server is on PATH, compared
 * with a live Redis 7.0 running the same scenario), subscribed-mode errors, patterns, shard
 * channels, PUBSUB introspection and cleanup on RESET and disconnect.
 */
class PubSubCommandsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String sub(String kind, String name, int n) {
    return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n" + bulk(name) + ":" + n + "\r\n";
  }

  private static String bulk(String s) {
    return "$" + s.length() + "\r\n" + s + "\r\n";
  }

  private static final String NOT_ALLOWED =
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this"
          + " context\r\n";

  /**
   * A scenario on two connections to the server at a port: a subscriber and a publisher. Returns
   * every reply in order, so the same list can be compared with Redis. Channel names are unique per
   * prefix so runs do not interfere.
   */
  static List<String> resp2Scenario(IntFunction<RespClient> connect, int port, String p) {
    List<String> out = new ArrayList<>();
    try (RespClient s = connect.apply(port);
        RespClient pub = connect.apply(port)) {
      out.add(s.call("SUBSCRIBE", p + "c1", p + "c2"));
      out.add(s.readReply());
      out.add(s.call("PING"));
      out.add(s.call("PING", "x"));
      out.add(s.call("GET", "k"));
      out.add(s.call("CLIENT", "ID"));
      out.add(s.call("SUBSCRIBE"));
      out.add(pub.call("PUBLISH", p + "c1", "hi"));
      out.add(s.readReply());
      out.add(s.call("PSUBSCRIBE", p + "c*"));
      out.add(pub.call("PUBLISH", p + "c1", "yo"));
      out.add(s.readReply());
      out.add(s.readReply());
      out.add(pub.call("PUBLISH", p + "cz", "pat"));
      out.add(s.readReply());
      out.add(pub.call("PUBLISH", p + "none", "x"));
      out.add(pub.call("PUBSUB", "NUMSUB", p + "c1", p + "c2", p + "zz"));
      out.add(pub.call("PUBSUB", "NUMPAT"));
      out.add(pub.call("PUBSUB", "CHANNELS", p + "c1"));
      out.add(pub.call("PUBSUB", "CHANNELS", p + "c1", "x"));
      out.add(s.call("UNSUBSCRIBE", p + "c1"));
      out.add(s.call("UNSUBSCRIBE", p + "c2"));
      out.add(s.call("UNSUBSCRIBE"));
      out.add(s.call("PUNSUBSCRIBE", p + "nope"));
      out.add(s.call("GET", "k"));
      out.add(s.call("PUNSUBSCRIBE"));
      out.add(s.call("PUNSUBSCRIBE"));
      out.add(s.call("GET", "k"));
      out.add(s.call("SSUBSCRIBE", p + "s1"));
      out.add(s.call("SUNSUBSCRIBE", p + "s2"));
      out.add(pub.call("SPUBLISH", p + "s1", "m"));
      out.add(s.readReply());
      out.add(pub.call("PUBSUB", "SHARDCHANNELS", p + "s*"));
      out.add(pub.call("PUBSUB", "SHARDNUMSUB", p + "s1", p + "x"));
      out.add(s.call("SPUBLISH", p + "s1", "m"));
      out.add(s.call("SUNSUBSCRIBE"));
      out.add(s.call("SUNSUBSCRIBE"));
      out.add(s.call("PING"));
    }
    return out;
  }

  static List<String> resp3Scenario(IntFunction<RespClient> connect, int port, String p) {
    List<String> out = new ArrayList<>();
    try (RespClient s = connect.apply(port)) {
      s.call("HELLO", "3");
      out.add(s.call("SUBSCRIBE", p + "x"));
      out.add(s.call("PUBLISH", p + "x", "m")); // the push comes before the reply
      out.add(s.readReply());
      out.add(s.call("PING"));
      out.add(s.call("GET", "k"));
      out.add(s.call("PSUBSCRIBE", p + "*"));
      out.add(s.call("PUBLISH", p + "x", "2"));
      out.add(s.readReply());
      out.add(s.readReply());
      out.add(s.call("UNSUBSCRIBE", p + "x", p + "y"));
      out.add(s.readReply());
      out.add(s.call("UNSUBSCRIBE"));
      out.add(s.call("PUNSUBSCRIBE"));
      out.add(s.call("PUNSUBSCRIBE"));
      out.add(s.call("SSUBSCRIBE", p + "a", p + "a"));
      out.add(s.readReply());
      out.add(s.call("SPUBLISH", p + "a", "3"));
      out.add(s.readReply());
      out.add(s.call("SUNSUBSCRIBE"));
      out.add(s.call("SUNSUBSCRIBE"));
      out.add(s.call("PUBSUB", "NUMSUB", p + "a"));
    }
    return out;
  }

  @Test
  void resp2FramesAndSubscribedMode() {
    List<String> r = resp2Scenario(port -> new RespClient("127.0.0.1", port), server.port(), "t:");
    int i = 0;
    assertThat(r.get(i++)).isEqualTo(sub("subscribe", "t:c1", 1));
    assertThat(r.get(i++)).isEqualTo(sub("subscribe", "t:c2", 2));
    assertThat(r.get(i++)).isEqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    assertThat(r.get(i++)).isEqualTo("*2\r\n$4\r\npong\r\n$1\r\nx\r\n");
    assertThat(r.get(i++)).isEqualTo("-ERR Can't execute 'get" + NOT_ALLOWED);
    assertThat(r.get(i++)).isEqualTo("-ERR Can't execute 'client|id" + NOT_ALLOWED);
    assertThat(r.get(i++)).isEqualTo("-ERR wrong number of arguments for 'subscribe' command\r\n");
    assertThat(r.get(i++)).isEqualTo(":1\r\n");
    assertThat(r.get(i++)).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nt:c1\r\n$2\r\nhi\r\n");
    assertThat(r.get(i++)).isEqualTo(sub("psubscribe", "t:c*", 3));
    assertThat(r.get(i++)).isEqualTo(":2\r\n");
    assertThat(r.get(i++)).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nt:c1\r\n$2\r\nyo\r\n");
    assertThat(r.get(i++))
        .isEqualTo("*4\r\n$8\r\npmessage\r\n$4\r\nt:c*\r\n$4\r\nt:c1\r\n$2\r\nyo\r\n");
    assertThat(r.get(i++)).isEqualTo(":1\r\n");
    assertThat(r.get(i++))
        .isEqualTo("*4\r\n$8\r\npmessage\r\n$4\r\nt:c*\r\n$4\r\nt:cz\r\n$3\r\npat\r\n");
    assertThat(r.get(i++)).isEqualTo(":0\r\n");
    assertThat(r.get(i++))
        .isEqualTo(
            "*6\r\n" + bulk("t:c1") + ":1\r\n" + bulk("t:c2") + ":1\r\n" + bulk("t:zz") + ":0\r\n");
    assertThat(r.get(i++)).isEqualTo(":1\r\n");
    assertThat(r.get(i++)).isEqualTo("*1\r\n" + bulk("t:c1"));
    assertThat(r.get(i++))
        .isEqualTo(
            "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB"
                + " HELP.\r\n");
    assertThat(r.get(i++)).isEqualTo(sub("unsubscribe", "t:c1", 2));
    assertThat(r.get(i++)).isEqualTo(sub("unsubscribe", "t:c2", 1));
    assertThat(r.get(i++)).isEqualTo("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n");
    assertThat(r.get(i++)).isEqualTo(sub("punsubscribe", "t:nope", 1));
    assertThat(r.get(i++)).isEqualTo("-ERR Can't execute 'get" + NOT_ALLOWED);
    assertThat(r.get(i++)).isEqualTo(sub("punsubscribe", "t:c*", 0));
    assertThat(r.get(i++)).isEqualTo("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
    assertThat(r.get(i++)).isEqualTo("$-1\r\n");
    assertThat(r.get(i++)).isEqualTo(sub("ssubscribe", "t:s1", 1));
    assertThat(r.get(i++)).isEqualTo(sub("sunsubscribe", "t:s2", 1));
    assertThat(r.get(i++)).isEqualTo(":1\r\n");
    assertThat(r.get(i++)).isEqualTo("*3\r\n$8\r\nsmessage\r\n$4\r\nt:s1\r\n$1\r\nm\r\n");
    assertThat(r.get(i++)).isEqualTo("*1\r\n" + bulk("t:s1"));
    assertThat(r.get(i++)).isEqualTo("*4\r\n" + bulk("t:s1") + ":1\r\n" + bulk("t:x") + ":0\r\n");
    assertThat(r.get(i++)).isEqualTo("-ERR Can't execute 'spublish" + NOT_ALLOWED);
    assertThat(r.get(i++)).isEqualTo(sub("sunsubscribe", "t:s1", 0));
    assertThat(r.get(i++)).isEqualTo("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
    assertThat(r.get(i++)).isEqualTo("+PONG\r\n");
    assertThat(i).isEqualTo(r.size());
  }

  @Test
  void resp3PushFramesAllowEveryCommand() {
    List<String> r = resp3Scenario(port -> new RespClient("127.0.0.1", port), server.port(), "u:");
    assertThat(r)
        .containsExactly(
            ">3\r\n$9\r\nsubscribe\r\n$3\r\nu:x\r\n:1\r\n",
            ">3\r\n$7\r\nmessage\r\n$3\r\nu:x\r\n$1\r\nm\r\n",
            ":1\r\n",
            "+PONG\r\n",
            "_\r\n",
            ">3\r\n$10\r\npsubscribe\r\n$3\r\nu:*\r\n:2\r\n",
            ">3\r\n$7\r\nmessage\r\n$3\r\nu:x\r\n$1\r\n2\r\n",
            ">4\r\n$8\r\npmessage\r\n$3\r\nu:*\r\n$3\r\nu:x\r\n$1\r\n2\r\n",
            ":2\r\n",
            ">3\r\n$11\r\nunsubscribe\r\n$3\r\nu:x\r\n:1\r\n",
            ">3\r\n$11\r\nunsubscribe\r\n$3\r\nu:y\r\n:1\r\n",
            ">3\r\n$11\r\nunsubscribe\r\n_\r\n:1\r\n",
            ">3\r\n$12\r\npunsubscribe\r\n$3\r\nu:*\r\n:0\r\n",
            ">3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n",
            ">3\r\n$10\r\nssubscribe\r\n$3\r\nu:a\r\n:1\r\n",
            ">3\r\n$10\r\nssubscribe\r\n$3\r\nu:a\r\n:1\r\n",
            ">3\r\n$8\r\nsmessage\r\n$3\r\nu:a\r\n$1\r\n3\r\n",
            ":1\r\n",
            ">3\r\n$12\r\nsunsubscribe\r\n$3\r\nu:a\r\n:0\r\n",
            ">3\r\n$12\r\nsunsubscribe\r\n_\r\n:0\r\n",
            "*2\r\n$3\r\nu:a\r\n:0\r\n");
  }

  @Test
  void sameFramesAsRedis() {
    if (!RealRedis.available()) {
      return; // the exact frames are asserted above without the oracle
    }
    try (RealRedis redis = RealRedis.start()) {
      IntFunction<RespClient> connect = port -> new RespClient("127.0.0.1", port);
      assertThat(resp2Scenario(connect, server.port(), "d:"))
          .isEqualTo(resp2Scenario(connect, redis.port(), "d:"));
      assertThat(resp3Scenario(connect, server.port(), "e:"))
          .isEqualTo(resp3Scenario(connect, redis.port(), "e:"));
    }
  }

  @Test
  void helpAndIntrospection() {
    // Its own server: the counts must not see other tests' connections being cleaned up.
    try (TestServer own = TestServer.start();
        RespClient c = own.client();
        RespClient s = own.client()) {
      assertThat(c.call("PUBSUB", "HELP"))
          .startsWith("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
          .endsWith("+HELP\r\n+    Prints this help.\r\n");
      assertThat(c.call("PUBSUB", "NOPE"))
          .isEqualTo("-ERR unknown subcommand 'NOPE'. Try PUBSUB HELP.\r\n");
      assertThat(c.call("PUBSUB", "NUMPAT", "x"))
          .isEqualTo("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
      s.call("SUBSCRIBE", "i:chan");
      s.call("PSUBSCRIBE", "i:*");
      s.call("SSUBSCRIBE", "i:shard");
      assertThat(c.call("CLIENT", "LIST"))
          .contains("flags=P db=0 sub=1 psub=1 ssub=1 ")
          .contains("flags=N db=0 sub=0 psub=0 ssub=0 ");
      String info = c.call("INFO", "stats");
      assertThat(info)
          .contains("pubsub_channels:1\r\n")
          .contains("pubsub_patterns:1\r\n")
          .contains("pubsubshard_channels:1\r\n");
      assertThat(c.call("PUBSUB", "CHANNELS")).isEqualTo("*1\r\n" + bulk("i:chan"));
      assertThat(c.call("PUBSUB", "CHANNELS", "x*")).isEqualTo("*0\r\n");
      assertThat(c.call("CLIENT", "LIST", "TYPE", "pubsub"))
          .contains("flags=P")
          .doesNotContain("flags=N");
      assertThat(c.call("CLIENT", "LIST", "TYPE", "normal")).doesNotContain("flags=P");
      assertThat(c.call("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(":1\r\n");
      assertThat(s.isClosedByServer(10_000)).isTrue();
    }
  }

  @Test
  void resetAndDisconnectDropSubscriptions() throws Exception {
    try (RespClient c = server.client()) {
      try (RespClient s = server.client()) {
        s.call("SUBSCRIBE", "r:reset");
        assertThat(s.call("RESET")).isEqualTo("+RESET\r\n");
        assertThat(s.call("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(c.call("PUBSUB", "NUMSUB", "r:reset"))
            .isEqualTo("*2\r\n" + bulk("r:reset") + ":0\r\n");
        s.call("SUBSCRIBE", "r:gone");
        s.call("PSUBSCRIBE", "r:pat*");
        s.call("SSUBSCRIBE", "r:shard");
        assertThat(c.call("PUBLISH", "r:gone", "x")).isEqualTo(":1\r\n");
      }
      long deadline = System.currentTimeMillis() + 10_000;
      while (!c.call("PUBLISH", "r:gone", "x").equals(":0\r\n")) {
        assertThat(System.currentTimeMillis()).isLessThan(deadline);
        Thread.sleep(10);
      }
      assertThat(c.call("PUBSUB", "NUMSUB", "r:gone"))
          .isEqualTo("*2\r\n" + bulk("r:gone") + ":0\r\n");
      assertThat(c.call("PUBSUB", "NUMPAT")).isEqualTo(":0\r\n");
      assertThat(c.call("PUBSUB", "SHARDCHANNELS")).isEqualTo("*0\r\n");
    }
  }

  @Test
  void pubsubClientsUseThePubsubOutputLimit() throws Exception {
    try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 1mb 0 0");
        RespClient sub = s.client();
        RespClient pub = s.client()) {
      sub.call("SUBSCRIBE", "big");
      String payload = "x".repeat(64 * 1024);
      // The subscriber does not read: its pending output passes the 1mb hard limit and the
      // server closes it; the ordinary publisher stays (the normal class has no limit).
      long deadline = System.currentTimeMillis() + 10_000;
      while (!pub.call("PUBLISH", "big", payload).equals(":0\r\n")) {
        assertThat(System.currentTimeMillis()).isLessThan(deadline);
      }
      assertThat(pub.call("PING")).isEqualTo("+PONG\r\n");
    }
  }
}
