package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** DEBUG; expected replies (digests included) are redis-server 7.0.15's for the same data. */
class DebugCommandsTest {
  @Test
  void disabledByDefault() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("DEBUG", "SLEEP", "0"))
          .isEqualTo(
              "-ERR DEBUG command not allowed. If the enable-debug-command option is set to"
                  + " \"local\", you can run it from a local connection, otherwise you need to set"
                  + " this option in the configuration file, and then restart the server.\r\n");
    }
    try (TestServer s = TestServer.start("enable-debug-command", "local");
        RespClient c = s.client()) {
      assertThat(c.call("DEBUG", "SLEEP", "0")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void populateDigestAndObject() {
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("DEBUG", "DIGEST"))
          .isEqualTo("+0000000000000000000000000000000000000000\r\n");
      assertThat(c.call("DEBUG", "POPULATE", "3")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "key:1")).isEqualTo("$7\r\nvalue:1\r\n");
      assertThat(c.call("DEBUG", "DIGEST"))
          .isEqualTo("+f25db52166a7d712fb7362fd197165342e2b7442\r\n");
      assertThat(c.call("DEBUG", "DIGEST-VALUE", "key:1", "nokey"))
          .isEqualTo(
              "*2\r\n+ec4b7bec343ec862c8bd5dd8feab05ec1e9e6703\r\n"
                  + "+0000000000000000000000000000000000000000\r\n");
      assertThat(c.call("DEBUG", "POPULATE", "2", "q", "3")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "q:1")).isEqualTo("$3\r\nval\r\n");
      assertThat(c.call("DEBUG", "POPULATE", "2", "big", "100")).isEqualTo("+OK\r\n");
      assertThat(c.call("DEBUG", "DIGEST"))
          .isEqualTo("+e3743c1f83cf0ee5a728b19e5d2b42cc3184641c\r\n");
      assertThat(c.call("DEBUG", "POPULATE", "-1"))
          .isEqualTo("-ERR value is out of range, must be positive\r\n");
      assertThat(c.call("DEBUG", "POPULATE", "x"))
          .isEqualTo("-ERR value is out of range, must be positive\r\n");
      assertThat(c.call("DEBUG", "OBJECT", "key:0"))
          .matches(
              "\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:8 lru:\\d+"
                  + " lru_seconds_idle:\\d+\r\n");
      assertThat(c.call("DEBUG", "OBJECT", "big:1")).contains(" encoding:raw ");
      assertThat(c.call("DEBUG", "OBJECT", "nokey")).isEqualTo("-ERR no such key\r\n");
    }
  }

  @Test
  void digestCoversDbsAndExpires() {
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client()) {
      c.call("SET", "n", "123");
      c.call("SET", "s", "hello", "EX", "100");
      c.call("SELECT", "3");
      c.call("SET", "x", "y");
      assertThat(c.call("DEBUG", "DIGEST"))
          .isEqualTo("+65cab2dfa5bde5b4406b0b4630b950f15187388a\r\n");
    }
  }

  @Test
  void errorsSleepAndActiveExpire() {
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("DEBUG", "foo"))
          .isEqualTo(
              "-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG"
                  + " HELP.\r\n");
      assertThat(c.call("DEBUG", "sleep"))
          .isEqualTo(
              "-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG"
                  + " HELP.\r\n");
      assertThat(c.call("DEBUG", "digest", "x")).startsWith("-ERR unknown subcommand");
      long t0 = System.nanoTime();
      assertThat(c.call("DEBUG", "SLEEP", "0.2")).isEqualTo("+OK\r\n");
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(190);
      assertThat(c.call("DEBUG", "SLEEP", "x")).isEqualTo("+OK\r\n");
      assertThat(c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")).isEqualTo("+OK\r\n");
      assertThat(s.server.context().activeExpireEnabled()).isFalse();
      assertThat(c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")).isEqualTo("+OK\r\n");
      assertThat(s.server.context().activeExpireEnabled()).isTrue();
      assertThat(c.call("DEBUG", "HELP")).startsWith("*22\r\n+DEBUG <subcommand>");
    }
  }
}
