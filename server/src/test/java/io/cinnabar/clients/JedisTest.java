package io.cinnabar.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.testkit.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Jedis 5 against Cinnabar, in RESP2 and RESP3. Jedis's connection setup sends CLIENT SETINFO (and
 * HELLO 3 for RESP3) and must work whether or not those commands are implemented.
 */
class JedisTest {
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

  private static String key(RedisProtocol p, String name) {
    return "jedis:" + p + ":" + name;
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void basicCommands(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      assertThat(j.ping()).isEqualTo("PONG");
      assertThat(j.echo("hello")).isEqualTo("hello");
      String k = key(p, "basic");
      assertThat(j.set(k, "v1")).isEqualTo("OK");
      assertThat(j.get(k)).isEqualTo("v1");
      assertThat(j.exists(k)).isTrue();
      assertThat(j.del(k)).isEqualTo(1);
      assertThat(j.exists(k)).isFalse();
      assertThat(j.get(k)).isNull();
      assertThat(j.del(k)).isZero();
      assertThatThrownBy(() -> j.sendCommand(() -> "NOSUCHCMD".getBytes()))
          .isInstanceOf(JedisDataException.class)
          .hasMessageStartingWith("ERR unknown command 'NOSUCHCMD'");
    }
  }

  @Test
  void defaultConfigurationConnects() {
    // No protocol set: no HELLO, but CLIENT SETINFO lib-name/lib-ver is sent on connect.
    try (Jedis j = new Jedis("127.0.0.1", server.port())) {
      assertThat(j.ping()).isEqualTo("PONG");
      assertThat(j.set("jedis:default", "x")).isEqualTo("OK");
      assertThat(j.get("jedis:default")).isEqualTo("x");
      assertThat(j.del("jedis:default")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void selectKeepsDatabasesApart(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      String k = key(p, "select");
      j.select(3);
      j.set(k, "in3");
      j.select(4);
      assertThat(j.get(k)).isNull();
      j.select(3);
      assertThat(j.get(k)).isEqualTo("in3");
      assertThat(j.del(k)).isEqualTo(1);
      assertThatThrownBy(() -> j.select(100))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("ERR DB index is out of range");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void pipelineOfThousandCommands(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      Pipeline pl = j.pipelined();
      List<Response<String>> sets = new ArrayList<>();
      List<Response<String>> gets = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        sets.add(pl.set(key(p, "pl" + i), "value" + i));
        gets.add(pl.get(key(p, "pl" + i)));
      }
      pl.sync();
      for (int i = 0; i < 500; i++) {
        assertThat(sets.get(i).get()).isEqualTo("OK");
        assertThat(gets.get(i).get()).isEqualTo("value" + i);
      }
      String[] keys = new String[500];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = key(p, "pl" + i);
      }
      assertThat(j.exists(keys)).isEqualTo(500);
      assertThat(j.del(keys)).isEqualTo(500);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void binaryKeysAndValuesWithEveryByte(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      byte[] k = concat(key(p, "bin:").getBytes(), all);
      assertThat(j.set(k, all)).isEqualTo("OK");
      assertThat(j.get(k)).isEqualTo(all);
      for (int i = 0; i < 256; i++) {
        byte[] one = {(byte) i};
        assertThat(j.set(one, concat(one, one))).isEqualTo("OK");
      }
      for (int i = 0; i < 256; i++) {
        byte[] one = {(byte) i};
        assertThat(j.get(one)).isEqualTo(concat(one, one));
        assertThat(j.del(one)).isEqualTo(1);
      }
      assertThat(j.echo(all)).isEqualTo(all);
      assertThat(j.del(k)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void largeValues(RedisProtocol p) {
    try (Jedis j = connect(p)) {
      byte[] big = new byte[1 << 20];
      new Random(42).nextBytes(big);
      byte[] k = key(p, "big").getBytes();
      assertThat(j.set(k, big)).isEqualTo("OK");
      assertThat(j.get(k)).isEqualTo(big);
      byte[] bigger = Arrays.copyOf(big, 3 << 20);
      assertThat(j.set(k, bigger)).isEqualTo("OK");
      assertThat(j.get(k)).isEqualTo(bigger);
      assertThat(j.del(k)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisProtocol.class)
  void manyConnectionsAtOnce(RedisProtocol p) {
    List<Jedis> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        clients.add(connect(p));
      }
      for (int i = 0; i < clients.size(); i++) {
        clients.get(i).set(key(p, "conn" + i), Integer.toString(i));
      }
      for (int i = 0; i < clients.size(); i++) {
        Jedis other = clients.get((i + 1) % clients.size());
        assertThat(other.get(key(p, "conn" + i))).isEqualTo(Integer.toString(i));
        assertThat(other.del(key(p, "conn" + i))).isEqualTo(1);
      }
    } finally {
      clients.forEach(Jedis::close);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
