package io.cinnabar.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Network limits: maxclients, timeout, proto-max-bulk-len, query and output buffer limits. */
class LimitsTest {
  @Test
  void maxclientsRefusesWithRedisError() {
    try (TestServer s = TestServer.start("maxclients", "2");
        RespClient a = s.client();
        RespClient b = s.client()) {
      assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(b.call("PING")).isEqualTo("+PONG\r\n");
      try (RespClient c = s.client()) {
        assertThat(c.readReply()).isEqualTo("-ERR max number of clients reached\r\n");
        assertThat(c.isClosedByServer(5000)).isTrue();
      }
      assertThat(a.call("INFO", "stats")).contains("\r\nrejected_connections:1\r\n");
    }
  }

  @Test
  void idleClientsAreClosedAfterTimeout() {
    try (TestServer s = TestServer.start("timeout", "1");
        RespClient idle = s.client()) {
      assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
      // Closed by the cron once idle for more than a second; the read waits up to 10 s.
      assertThat(idle.isClosedByServer(10_000)).isTrue();
      try (RespClient c = s.client()) {
        assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      }
    }
  }

  @Test
  void bulkLongerThanProtoMaxBulkLenIsAProtocolError() {
    try (TestServer s = TestServer.start("proto-max-bulk-len", "1mb");
        RespClient bad = s.client();
        RespClient good = s.client()) {
      bad.sendRaw("*2\r\n$3\r\nGET\r\n$2000000\r\n");
      assertThat(bad.readReply()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      assertThat(bad.isClosedByServer(5000)).isTrue();
      assertThat(good.call("PING")).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void queryBufferOverTheLimitClosesTheClient() {
    try (TestServer s = TestServer.start("client-query-buffer-limit", "1mb");
        RespClient bad = s.client();
        RespClient good = s.client()) {
      int n = 2 * 1024 * 1024;
      bad.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + n + "\r\n");
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      try {
        for (int sent = 0; sent < n; sent += chunk.length) {
          bad.sendRaw(chunk);
        }
      } catch (RuntimeException closedWhileSending) {
        // The server may close before everything is written.
      }
      assertThat(bad.isClosedByServer(10_000)).isTrue();
      assertThat(good.call("GET", "k")).isEqualTo("$-1\r\n");
      assertThat(good.call("PING")).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void clientOverOutputHardLimitIsClosed() throws Exception {
    try (TestServer s =
            TestServer.start("client-output-buffer-limit", "normal 1mb 0 0 pubsub 0 0 0");
        RespClient setup = s.client();
        java.net.Socket hog = new java.net.Socket("127.0.0.1", s.port());
        RespClient good = s.client()) {
      String big = "x".repeat(512 * 1024);
      assertThat(setup.call("SET", "big", big)).isEqualTo("+OK\r\n");
      hog.setReceiveBufferSize(4096);
      byte[] get = "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] batch = new byte[get.length * 100];
      for (int i = 0; i < 100; i++) {
        System.arraycopy(get, 0, batch, i * get.length, get.length);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      boolean closed = false;
      try {
        while (System.nanoTime() < deadline && !closed) {
          hog.getOutputStream().write(batch);
          hog.getOutputStream().flush();
          closed =
              !setup.call("CLIENT", "LIST").contains(" laddr=127.0.0.1:" + s.port() + " fd")
                  || setup.call("CLIENT", "LIST").split("id=").length - 1 < 3;
          Thread.sleep(10);
        }
      } catch (java.io.IOException e) {
        closed = true;
      }
      assertThat(closed).isTrue();
      assertThat(good.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(good.call("DBSIZE")).isEqualTo(":1\r\n");
    }
  }
}
