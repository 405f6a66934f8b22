package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.TestServer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ListDirection;

/** Blocking list commands through Jedis (both protocols) and Lettuce's async API. */
class BlockingClientsTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Jedis jedis(RedisProtocol protocol) {
    return new Jedis(
        new HostAndPort("127.0.0.1", server.port()),
        DefaultJedisClientConfig.builder().protocol(protocol).socketTimeoutMillis(10_000).build());
  }

  private static void awaitBlocked(Jedis j, int n) throws InterruptedException {
    Await.until(
        n + " blocked clients", 5_000, () -> j.info("clients").contains("blocked_clients:" + n));
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void jedisBlpopBrpopBlmove(RedisProtocol p) throws Exception {
    String k = "jedis:" + p + ":list";
    String d = "jedis:" + p + ":dst";
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Jedis waiter = jedis(p);
        Jedis pusher = jedis(p)) {
      pusher.del(k, d);
      assertThat(waiter.blpop(0.05, k)).isNull();
      assertThat(waiter.blmove(k, d, ListDirection.LEFT, ListDirection.RIGHT, 0.05)).isNull();

      Future<redis.clients.jedis.util.KeyValue<String, String>> popped =
          pool.submit(() -> waiter.blpop(5.0, "jedis:" + p + ":none", k));
      awaitBlocked(pusher, 1);
      pusher.rpush(k, "a", "b");
      assertThat(popped.get(5, TimeUnit.SECONDS).getKey()).isEqualTo(k);
      assertThat(waiter.brpop(1.0, k).getValue()).isEqualTo("b");

      Future<String> moved =
          pool.submit(() -> waiter.blmove(k, d, ListDirection.RIGHT, ListDirection.LEFT, 5.0));
      awaitBlocked(pusher, 1);
      pusher.lpush(k, "m");
      assertThat(moved.get(5, TimeUnit.SECONDS)).isEqualTo("m");
      assertThat(pusher.lrange(d, 0, -1)).containsExactly("m");
      assertThat(waiter.blmpop(1.0, ListDirection.LEFT, k, d).getValue()).containsExactly("m");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lettuceAsyncBlpopWokenByAnotherConnection() throws Exception {
    ClientResources resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisClient client =
        RedisClient.create(
            resources,
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(server.port())
                .withTimeout(Duration.ofSeconds(10))
                .build());
    try (StatefulRedisConnection<String, String> waiter = client.connect();
        StatefulRedisConnection<String, String> pusher = client.connect()) {
      pusher.sync().del("lettuce:list", "lettuce:dst");
      RedisFuture<KeyValue<String, String>> pop = waiter.async().blpop(0, "lettuce:list");
      RedisFuture<String> move =
          waiter.async().blmove("lettuce:list", "lettuce:dst", LMoveArgs.Builder.leftRight(), 0.0);
      RedisFuture<KeyValue<String, String>> timedOut = waiter.async().brpop(0.1, "lettuce:none");
      Await.until(
          "the waiter blocked",
          5_000,
          () -> pusher.sync().info("clients").contains("blocked_clients:1"));
      assertThat(pop.isDone()).isFalse();
      assertThat(pusher.sync().rpush("lettuce:list", "x", "y")).isEqualTo(2);
      KeyValue<String, String> kv = pop.get(5, TimeUnit.SECONDS);
      assertThat(kv.getKey()).isEqualTo("lettuce:list");
      assertThat(kv.getValue()).isEqualTo("x");
      assertThat(move.get(5, TimeUnit.SECONDS)).isEqualTo("y");
      assertThat(timedOut.get(5, TimeUnit.SECONDS)).isNull();
      List<String> dst = pusher.sync().lrange("lettuce:dst", 0, -1);
      assertThat(dst).containsExactly("y");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
  }
}
