package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The primary's handshake replies and replication stream on a raw socket, byte for byte as Redis
 * 7.0.15 sends them (recorded from a real redis-server with a raw SYNC client).
 */
class PrimaryStreamTest {
  /** A raw replica connection. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Raw(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(200);
      in = socket.getInputStream();
    }

    void send(String s) throws IOException {
      socket.getOutputStream().write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Everything received until the connection stays idle for a moment. */
    String drain() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] b = new byte[65536];
      long deadline = System.currentTimeMillis() + 5000;
      while (System.currentTimeMillis() < deadline) {
        try {
          int n = in.read(b);
          if (n < 0) {
            break;
          }
          out.write(b, 0, n);
        } catch (SocketTimeoutException e) {
          if (out.size() > 0) {
            break;
          }
        }
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String cmd(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void replconfRepliesAsRedis() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("REPLCONF")).isEqualTo("+OK\r\n");
      assertThat(c.call("REPLCONF", "foo")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("REPLCONF", "foo", "bar"))
          .isEqualTo("-ERR Unrecognized REPLCONF option: foo\r\n");
      assertThat(c.call("REPLCONF", "listening-port", "abc"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("REPLCONF", "listening-port", "1", "capa", "eof")).isEqualTo("+OK\r\n");
      assertThat(c.call("REPLCONF", "rdb-only", "3"))
          .isEqualTo("-ERR value is out of range, value must between 0 and 1\r\n");
      c.send("REPLCONF", "ack", "10"); // no reply
      c.send("REPLCONF", "getack", "*"); // no reply
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("PSYNC", "a", "b"))
          .isEqualTo("-ERR value is not an integer or out of range\r\n");
      assertThat(c.call("WAIT", "0", "0")).isEqualTo(":0\r\n");
      assertThat(c.call("WAIT", "1", "-1")).isEqualTo("-ERR timeout is negative\r\n");
      assertThat(c.call("WAIT", "1", "a"))
          .isEqualTo("-ERR timeout is not an integer or out of range\r\n");
      assertThat(c.call("WAIT", "1", "50")).isEqualTo(":0\r\n");
      assertThat(c.call("ROLE")).isEqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
    }
  }

  private static final Pattern FULLRESYNC =
      Pattern.compile("\\+FULLRESYNC ([0-9a-f]{40}) (\\d+)\r\n\\$EOF:([0-9a-f]{40})\r\n");

  @Test
  void fullResyncThenTheRewrittenStream() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        Raw r = new Raw(s.port())) {
      c.call("SET", "before", "1");
      r.send(
          cmd("REPLCONF", "listening-port", "6380")
              + cmd("REPLCONF", "capa", "eof", "capa", "psync2"));
      assertThat(r.drain()).isEqualTo("+OK\r\n+OK\r\n");
      r.send(cmd("PSYNC", "?", "-1"));
      String full = r.drain();
      Matcher m = FULLRESYNC.matcher(full);
      assertThat(m.lookingAt()).as(full).isTrue();
      String rdb = full.substring(m.end());
      assertThat(rdb).startsWith("REDIS0010").endsWith(m.group(3)).contains("before");
      assertThat(c.call("CLIENT", "LIST", "TYPE", "replica")).contains("flags=S");
      c.call("SET", "held", "1"); // held until the replica's first ACK, as Redis 7.0
      r.send(cmd("REPLCONF", "ACK", "0"));
      assertThat(r.drain()).isEqualTo(cmd("SELECT", "0") + cmd("SET", "held", "1"));

      c.call("SETEX", "k", "100", "v");
      assertThat(r.drain())
          .matches(
              "\\*5\r\n\\$3\r\nSET\r\n\\$1\r\nk\r\n\\$1\r\nv\r\n\\$4\r\nPXAT\r\n\\$13\r\n\\d{13}\r\n");
      c.call("SET", "f", "1.5");
      c.call("INCRBYFLOAT", "f", "1");
      assertThat(r.drain())
          .isEqualTo(
              cmd("SET", "f", "1.5").replace("SET", "SET") + cmd("SET", "f", "2.5", "KEEPTTL"));
      c.call("SADD", "s", "x");
      c.call("SPOP", "s");
      assertThat(r.drain()).isEqualTo(cmd("SADD", "s", "x") + cmd("SREM", "s", "x"));
      c.call("MULTI");
      c.call("SET", "a", "1");
      c.call("SET", "b", "2");
      c.call("EXEC");
      assertThat(r.drain())
          .isEqualTo(cmd("MULTI") + cmd("SET", "a", "1") + cmd("SET", "b", "2") + cmd("EXEC"));
      c.call("PEXPIRE", "a", "-1");
      assertThat(r.drain()).isEqualTo(cmd("DEL", "a"));
      c.call("RPUSH", "l", "x");
      c.call("BLPOP", "l", "0");
      assertThat(r.drain()).isEqualTo(cmd("RPUSH", "l", "x") + cmd("LPOP", "l"));
      c.call("GET", "b"); // reads are not propagated
      c.call("SET", "b", "3");
      assertThat(r.drain()).isEqualTo(cmd("SET", "b", "3"));
      r.send(cmd("REPLCONF", "ACK", "5"));
      assertThat(c.call("INFO", "replication"))
          .contains("slave0:ip=127.0.0.1,port=6380,state=online,offset=5,");
    }
  }

  @Test
  void psyncContinuesFromTheBacklog() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      String id;
      long offset;
      try (Raw r = new Raw(s.port())) {
        r.send(cmd("SYNC"));
        String payload = r.drain();
        assertThat(payload).matches("(?s)\\$\\d+\r\nREDIS0010.*"); // no +FULLRESYNC, no EOF mark
        String info = c.call("INFO", "replication");
        Matcher m = Pattern.compile("master_replid:([0-9a-f]{40})").matcher(info);
        assertThat(m.find()).isTrue();
        id = m.group(1);
        c.call("SET", "x", "1");
        r.drain();
        offset = Long.parseLong(c.call("ROLE").split("\r\n")[3].substring(1));
      }
      c.call("SET", "y", "2");
      try (Raw r = new Raw(s.port())) {
        r.send(cmd("REPLCONF", "capa", "psync2") + cmd("PSYNC", id, Long.toString(offset + 1)));
        String reply = r.drain();
        assertThat(reply).isEqualTo("+OK\r\n+CONTINUE " + id + "\r\n" + cmd("SET", "y", "2"));
      }
      try (Raw r = new Raw(s.port())) {
        r.send(cmd("PSYNC", "0123456789012345678901234567890123456789", "5"));
        assertThat(r.drain()).startsWith("+FULLRESYNC " + id + " ");
      }
      assertThat(c.call("INFO", "stats"))
          .contains("sync_full:2")
          .contains("sync_partial_ok:1")
          .contains("sync_partial_err:1");
    }
  }

  @Test
  void waitAsksForAcksAndReturnsWhenTheReplicaAcked() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient c = s.client();
        Raw r = new Raw(s.port())) {
      r.send(cmd("PSYNC", "?", "-1"));
      assertThat(r.drain()).startsWith("+FULLRESYNC ");
      c.call("SET", "a", "1");
      assertThat(r.drain()).isEqualTo(cmd("SELECT", "0") + cmd("SET", "a", "1"));
      long offset = Long.parseLong(c.call("ROLE").split("\r\n")[3].substring(1));
      c.send("WAIT", "1", "0");
      assertThat(r.drain()).isEqualTo(cmd("REPLCONF", "GETACK", "*"));
      r.send(cmd("REPLCONF", "ACK", Long.toString(offset)));
      assertThat(c.readReply()).isEqualTo(":1\r\n");
      c.call("SET", "b", "1");
      assertThat(c.call("WAIT", "1", "100")).isEqualTo(":0\r\n"); // not acked in time
      assertThat(c.call("WAIT", "0", "0")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void backlogFreedAfterTtlAndResized() throws Exception {
    try (TestServer s = TestServer.start("repl-backlog-ttl", "1", "repl-backlog-size", "32kb");
        RespClient c = s.client()) {
      assertThat(c.call("INFO", "replication")).contains("repl_backlog_active:0");
      try (Raw r = new Raw(s.port())) {
        r.send(cmd("PSYNC", "?", "-1"));
        r.drain();
        String info = c.call("INFO", "replication");
        assertThat(info).contains("repl_backlog_active:1").contains("repl_backlog_size:32768");
        assertThat(info).contains("connected_slaves:1");
      }
      io.cinnabar.testkit.Await.until(
          "backlog freed",
          10_000,
          () -> c.call("INFO", "replication").contains("repl_backlog_active:0"));
      assertThat(c.call("INFO", "replication")).contains("connected_slaves:0");
    }
  }

  @Test
  void minReplicasToWrite() {
    try (TestServer s = TestServer.start("min-replicas-to-write", "1");
        RespClient c = s.client()) {
      assertThat(c.call("SET", "a", "1"))
          .isEqualTo("-NOREPLICAS Not enough good replicas to write.\r\n");
      assertThat(c.call("GET", "a")).isEqualTo("$-1\r\n");
      c.call("CONFIG", "SET", "min-replicas-to-write", "0");
      assertThat(c.call("SET", "a", "1")).isEqualTo("+OK\r\n");
    }
  }
}
