package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** CLIENT subcommands; expected replies are redis-server 7.0.15's. */
class ClientCommandsTest {
  private static final String LINE =
      "id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=-?\\d+ name=%s age=\\d+"
          + " idle=\\d+ flags=%s db=%d sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+"
          + " argv-mem=\\d+ multi-mem=0 rbs=\\d+ rbp=\\d+ obl=\\d+ oll=0 omem=\\d+ tot-mem=\\d+"
          + " events=rw? cmd=%s user=default redir=-1 resp=%d\n";

  @Test
  void nameIdInfoAndList() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient other = s.client()) {
      assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
      assertThat(c.call("CLIENT", "SETNAME", "a b"))
          .isEqualTo(
              "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
      assertThat(c.call("CLIENT", "SETNAME", "ab")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$2\r\nab\r\n");
      assertThat(c.call("CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
      assertThat(c.call("CLIENT", "SETNAME", "me")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "ID")).matches(":\\d+\r\n");
      assertThat(c.call("CLIENT", "ID", "x"))
          .isEqualTo("-ERR wrong number of arguments for 'client|id' command\r\n");
      String info = body(c.call("CLIENT", "INFO"));
      assertThat(info).matches(String.format(LINE, "me", "N", 0, "client\\|info", 2));
      other.call("SELECT", "3");
      String list = body(c.call("CLIENT", "LIST"));
      assertThat(list.split("\n")).hasSize(2);
      assertThat(list).contains(" db=3 ").contains("cmd=select");
      assertThat(body(c.call("CLIENT", "LIST", "TYPE", "normal")).split("\n")).hasSize(2);
      assertThat(c.call("CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo("$0\r\n\r\n");
      assertThat(c.call("CLIENT", "LIST", "TYPE", "foo"))
          .isEqualTo("-ERR Unknown client type 'foo'\r\n");
      assertThat(c.call("CLIENT", "LIST", "ID", "x")).isEqualTo("-ERR Invalid client ID\r\n");
      assertThat(c.call("CLIENT", "LIST", "ID")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CLIENT", "LIST", "foo")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CLIENT", "LIST", "ID", "0", "99999")).isEqualTo("$0\r\n\r\n");
      String id = c.call("CLIENT", "ID").trim().substring(1);
      assertThat(body(c.call("CLIENT", "LIST", "ID", id))).startsWith("id=" + id + " ");
      c.call("HELLO", "3");
      String v = c.call("CLIENT", "INFO");
      assertThat(v).startsWith("=").contains("txt:id=" + id + " ").contains(" resp=3\n");
    }
  }

  private static String body(String bulk) {
    return bulk.substring(bulk.indexOf("\r\n") + 2, bulk.length() - 2);
  }

  @Test
  void setinfoAsRedis72() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CLIENT", "SETINFO", "LIB-NAME", "jedis")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "SETINFO", "lib-ver", "5.2.0")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "SETINFO", "foo", "x"))
          .isEqualTo("-ERR Unrecognized option 'foo'\r\n");
      assertThat(c.call("CLIENT", "SETINFO", "lib-name", "a b"))
          .isEqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void killOldAndNewForms() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        RespClient victim = s.client();
        RespClient bystander = s.client()) {
      String vid = victim.call("CLIENT", "ID").trim().substring(1);
      String vinfo = body(victim.call("CLIENT", "INFO"));
      String vaddr = vinfo.split(" ")[1].substring(5);
      assertThat(c.call("CLIENT", "KILL", "1.2.3.4:5")).isEqualTo("-ERR No such client\r\n");
      assertThat(c.call("CLIENT", "KILL", "ID", "x"))
          .isEqualTo("-ERR client-id should be greater than 0\r\n");
      assertThat(c.call("CLIENT", "KILL", "TYPE", "foo"))
          .isEqualTo("-ERR Unknown client type 'foo'\r\n");
      assertThat(c.call("CLIENT", "KILL", "SKIPME", "x")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CLIENT", "KILL", "USER", "nouser"))
          .isEqualTo("-ERR No such user 'nouser'\r\n");
      assertThat(c.call("CLIENT", "KILL", "MAXAGE", "1")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CLIENT", "KILL", "ID", "99999")).isEqualTo(":0\r\n");
      assertThat(c.call("CLIENT", "KILL", "ID", vid)).isEqualTo(":1\r\n");
      assertThat(victim.isClosedByServer(5000)).isTrue();
      assertThat(bystander.call("PING")).isEqualTo("+PONG\r\n");
      try (RespClient v2 = s.client()) {
        String addr = body(v2.call("CLIENT", "INFO")).split(" ")[1].substring(5);
        assertThat(c.call("CLIENT", "KILL", addr)).isEqualTo("+OK\r\n");
        assertThat(v2.isClosedByServer(5000)).isTrue();
      }
      assertThat(vaddr).isNotEmpty();
      // The old form may kill the caller itself; the reply is sent first.
      String self = body(c.call("CLIENT", "INFO")).split(" ")[1].substring(5);
      assertThat(c.call("CLIENT", "KILL", self)).isEqualTo("+OK\r\n");
      assertThat(c.isClosedByServer(5000)).isTrue();
      // The new form skips the caller unless SKIPME no.
      assertThat(bystander.call("CLIENT", "KILL", "TYPE", "normal")).isEqualTo(":0\r\n");
      assertThat(bystander.call("CLIENT", "KILL", "USER", "default", "SKIPME", "no"))
          .isEqualTo(":1\r\n");
      assertThat(bystander.isClosedByServer(5000)).isTrue();
    }
  }

  @Test
  void pauseHoldsCommandsUntilUnpause() {
    try (TestServer s = TestServer.start();
        RespClient admin = s.client();
        RespClient c = s.client()) {
      assertThat(admin.call("CLIENT", "PAUSE", "x"))
          .isEqualTo("-ERR timeout is not an integer or out of range\r\n");
      assertThat(admin.call("CLIENT", "PAUSE", "-1")).isEqualTo("-ERR timeout is negative\r\n");
      assertThat(admin.call("CLIENT", "PAUSE", "10", "foo"))
          .isEqualTo("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
      assertThat(admin.call("CLIENT", "PAUSE", "10", "write", "x"))
          .isEqualTo(
              "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT"
                  + " HELP.\r\n");
      assertThat(admin.call("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "k")).isEqualTo("$-1\r\n");
      c.send("SET", "k", "v");
      assertThat(c.isClosedByServer(300)).isFalse();
      assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
    }
  }

  @Test
  void clientUnpauseLeavesAFailoverPauseInForce() throws Exception {
    // As Redis 7.0's pause purposes: CLIENT UNPAUSE ends CLIENT PAUSE only; writes stay held by
    // a manual failover's pause until the failover ends it.
    try (TestServer s = TestServer.start();
        RespClient admin = s.client();
        RespClient c = s.client()) {
      io.cinnabar.server.ServerContext ctx = s.server.context();
      ctx.loop()
          .submit(
              () ->
                  ctx.pauses.pause(
                      io.cinnabar.server.Pauses.Purpose.FAILOVER,
                      System.currentTimeMillis() + 60_000,
                      true))
          .get();
      // A short CLIENT PAUSE ALL on top: reads wait for it, then run while writes stay held.
      assertThat(admin.call("CLIENT", "PAUSE", "1000", "ALL")).isEqualTo("+OK\r\n");
      c.send("GET", "k");
      assertThat(c.silentFor(300)).isTrue();
      assertThat(c.readReply()).isEqualTo("$-1\r\n");
      c.send("SET", "k", "v");
      assertThat(c.silentFor(300)).isTrue();
      // CLIENT UNPAUSE ends CLIENT PAUSE only (Redis's pause purposes), not the failover's.
      assertThat(admin.call("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
      assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
      assertThat(c.silentFor(300)).isTrue();
      ctx.loop().submit(() -> ctx.pauses.unpause(io.cinnabar.server.Pauses.Purpose.FAILOVER));
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void pauseEndsByItself() {
    try (TestServer s = TestServer.start();
        RespClient admin = s.client();
        RespClient c = s.client()) {
      long start = System.nanoTime();
      assertThat(admin.call("CLIENT", "PAUSE", "300")).isEqualTo("+OK\r\n");
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
    }
  }

  @Test
  void replyModes() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      c.send("CLIENT", "REPLY", "SKIP");
      c.send("PING", "skipped");
      assertThat(c.call("PING", "a")).isEqualTo("$1\r\na\r\n");
      c.send("CLIENT", "REPLY", "OFF");
      c.send("PING", "off");
      assertThat(c.call("CLIENT", "REPLY", "ON")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "REPLY", "foo")).isEqualTo("-ERR syntax error\r\n");
    }
  }

  @Test
  void miscSubcommands() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("CLIENT", "NO-EVICT", "on")).isEqualTo("+OK\r\n");
      assertThat(c.call("CLIENT", "NO-EVICT", "foo")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("CLIENT", "UNBLOCK", "x"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("CLIENT", "UNBLOCK", "1", "foo"))
          .isEqualTo("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n");
      assertThat(c.call("CLIENT", "UNBLOCK", "1")).isEqualTo(":0\r\n");
      assertThat(c.call("CLIENT", "GETREDIR")).isEqualTo(":-1\r\n");
      assertThat(c.call("CLIENT", "TRACKINGINFO"))
          .isEqualTo(
              "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n"
                  + "*0\r\n");
      assertThat(c.call("CLIENT", "CACHING", "yes"))
          .isEqualTo(
              "-ERR CLIENT CACHING can be called only when the client is in tracking mode with"
                  + " OPTIN or OPTOUT mode enabled\r\n");
      assertThat(c.call("CLIENT", "HELP")).startsWith("*48\r\n+CLIENT <subcommand>");
      assertThat(c.call("CLIENT", "foo"))
          .isEqualTo("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
      assertThat(c.call("CLIENT"))
          .isEqualTo("-ERR wrong number of arguments for 'client' command\r\n");
    }
  }
}
