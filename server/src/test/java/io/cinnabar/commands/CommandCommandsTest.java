package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** COMMAND and its subcommands; expected replies are redis-server 7.0.15's. */
class CommandCommandsTest {
  static TestServer server;
  static RespClient c;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    c = server.client();
  }

  @AfterAll
  static void stop() {
    c.close();
    server.close();
  }

  @Test
  void countAndListAgree() {
    String count = c.call("COMMAND", "COUNT");
    int n = server.server.context().commands.size();
    assertThat(count).isEqualTo(":" + n + "\r\n");
    assertThat(c.call("COMMAND")).startsWith("*" + n + "\r\n");
    assertThat(c.call("COMMAND", "INFO")).startsWith("*" + n + "\r\n");
    assertThat(c.call("COMMAND", "COUNT", "x"))
        .isEqualTo("-ERR wrong number of arguments for 'command|count' command\r\n");
  }

  @Test
  void infoOfKnownUnknownAndSubcommands() {
    assertThat(c.call("COMMAND", "INFO", "ping", "nosuch"))
        .isEqualTo(
            "*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n"
                + "+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\n"
                + "response_policy:all_succeeded\r\n*0\r\n*0\r\n$-1\r\n");
    assertThat(c.call("COMMAND", "INFO", "CLIENT|ID"))
        .isEqualTo(
            "*1\r\n*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n"
                + ":0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  }

  @Test
  void infoInResp3UsesSetsAndNull() {
    try (RespClient r = server.client()) {
      r.call("HELLO", "3");
      assertThat(r.call("COMMAND", "INFO", "get", "nosuch"))
          .isEqualTo(
              "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n"
                  + "+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n"
                  + "+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n"
                  + "spec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5"
                  + "\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n"
                  + "$5\r\nlimit\r\n:0\r\n~0\r\n_\r\n");
      assertThat(r.call("COMMAND", "DOCS", "ping"))
          .isEqualTo(
              "%1\r\n$4\r\nping\r\n%4\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince"
                  + "\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n"
                  + "$4\r\nO(1)\r\n");
    }
  }

  @Test
  void docsOfContainerListsSubcommands() {
    String docs = c.call("COMMAND", "DOCS", "command", "nosuch");
    assertThat(docs).startsWith("*2\r\n$7\r\ncommand\r\n*10\r\n$7\r\nsummary\r\n");
    assertThat(docs).contains("$11\r\nsubcommands\r\n*14\r\n$13\r\ncommand|count\r\n*8\r\n");
    assertThat(c.call("COMMAND", "DOCS", "nosuch")).isEqualTo("*0\r\n");
  }

  @Test
  void getKeysAndErrors() {
    assertThat(c.call("COMMAND", "GETKEYS", "set", "a", "b")).isEqualTo("*1\r\n$1\r\na\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "GET", "a")).isEqualTo("*1\r\n$1\r\na\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "del", "a", "b", "c"))
        .isEqualTo("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    assertThat(c.call("COMMAND", "GETKEYSANDFLAGS", "del", "a", "b"))
        .isEqualTo(
            "*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n"
                + "+delete\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "foo", "a"))
        .isEqualTo("-ERR Invalid command specified\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "client", "foo"))
        .isEqualTo("-ERR Invalid command specified\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "get", "a", "b"))
        .isEqualTo("-ERR Invalid number of arguments specified for command\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "client", "list"))
        .isEqualTo("-ERR The command has no key arguments\r\n");
    assertThat(c.call("COMMAND", "GETKEYS", "ping"))
        .isEqualTo("-ERR wrong number of arguments for 'command|getkeys' command\r\n");
  }

  @Test
  void listWithFilters() {
    assertThat(c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "ECH*"))
        .isEqualTo("*1\r\n$4\r\necho\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby", "pattern", "client|l*"))
        .isEqualTo("*1\r\n$11\r\nclient|list\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby", "module", "x")).isEqualTo("*0\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby", "aclcat", "nosuch")).isEqualTo("*0\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby", "aclcat", "CONNECTION"))
        .contains("$9\r\nclient|id\r\n")
        .contains("$4\r\nping\r\n")
        .doesNotContain("$3\r\nget\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby", "foo", "x"))
        .isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("COMMAND", "LIST", "x")).isEqualTo("-ERR syntax error\r\n");
    assertThat(c.call("COMMAND", "LIST", "filterby")).isEqualTo("-ERR syntax error\r\n");
    String all = c.call("COMMAND", "LIST");
    assertThat(all).contains("$7\r\ncommand\r\n").contains("$12\r\ncommand|info\r\n");
  }

  @Test
  void helpAndUnknownSubcommand() {
    assertThat(c.call("COMMAND", "HELP"))
        .startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
        .endsWith("+HELP\r\n+    Prints this help.\r\n");
    assertThat(c.call("COMMAND", "foo"))
        .isEqualTo("-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
  }
}
