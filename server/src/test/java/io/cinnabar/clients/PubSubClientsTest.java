package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.TestServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisProtocol;

/** Jedis's JedisPubSub and Lettuce's pub/sub connection against Cinnabar, in RESP2 and RESP3. */
class PubSubClientsTest {
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
  void jedisPubSub(RedisProtocol p) throws Exception {
    String ch = "jedis:" + p;
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(2);
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String channel, int count) {
            subscribed.countDown();
          }

          @Override
          public void onPSubscribe(String pattern, int count) {
            subscribed.countDown();
          }

          @Override
          public void onMessage(String channel, String message) {
            got.add("message " + channel + " " + message);
          }

          @Override
          public void onPMessage(String pattern, String channel, String message) {
            got.add("pmessage " + pattern + " " + channel + " " + message);
            if (message.equals("bye")) {
              punsubscribe();
              unsubscribe();
            }
          }
        };
    try (Jedis sub = jedis(p);
        Jedis pub = jedis(p)) {
      Thread t =
          new Thread(
              () -> {
                sub.subscribe(listener, ch);
              });
      t.start();
      assertThat(awaitSub(listener, subscribed)).isTrue();
      assertThat(pub.publish(ch, "hi")).isEqualTo(2);
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("message " + ch + " hi");
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("pmessage jedis:* " + ch + " hi");
      assertThat(pub.pubsubNumSub(ch)).containsEntry(ch, 1L);
      assertThat(pub.publish(ch, "bye")).isEqualTo(2);
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(listener.isSubscribed()).isFalse();
      assertThat(sub.ping()).isEqualTo("PONG"); // back to normal mode
    }
  }

  /** Waits for the SUBSCRIBE confirmation, then adds a pattern from the publishing thread. */
  private static boolean awaitSub(JedisPubSub l, CountDownLatch latch) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (latch.getCount() == 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    l.psubscribe("jedis:*");
    return latch.await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void lettucePubSub(ProtocolVersion v) throws Exception {
    lettuce.setOptions(ClientOptions.builder().protocolVersion(v).build());
    String ch = "lettuce:" + v;
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    try (StatefulRedisPubSubConnection<String, String> sub = lettuce.connectPubSub();
        StatefulRedisConnection<String, String> pub = lettuce.connect()) {
      sub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              got.add("message " + channel + " " + message);
            }

            @Override
            public void message(String pattern, String channel, String message) {
              got.add("pmessage " + pattern + " " + channel + " " + message);
            }
          });
      sub.sync().subscribe(ch);
      sub.sync().psubscribe("lettuce:*");
      if (v == ProtocolVersion.RESP3) {
        assertThat(sub.sync().ping()).isEqualTo("PONG"); // RESP2 gets ["pong", ""], as Redis
      }
      assertThat(pub.sync().publish(ch, "hi")).isEqualTo(2);
      String a = got.poll(10, TimeUnit.SECONDS);
      String b = got.poll(10, TimeUnit.SECONDS);
      assertThat(new String[] {a, b})
          .containsExactlyInAnyOrder("message " + ch + " hi", "pmessage lettuce:* " + ch + " hi");
      assertThat(pub.sync().pubsubChannels("lettuce:*")).contains(ch);
      assertThat(pub.sync().pubsubNumpat()).isEqualTo(1);
      sub.sync().unsubscribe(ch);
      sub.sync().punsubscribe("lettuce:*");
      assertThat(pub.sync().publish(ch, "gone")).isZero();
    }
  }
}
