package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Tuple;

/** Jedis 5 sorted set calls against Cinnabar, in RESP2 and RESP3 (scores decoded both ways). */
class JedisZSetTest {
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
  void zaddZrangeZpopmin(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      String k = "jedis:z:" + p;
      assertThat(j.zadd(k, Map.of("a", 1.5, "b", 2.0, "c", -3.25))).isEqualTo(3);
      assertThat(j.zadd(k, 10, "a", ZAddParams.zAddParams().xx().ch())).isEqualTo(1);
      assertThat(j.zscore(k, "a")).isEqualTo(10.0);
      assertThat(j.zincrby(k, 0.5, "b")).isEqualTo(2.5);
      assertThat(j.zrange(k, 0, -1)).containsExactly("c", "b", "a");
      List<Tuple> withScores = j.zrangeWithScores(k, 0, -1);
      assertThat(withScores)
          .containsExactly(new Tuple("c", -3.25), new Tuple("b", 2.5), new Tuple("a", 10.0));
      assertThat(j.zrangeByScore(k, 0, 100)).containsExactly("b", "a");
      assertThat(j.zrank(k, "a")).isEqualTo(2);
      assertThat(j.zcard(k)).isEqualTo(3);
      Tuple min = j.zpopmin(k);
      assertThat(min).isEqualTo(new Tuple("c", -3.25));
      assertThat(j.zpopmax(k, 5)).containsExactly(new Tuple("a", 10.0), new Tuple("b", 2.5));
      assertThat(j.exists(k)).isFalse();
    }
  }
}
