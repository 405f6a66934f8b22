package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connection and server commands; expected replies are redis-server 7.0.15's. */
class ServerCommandsTest {
  private static final String HELLO_TAIL =
      "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

  @Test
  void pingEchoQuit() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("PING", "a")).isEqualTo("$1\r\na\r\n");
      assertThat(c.call("PING", "a", "b"))
          .isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
      assertThat(c.call("ECHO", "x")).isEqualTo("$1\r\nx\r\n");
      assertThat(c.call("QUIT", "x", "y")).isEqualTo("+OK\r\n");
      assertThat(c.isClosedByServer(5000)).isTrue();
    }
  }

  @Test
  void helloReplies() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      String id = c.call("CLIENT", "ID").trim().substring(1);
      assertThat(c.call("HELLO", "2", "SETNAME", "ab"))
          .isEqualTo(
              "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\n"
                  + "proto\r\n:2\r\n$2\r\nid\r\n:"
                  + id
                  + "\r\n"
                  + HELLO_TAIL);
      assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$2\r\nab\r\n");
      assertThat(c.call("HELLO", "3", "AUTH", "default", "x"))
          .isEqualTo(
              "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\n"
                  + "proto\r\n:3\r\n$2\r\nid\r\n:"
                  + id
                  + "\r\n"
                  + HELLO_TAIL);
      assertThat(c.call("HELLO", "1")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
      assertThat(c.call("HELLO", "x"))
          .isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
      assertThat(c.call("HELLO", "3", "auth", "default"))
          .isEqualTo("-ERR Syntax error in HELLO option 'auth'\r\n");
      assertThat(c.call("HELLO", "2", "setname", "a", "b"))
          .isEqualTo("-ERR Syntax error in HELLO option 'b'\r\n");
      assertThat(c.call("HELLO", "3", "auth", "nouser", "x"))
          .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    }
  }

  @Test
  void authWithAndWithoutPassword() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("AUTH", "x"))
          .isEqualTo(
              "-ERR AUTH <password> called without any password configured for the default user."
                  + " Are you sure your configuration is correct?\r\n");
      assertThat(c.call("AUTH", "a", "b"))
          .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
      assertThat(c.call("AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
    }
    try (TestServer s = TestServer.start("requirepass", "pw");
        RespClient c = s.client()) {
      assertThat(c.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
      assertThat(c.call("HELLO", "3"))
          .isEqualTo(
              "-NOAUTH HELLO must be called with the client already authenticated, otherwise the"
                  + " HELLO AUTH <user> <pass> option can be used to authenticate the client and"
                  + " select the RESP protocol version at the same time\r\n");
      assertThat(c.call("AUTH", "x"))
          .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
      assertThat(c.call("AUTH", "pw")).isEqualTo("+OK\r\n");
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
      assertThat(c.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
      assertThat(c.call("AUTH", "default", "pw")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void resetRestoresConnectionState() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("HELLO", "3", "SETNAME", "n");
      c.call("SELECT", "2");
      c.call("SET", "a", "b");
      assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
      assertThat(c.call("GET", "a")).isEqualTo("$-1\r\n");
      assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
      assertThat(c.call("RESET", "x"))
          .isEqualTo("-ERR wrong number of arguments for 'reset' command\r\n");
    }
  }

  @Test
  void selectAndSwapdb() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("SELECT", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("SELECT", "16")).isEqualTo("-ERR DB index is out of range\r\n");
      assertThat(c.call("SELECT", "-1")).isEqualTo("-ERR DB index is out of range\r\n");
      assertThat(c.call("SWAPDB", "a", "1")).isEqualTo("-ERR invalid first DB index\r\n");
      assertThat(c.call("SWAPDB", "1", "a")).isEqualTo("-ERR invalid second DB index\r\n");
      assertThat(c.call("SWAPDB", "0", "16")).isEqualTo("-ERR DB index is out of range\r\n");
      assertThat(c.call("SWAPDB", "0")).startsWith("-ERR wrong number of arguments");
      c.call("SET", "k", "v");
      assertThat(c.call("SWAPDB", "0", "1")).isEqualTo("+OK\r\n");
      assertThat(c.call("DBSIZE")).isEqualTo(":0\r\n");
      assertThat(c.call("SELECT", "1")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
    }
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("SELECT", "0")).isEqualTo("+OK\r\n");
      assertThat(c.call("SELECT", "1")).isEqualTo("-ERR SELECT is not allowed in cluster mode\r\n");
      assertThat(c.call("SWAPDB", "0", "1"))
          .isEqualTo("-ERR SWAPDB is not allowed in cluster mode\r\n");
    }
  }

  @Test
  void flushAndDbsize() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      c.call("SELECT", "1");
      c.call("SET", "b", "1");
      assertThat(c.call("DBSIZE")).isEqualTo(":1\r\n");
      assertThat(c.call("FLUSHDB", "x")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("FLUSHDB", "ASYNC")).isEqualTo("+OK\r\n");
      assertThat(c.call("DBSIZE")).isEqualTo(":0\r\n");
      c.call("SELECT", "0");
      assertThat(c.call("DBSIZE")).isEqualTo(":1\r\n");
      assertThat(c.call("FLUSHALL", "sync", "x")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("FLUSHALL", "SYNC")).isEqualTo("+OK\r\n");
      assertThat(c.call("DBSIZE")).isEqualTo(":0\r\n");
      assertThat(c.call("DBSIZE", "x"))
          .isEqualTo("-ERR wrong number of arguments for 'dbsize' command\r\n");
    }
  }

  @Test
  void timeAndLastsave() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      long before = System.currentTimeMillis() / 1000;
      String t = c.call("TIME");
      assertThat(t).matches("\\*2\r\n\\$10\r\n\\d{10}\r\n\\$\\d\r\n\\d{1,6}\r\n");
      long secs = Long.parseLong(t.split("\r\n")[2]);
      assertThat(secs).isBetween(before, before + 5);
      assertThat(c.call("LASTSAVE")).matches(":\\d{10}\r\n");
    }
  }

  @Test
  void shutdownErrorsAndShutdown() throws Exception {
    TestServer s = TestServer.start();
    try (RespClient c = s.client()) {
      assertThat(c.call("SHUTDOWN", "foo")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("SHUTDOWN", "nosave", "save")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("SHUTDOWN", "abort", "now")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
      c.send("SHUTDOWN", "NOSAVE");
      assertThat(c.isClosedByServer(10_000)).isTrue();
      s.server.terminated().get(10, TimeUnit.SECONDS);
    } finally {
      s.close();
    }
  }
}
