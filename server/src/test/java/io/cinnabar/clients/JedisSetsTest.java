package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.TestServer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.SortingParams;

/** Jedis 5 set commands and SORT against Cinnabar, in RESP2 and RESP3 (set replies). */
class JedisSetsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Jedis connect(RedisProtocol protocol) {
    return new Jedis(
        new HostAndPort("127.0.0.1", server.port()),
        DefaultJedisClientConfig.builder().protocol(protocol).socketTimeoutMillis(10_000).build());
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void setCommands(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      String a = "jedis:" + p + ":a";
      String b = "jedis:" + p + ":b";
      assertThat(j.sadd(a, "1", "2", "3", "x")).isEqualTo(4);
      assertThat(j.sadd(b, "2", "3", "4")).isEqualTo(3);
      assertThat(j.smembers(a)).containsExactlyInAnyOrder("1", "2", "3", "x");
      assertThat(j.sismember(a, "x")).isTrue();
      assertThat(j.smismember(a, "1", "9")).containsExactly(true, false);
      assertThat(j.sinter(a, b)).containsExactlyInAnyOrder("2", "3");
      assertThat(j.sunion(a, b)).containsExactlyInAnyOrder("1", "2", "3", "4", "x");
      assertThat(j.sdiff(a, b)).containsExactlyInAnyOrder("1", "x");
      assertThat(j.sintercard(a, b)).isEqualTo(2);
      assertThat(j.smove(a, b, "x")).isEqualTo(1);
      assertThat(j.scard(b)).isEqualTo(4);
      Set<String> popped = j.spop(a, 2);
      assertThat(popped).hasSize(2);
      assertThat(j.scard(a)).isEqualTo(1);
      assertThat(j.srandmember(b, -3)).hasSize(3);
      assertThat(j.sscan(b, "0").getResult()).containsExactlyInAnyOrder("2", "3", "4", "x");
      j.del(a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void sort(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      String l = "jedis:" + p + ":l";
      String d = "jedis:" + p + ":d";
      j.rpush(l, "3", "1", "2");
      j.mset("jedis:" + p + ":w_1", "30", "jedis:" + p + ":w_2", "10", "jedis:" + p + ":w_3", "20");
      assertThat(j.sort(l)).containsExactly("1", "2", "3");
      assertThat(j.sort(l, new SortingParams().desc().limit(0, 2))).containsExactly("3", "2");
      assertThat(j.sort(l, new SortingParams().by("jedis:" + p + ":w_*")))
          .containsExactly("2", "3", "1");
      List<String> got = j.sort(l, new SortingParams().alpha().get("#", "jedis:" + p + ":w_*"));
      assertThat(got).containsExactly("1", "30", "2", "10", "3", "20");
      assertThat(j.sort(l, d)).isEqualTo(3);
      assertThat(j.lrange(d, 0, -1)).containsExactly("1", "2", "3");
      assertThat(j.sortReadonly(l, new SortingParams().desc())).containsExactly("3", "2", "1");
    }
  }
}
