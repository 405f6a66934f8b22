package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** MIGRATE between standalone servers, and against a scripted fake target. */
class MigrateCommandTest {
  private static final String OK = "+OK\r\n";

  @Test
  void movesCopiesAndReplacesKeys() {
    try (TestServer src = TestServer.start();
        TestServer dst = TestServer.start();
        RespClient s = src.client();
        RespClient d = dst.client()) {
      String port = Integer.toString(dst.port());
      assertThat(s.call("SET", "k", "v", "PX", "100000")).isEqualTo(OK);
      assertThat(s.call("RPUSH", "l", "a", "b", "c")).isEqualTo(":3\r\n");
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "k", "0", "5000")).isEqualTo(OK);
      assertThat(s.call("EXISTS", "k")).isEqualTo(":0\r\n");
      assertThat(d.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
      long ttl = Long.parseLong(d.call("PTTL", "k").substring(1).trim());
      assertThat(ttl).isBetween(1L, 100000L);
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "k", "0", "5000")).isEqualTo("+NOKEY\r\n");
      // COPY keeps the source; the target refuses to overwrite without REPLACE
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "l", "0", "5000", "COPY")).isEqualTo(OK);
      assertThat(s.call("LLEN", "l")).isEqualTo(":3\r\n");
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "l", "0", "5000", "COPY"))
          .isEqualTo(
              "-ERR Target instance replied with error: BUSYKEY Target key name already"
                  + " exists.\r\n");
      assertThat(s.call("RPUSH", "l", "d")).isEqualTo(":4\r\n");
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "l", "0", "5000", "REPLACE")).isEqualTo(OK);
      assertThat(d.call("LRANGE", "l", "0", "-1"))
          .isEqualTo("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
      // KEYS into another database; missing keys are skipped
      assertThat(s.call("MSET", "a", "1", "b", "2")).isEqualTo(OK);
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "", "3", "5000", "KEYS", "a", "nokey", "b"))
          .isEqualTo(OK);
      assertThat(s.call("DBSIZE")).isEqualTo(":0\r\n");
      assertThat(d.call("SELECT", "3")).isEqualTo(OK);
      assertThat(d.call("MGET", "a", "b")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
      assertThat(s.call("SET", "c", "3")).isEqualTo(OK);
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "c", "99", "5000"))
          .isEqualTo("-ERR Target instance replied with error: ERR DB index is out of range\r\n");
      assertThat(s.call("GET", "c")).isEqualTo("$1\r\n3\r\n");
      // one cached connection to the target, reused
      assertThat(s.call("INFO", "stats")).contains("migrate_cached_sockets:1\r\n");
    }
  }

  @Test
  void argumentErrorsAsRedis() {
    try (TestServer src = TestServer.start();
        RespClient s = src.client()) {
      assertThat(s.call("SET", "k", "v")).isEqualTo(OK);
      String syntax = "-ERR syntax error\r\n";
      assertThat(s.call("MIGRATE", "h", "1", "k", "0", "10", "AUTH")).isEqualTo(syntax);
      assertThat(s.call("MIGRATE", "h", "1", "k", "0", "10", "AUTH2", "u")).isEqualTo(syntax);
      assertThat(s.call("MIGRATE", "h", "1", "k", "0", "10", "FOO")).isEqualTo(syntax);
      assertThat(s.call("MIGRATE", "h", "1", "k", "0", "10", "KEYS", "k"))
          .isEqualTo(
              "-ERR When using MIGRATE KEYS option, the key argument must be set to the empty"
                  + " string\r\n");
      assertThat(s.call("MIGRATE", "h", "1", "k", "x", "10"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(s.call("MIGRATE", "h", "1", "k", "0", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(s.call("MIGRATE", "h", "1", "k", "0"))
          .isEqualTo("-ERR wrong number of arguments for 'migrate' command\r\n");
    }
  }

  @Test
  void authenticatesWithTheTarget() {
    try (TestServer src = TestServer.start();
        TestServer dst = TestServer.start("requirepass", "secret");
        RespClient s = src.client()) {
      String port = Integer.toString(dst.port());
      assertThat(s.call("SET", "k", "v")).isEqualTo(OK);
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "k", "0", "5000"))
          .isEqualTo(
              "-ERR Target instance replied with error: NOAUTH Authentication required.\r\n");
      assertThat(s.call("MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH", "wrong"))
          .startsWith("-ERR Target instance replied with error: WRONGPASS");
      assertThat(s.call("EXISTS", "k")).isEqualTo(":1\r\n");
      assertThat(
              s.call("MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH2", "default", "secret"))
          .isEqualTo(OK);
      assertThat(s.call("EXISTS", "k")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void unreachableTargetIsAnIoError() throws Exception {
    int closed = TestServer.freePort();
    try (TestServer src = TestServer.start();
        RespClient s = src.client()) {
      assertThat(s.call("SET", "k", "v")).isEqualTo(OK);
      assertThat(s.call("MIGRATE", "127.0.0.1", Integer.toString(closed), "k", "0", "1000"))
          .isEqualTo("-IOERR error or timeout writing to target instance\r\n");
      assertThat(s.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
    }
  }

  /**
   * The keyspace keeps running while a target is slow; a write to a key in flight waits until the
   * transfer ended, so the deletion of the source copy never drops it. A target that never answers
   * times out.
   */
  @Test
  void otherClientsRunWhileTheTargetIsSlowAndWaitForKeysInFlight() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        TestServer src = TestServer.start();
        RespClient s = src.client();
        RespClient other = src.client()) {
      CountDownLatch answer = new CountDownLatch(1);
      AtomicInteger restores = new AtomicInteger();
      Thread target =
          new Thread(
              () -> {
                try (Socket sock = fake.accept()) {
                  InputStream in = sock.getInputStream();
                  byte[] buf = new byte[65536];
                  // SELECT then one RESTORE: wait for both before (maybe) answering
                  StringBuilder seen = new StringBuilder();
                  while (!seen.toString().contains("RESTORE")
                      || !seen.toString().endsWith("\r\n")) {
                    int n = in.read(buf);
                    if (n < 0) {
                      return;
                    }
                    seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                  }
                  restores.incrementAndGet();
                  if (answer.await(20, TimeUnit.SECONDS)) {
                    sock.getOutputStream()
                        .write("+OK\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    sock.getOutputStream().flush();
                  }
                  while (in.read(buf) >= 0) {
                    // drain until closed
                  }
                } catch (IOException | InterruptedException e) {
                  // test over
                }
              });
      target.setDaemon(true); // ends when the server closes its cached connection
      target.start();
      String port = Integer.toString(fake.getLocalPort());
      assertThat(s.call("MSET", "k", "old", "free", "1")).isEqualTo(OK);
      s.send("MIGRATE", "127.0.0.1", port, "k", "0", "20000");
      Await.until("the target got the RESTORE", 10_000, () -> restores.get() == 1);
      // keys not in flight are served meanwhile; the one in flight waits
      assertThat(other.call("INCR", "free")).isEqualTo(":2\r\n");
      other.send("SET", "k", "new");
      assertThat(other.isClosedByServer(300)).isFalse(); // no reply yet
      answer.countDown();
      assertThat(s.readReply()).isEqualTo(OK);
      assertThat(other.readReply()).isEqualTo(OK);
      assertThat(other.call("GET", "k")).isEqualTo("$3\r\nnew\r\n");
    }
  }

  @Test
  void silentTargetTimesOut() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        TestServer src = TestServer.start();
        RespClient s = src.client()) {
      Thread target =
          new Thread(
              () -> {
                try (Socket sock = fake.accept()) {
                  InputStream in = sock.getInputStream();
                  byte[] buf = new byte[4096];
                  while (in.read(buf) >= 0) {
                    // never answer
                  }
                } catch (IOException e) {
                  // test over
                }
              });
      target.setDaemon(true);
      target.start();
      assertThat(s.call("SET", "k", "v")).isEqualTo(OK);
      long start = System.nanoTime();
      assertThat(
              s.call(
                  "MIGRATE", "127.0.0.1", Integer.toString(fake.getLocalPort()), "k", "0", "300"))
          .isEqualTo("-IOERR error or timeout reading to target instance\r\n");
      assertThat(System.nanoTime() - start).isGreaterThan(250_000_000L);
      assertThat(s.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
      // the failed connection is not kept
      assertThat(s.call("INFO", "stats")).contains("migrate_cached_sockets:0\r\n");
    }
  }
}
