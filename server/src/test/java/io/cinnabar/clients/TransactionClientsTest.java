package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.TestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI/EXEC/WATCH through Jedis's Transaction and Lettuce's multi()/exec(), RESP2 and RESP3. */
class TransactionClientsTest {
  private static TestServer server;
  private static ClientResources resources;
  private static RedisClient lettuce;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    lettuce =
        RedisClient.create(
            resources,
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(server.port())
                .withTimeout(Duration.ofSeconds(10))
                .build());
  }

  @AfterAll
  static void stop() {
    try {
      lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    } finally {
      server.close();
    }
  }

  private static Jedis jedis(RedisProtocol p) {
    return new Jedis(
        new HostAndPort("127.0.0.1", server.port()),
        DefaultJedisClientConfig.builder().protocol(p).socketTimeoutMillis(10_000).build());
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void jedisTransaction(RedisProtocol p) {
    String k = "jtx:" + p;
    try (Jedis j = jedis(p);
        Jedis other = jedis(p)) {
      Transaction t = j.multi();
      Response<String> set = t.set(k, "1");
      Response<Long> incr = t.incr(k);
      Response<Long> wrong = t.lpush(k, "x");
      Response<String> get = t.get(k);
      List<Object> results = t.exec();
      assertThat(results).hasSize(4);
      assertThat(set.get()).isEqualTo("OK");
      assertThat(incr.get()).isEqualTo(2L);
      assertThat(results.get(2)).isInstanceOf(JedisDataException.class);
      assertThat(get.get()).isEqualTo("2");

      // WATCH conflict: another client changes the key, EXEC returns null
      j.watch(k);
      other.set(k, "changed");
      Transaction t2 = j.multi();
      t2.set(k, "mine");
      assertThat(t2.exec()).isNull();
      assertThat(j.get(k)).isEqualTo("changed");

      // discard
      Transaction t3 = j.multi();
      t3.set(k, "discarded");
      assertThat(t3.discard()).isEqualTo("OK");
      assertThat(j.get(k)).isEqualTo("changed");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ProtocolVersion.class,
      names = {"RESP2", "RESP3"})
  void lettuceTransaction(ProtocolVersion v) {
    String k = "ltx:" + v;
    lettuce.setOptions(ClientOptions.builder().protocolVersion(v).build());
    try (StatefulRedisConnection<String, String> conn = lettuce.connect();
        StatefulRedisConnection<String, String> otherConn = lettuce.connect()) {
      RedisCommands<String, String> c = conn.sync();
      assertThat(c.multi()).isEqualTo("OK");
      c.set(k, "1");
      c.incr(k);
      c.get(k);
      TransactionResult r = c.exec();
      assertThat(r.wasDiscarded()).isFalse();
      assertThat(r.<String>get(0)).isEqualTo("OK");
      assertThat(r.<Long>get(1)).isEqualTo(2L);
      assertThat(r.<String>get(2)).isEqualTo("2");

      assertThat(c.watch(k)).isEqualTo("OK");
      otherConn.sync().set(k, "changed");
      c.multi();
      c.set(k, "mine");
      TransactionResult aborted = c.exec();
      assertThat(aborted.wasDiscarded()).isTrue();
      assertThat(c.get(k)).isEqualTo("changed");

      c.multi();
      c.set(k, "x");
      assertThat(c.discard()).isEqualTo("OK");
      assertThat(c.get(k)).isEqualTo("changed");
    }
  }
}
