package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.config.ConfigFile;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandsTest {
  @TempDir Path tmp;

  private static String bulk(String s) {
    return "$" + s.length() + "\r\n" + s + "\r\n";
  }

  @Test
  void getSingleAliasAndPatterns() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CONFIG", "GET", "maxmemory"))
          .isEqualTo("*2\r\n" + bulk("maxmemory") + bulk("0"));
      assertThat(c.call("CONFIG", "GET", "SLAVE-READ-ONLY"))
          .isEqualTo("*2\r\n" + bulk("SLAVE-READ-ONLY") + bulk("yes"));
      assertThat(c.call("CONFIG", "GET", "maxmemory", "MAXMEMORY"))
          .isEqualTo("*2\r\n" + bulk("maxmemory") + bulk("0"));
      assertThat(c.call("CONFIG", "GET", "nonexistent")).isEqualTo("*0\r\n");
      assertThat(c.call("CONFIG", "GET", "*read-only*"))
          .isEqualTo(
              "*4\r\n"
                  + bulk("replica-read-only")
                  + bulk("yes")
                  + bulk("slave-read-only")
                  + bulk("yes"));
      assertThat(c.call("CONFIG", "GET", "*exit*")).isEqualTo("*0\r\n");
      assertThat(c.call("CONFIG", "GET"))
          .isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
      c.call("HELLO", "3");
      assertThat(c.call("CONFIG", "GET", "hz")).isEqualTo("%1\r\n" + bulk("hz") + bulk("10"));
    }
  }

  @Test
  void setIsAtomicWithRedisErrors() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CONFIG", "SET", "foo", "bar"))
          .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
      assertThat(c.call("CONFIG", "SET", "daemonize", "yes"))
          .isEqualTo(
              "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set"
                  + " immutable config\r\n");
      assertThat(c.call("CONFIG", "SET", "dir", "/tmp"))
          .isEqualTo(
              "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected"
                  + " config\r\n");
      assertThat(c.call("CONFIG", "SET", "maxmemory", "10mb", "MAXMEMORY", "20mb"))
          .isEqualTo(
              "-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate"
                  + " parameter\r\n");
      assertThat(c.call("CONFIG", "SET", "maxmemory", "10mb", "hz", "abc"))
          .isEqualTo(
              "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be"
                  + " parsed into an integer\r\n");
      assertThat(c.call("CONFIG", "GET", "maxmemory"))
          .isEqualTo("*2\r\n" + bulk("maxmemory") + bulk("0"));
      assertThat(c.call("CONFIG", "SET", "maxmemory", "a", "b")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CONFIG", "SET", "maxmemory", "10mb", "hz", "20", "save", "10 1"))
          .isEqualTo("+OK\r\n");
      assertThat(s.config.maxmemory).isEqualTo(10L * 1024 * 1024);
      assertThat(s.config.hz).isEqualTo(20);
      assertThat(c.call("CONFIG", "GET", "save")).isEqualTo("*2\r\n" + bulk("save") + bulk("10 1"));
      assertThat(c.call("CONFIG", "SET", "replica-read-only", "no", "slave-read-only", "yes"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("CONFIG", "SET", "port", Integer.toString(s.port()))).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void protectedConfigsWhenEnabled() {
    try (TestServer s = TestServer.start("enable-protected-configs", "local");
        RespClient c = s.client()) {
      assertThat(c.call("CONFIG", "SET", "dir", tmp.toString())).isEqualTo("+OK\r\n");
      assertThat(s.config.dirPath()).isEqualTo(tmp);
      assertThat(c.call("CONFIG", "SET", "dir", tmp.resolve("nope").toString()))
          .isEqualTo(
              "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or"
                  + " directory\r\n");
    }
  }

  @Test
  void helpResetstatAndRewrite() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CONFIG", "HELP"))
          .startsWith("*11\r\n+CONFIG <subcommand>")
          .endsWith("+    Prints this help.\r\n");
      assertThat(c.call("CONFIG", "REWRITE"))
          .isEqualTo("-ERR The server is running without a config file\r\n");
      c.call("PING");
      c.call("NOSUCHCOMMAND");
      assertThat(c.call("CONFIG", "RESETSTAT")).isEqualTo("+OK\r\n");
      assertThat(s.server.context().stats.totalErrorReplies).isZero();
      assertThat(s.server.context().commands.get("ping").stats.calls).isZero();
      assertThat(c.call("CONFIG", "FOO"))
          .isEqualTo("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");

      Path f = tmp.resolve("s.conf");
      Files.writeString(f, "# keep me\nhz 15\n");
      s.config.setConfigFile(f);
      ConfigFile.load(s.config, f);
      assertThat(c.call("CONFIG", "SET", "hz", "11", "maxmemory", "3mb")).isEqualTo("+OK\r\n");
      assertThat(c.call("CONFIG", "REWRITE")).isEqualTo("+OK\r\n");
      String text = Files.readString(f);
      assertThat(text).startsWith("# keep me\nhz 11\n\n# Generated by CONFIG REWRITE\n");
      assertThat(text).contains("\nmaxmemory 3mb\n");
    }
  }
}
