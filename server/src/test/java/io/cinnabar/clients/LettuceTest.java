package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.testkit.TestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce 6 against Cinnabar in RESP2 and RESP3 (Lettuce's handshake sends HELLO, then CLIENT
 * SETINFO), through the sync and async APIs. Client resources are shut down after the tests.
 */
class LettuceTest {
  private static TestServer server;
  private static ClientResources resources;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisURI uri =
        RedisURI.builder()
            .withHost("127.0.0.1")
            .withPort(server.port())
            .withTimeout(Duration.ofSeconds(10))
            .build();
    client = RedisClient.create(resources, uri);
  }

  @AfterAll
  static void stop() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    } finally {
      server.close();
    }
  }

  private static StatefulRedisConnection<String, String> connect(ProtocolVersion v) {
    client.setOptions(ClientOptions.builder().protocolVersion(v).build());
    return client.connect();
  }

  private static String key(ProtocolVersion v, String name) {
    return "lettuce:" + v + ":" + name;
  }

  @Test
  void defaultOptionsNegotiateResp3() {
    client.setOptions(ClientOptions.create());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().ping()).isEqualTo("PONG");
      assertThat(c.sync().set("lettuce:default", "x")).isEqualTo("OK");
      assertThat(c.sync().get("lettuce:default")).isEqualTo("x");
      assertThat(c.sync().del("lettuce:default")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void basicCommands(ProtocolVersion v) {
    try (StatefulRedisConnection<String, String> c = connect(v)) {
      RedisCommands<String, String> r = c.sync();
      assertThat(r.ping()).isEqualTo("PONG");
      assertThat(r.echo("hello")).isEqualTo("hello");
      String k = key(v, "basic");
      assertThat(r.set(k, "v1")).isEqualTo("OK");
      assertThat(r.get(k)).isEqualTo("v1");
      assertThat(r.exists(k)).isEqualTo(1);
      assertThat(r.del(k, k + "missing")).isEqualTo(1);
      assertThat(r.exists(k)).isZero();
      assertThat(r.get(k)).isNull();
      assertThat(r.select(2)).isEqualTo("OK");
      assertThat(r.set(k, "in2")).isEqualTo("OK");
      assertThat(r.select(0)).isEqualTo("OK");
      assertThat(r.get(k)).isNull();
      assertThatThrownBy(() -> r.select(1000))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessage("ERR DB index is out of range");
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void asyncWithManyConcurrentFutures(ProtocolVersion v) throws Exception {
    try (StatefulRedisConnection<String, String> c = connect(v)) {
      RedisAsyncCommands<String, String> a = c.async();
      int n = 5000;
      List<RedisFuture<String>> sets = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        sets.add(a.set(key(v, "async" + i), "value" + i));
      }
      assertThat(
              LettuceFutures.awaitAll(Duration.ofSeconds(30), sets.toArray(new RedisFuture<?>[0])))
          .isTrue();
      List<RedisFuture<String>> gets = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        gets.add(a.get(key(v, "async" + i)));
      }
      LettuceFutures.awaitAll(Duration.ofSeconds(30), gets.toArray(new RedisFuture<?>[0]));
      for (int i = 0; i < n; i++) {
        assertThat(sets.get(i).get()).isEqualTo("OK");
        assertThat(gets.get(i).get()).isEqualTo("value" + i);
      }
      String[] keys = new String[n];
      for (int i = 0; i < n; i++) {
        keys[i] = key(v, "async" + i);
      }
      assertThat(c.sync().del(keys)).isEqualTo(n);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void pipelineWithManualFlush(ProtocolVersion v) throws Exception {
    try (StatefulRedisConnection<String, String> c = connect(v)) {
      c.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> a = c.async();
      List<RedisFuture<?>> futures = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        futures.add(
            i % 2 == 0 ? a.set(key(v, "pl" + i / 2), "x" + i) : a.get(key(v, "pl" + i / 2)));
      }
      c.flushCommands();
      assertThat(
              LettuceFutures.awaitAll(
                  Duration.ofSeconds(30), futures.toArray(new RedisFuture<?>[0])))
          .isTrue();
      for (int i = 1; i < 1000; i += 2) {
        assertThat(futures.get(i).get()).isEqualTo("x" + (i - 1));
      }
      c.setAutoFlushCommands(true);
      assertThat(c.sync().ping()).isEqualTo("PONG");
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void binaryAndLargeValues(ProtocolVersion v) {
    client.setOptions(ClientOptions.builder().protocolVersion(v).build());
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisCommands<byte[], byte[]> r = c.sync();
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      byte[] k = concat(key(v, "bin:").getBytes(), all);
      assertThat(r.set(k, all)).isEqualTo("OK");
      assertThat(r.get(k)).isEqualTo(all);
      for (int i = 0; i < 256; i++) {
        byte[] one = {(byte) i, (byte) (255 - i)};
        assertThat(r.set(one, one)).isEqualTo("OK");
        assertThat(r.get(one)).isEqualTo(one);
        assertThat(r.del(one)).isEqualTo(1);
      }
      byte[] big = new byte[1 << 20];
      new Random(7).nextBytes(big);
      assertThat(r.set(k, big)).isEqualTo("OK");
      assertThat(r.get(k)).isEqualTo(big);
      assertThat(r.echo(big)).isEqualTo(big);
      assertThat(r.del(k)).isEqualTo(1);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
