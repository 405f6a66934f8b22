package io.cinnabar.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.differential.Wire;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile input over many connections, reproducible from fixed seeds: random bytes, truncated and
 * corrupted frames, huge and negative lengths, odd inline quoting, and real commands with random
 * arguments. The server must stay up (a control connection's PING always answers), replies must
 * stay well-formed, and protocol errors must be answered with "-ERR Protocol error..." and end the
 * connection. With redis-server installed, a corpus of malformed inputs is compared byte for byte.
 */
class RespFuzzTest {
  private static final long[] SEEDS = {0x5eed1L, 0x5eed2L, 0x5eed3L, 0x5eed4L};
  private static final long CORPUS_SEED = 20240607L;
  private static final int INPUTS_PER_SEED = 300;
  private static final int CORPUS_SIZE = 300;
  private static final long TIME_BUDGET_MS = 20_000;

  /** Commands that would stop, block, pause, reconfigure or disconnect the server under test. */
  private static final Set<String> DENY =
      Set.of(
          "quit",
          "client",
          "config",
          "debug",
          "shutdown",
          "monitor",
          "wait",
          "waitaof",
          "acl",
          "replicaof",
          "slaveof",
          "failover",
          "sync",
          "psync",
          "cluster",
          "module",
          "save",
          "bgsave",
          "bgrewriteaof",
          "migrate",
          "script",
          "eval",
          "evalsha",
          "eval_ro",
          "evalsha_ro",
          "fcall",
          "fcall_ro",
          "function",
          "subscribe",
          "psubscribe",
          "ssubscribe");

  private record Outcome(byte[] bytes, boolean closed) {
    String canonical() {
      return Wire.escape(bytes) + (closed ? "<CLOSED>" : "");
    }
  }

  @Test
  void serverSurvivesHostileInput() throws Exception {
    long deadline = System.currentTimeMillis() + TIME_BUDGET_MS;
    try (TestServer s = TestServer.start();
        RespClient control = s.client()) {
      List<String> names = fuzzableCommands(s);
      int runs = 0;
      for (long seed : SEEDS) {
        Random r = new Random(seed);
        for (int i = 0; i < INPUTS_PER_SEED && System.currentTimeMillis() < deadline; i++) {
          String where = "seed 0x" + Long.toHexString(seed) + " input " + i;
          int kind = r.nextInt(4);
          if (kind == 0) {
            int n = 1 + r.nextInt(12);
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            for (int k = 0; k < n; k++) {
              in.writeBytes(FuzzInputs.realCommand(r, names));
            }
            checkCommands(s.port(), in.toByteArray(), n, r, where);
          } else {
            checkMalformed(s.port(), FuzzInputs.malformed(r), r, where);
          }
          runs++;
          if (i % 25 == 0) {
            assertThat(control.call("PING"))
                .as("control PING after " + where)
                .isEqualTo("+PONG\r\n");
          }
        }
      }
      Random big = new Random(SEEDS[0]);
      for (int i = 0; i < 4; i++) {
        Outcome o = sendAndAwaitClose(s.port(), FuzzInputs.tooBig(big), 10_000);
        assertThat(o.closed()).as("too big input %d closes", i).isTrue();
        assertThat(text(o)).startsWith("-ERR Protocol error: too big");
      }
      assertThat(control.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(runs).isGreaterThan(SEEDS.length * INPUTS_PER_SEED / 4);
    }
  }

  @Test
  void protocolErrorsReplyOnceThenClose() throws Exception {
    try (TestServer s = TestServer.start();
        RespClient control = s.client()) {
      Random r = new Random(7);
      for (int i = 0; i < 60; i++) {
        byte[] in = FuzzInputs.protocolError(r);
        Outcome o = sendAndAwaitClose(s.port(), in, 5_000);
        assertThat(o.closed()).as("closed after %s", Wire.escape(in)).isTrue();
        assertThat(text(o))
            .as("reply to %s", Wire.escape(in))
            .matches("-ERR Protocol error: [^\r\n]+\r\n");
      }
      assertThat(control.call("PING")).isEqualTo("+PONG\r\n");
    }
  }

  /** A deterministic corpus of malformed inputs, each on a fresh connection to both servers. */
  @Test
  void malformedCorpusMatchesRedis() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server is not installed");
    Random r = new Random(CORPUS_SEED);
    List<byte[]> corpus = new ArrayList<>();
    for (int i = 0; i < CORPUS_SIZE; i++) {
      corpus.add(i % 100 == 99 ? FuzzInputs.tooBig(r) : FuzzInputs.malformed(r));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (TestServer cinnabar = TestServer.start();
        RealRedis redis = RealRedis.start()) {
      List<Future<Outcome>> fromRedis = new ArrayList<>();
      List<Future<Outcome>> fromCinnabar = new ArrayList<>();
      for (byte[] in : corpus) {
        fromRedis.add(pool.submit(() -> sendAndAwaitIdle(redis.port(), in, 150)));
        fromCinnabar.add(pool.submit(() -> sendAndAwaitIdle(cinnabar.port(), in, 150)));
      }
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < corpus.size(); i++) {
        String expected = fromRedis.get(i).get(60, TimeUnit.SECONDS).canonical();
        String actual = fromCinnabar.get(i).get(60, TimeUnit.SECONDS).canonical();
        if (!expected.equals(actual)) {
          // Timing (a slow first reply) is not a mismatch: ask both again, patiently.
          expected = sendAndAwaitIdle(redis.port(), corpus.get(i), 1000).canonical();
          actual = sendAndAwaitIdle(cinnabar.port(), corpus.get(i), 1000).canonical();
        }
        if (!expected.equals(actual)) {
          mismatches.add(
              String.format(
                  "  input %d: %s%n    redis:    %s%n    cinnabar: %s",
                  i, abbreviate(Wire.escape(corpus.get(i))), expected, actual));
        }
      }
      if (!mismatches.isEmpty()) {
        fail(
            mismatches.size()
                + " of "
                + corpus.size()
                + " malformed inputs differ from redis-server (seed "
                + CORPUS_SEED
                + "):\n"
                + String.join("\n", mismatches));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Sends real commands (in random chunks), half-closes, and expects exactly one well-formed reply
   * per command and no protocol error; a handler that throws shows up as missing replies.
   */
  private static void checkCommands(int port, byte[] in, int commands, Random r, String where)
      throws IOException {
    Outcome o = sendHalfClosed(port, in, r);
    String desc = where + ": " + abbreviate(Wire.escape(in));
    assertThat(o.closed()).as("connection closed after EOF, " + desc).isTrue();
    List<String> replies = splitReplies(o.bytes(), desc);
    assertThat(replies).as("one reply per command, " + desc).hasSize(commands);
    for (String reply : replies) {
      assertThat(reply).as(desc).doesNotStartWith("-ERR Protocol error");
    }
  }

  /** Sends malformed input, half-closes: replies must be well-formed, a protocol error last. */
  private static void checkMalformed(int port, byte[] in, Random r, String where)
      throws IOException {
    Outcome o = sendHalfClosed(port, in, r);
    String desc = where + ": " + abbreviate(Wire.escape(in));
    assertThat(o.closed()).as("connection closed after EOF, " + desc).isTrue();
    List<String> replies = splitReplies(o.bytes(), desc);
    for (int i = 0; i < replies.size() - 1; i++) {
      assertThat(replies.get(i))
          .as("only the last reply may be a protocol error, " + desc)
          .doesNotStartWith("-ERR Protocol error");
    }
  }

  private static List<String> splitReplies(byte[] b, String desc) {
    List<String> out = new ArrayList<>();
    int p = 0;
    while (p < b.length) {
      int end = Wire.valueEnd(java.util.Arrays.copyOfRange(b, p, b.length), 0);
      if (end < 0) {
        fail("truncated or malformed reply to " + desc + ": " + Wire.escape(b));
      }
      out.add(new String(b, p, end, StandardCharsets.ISO_8859_1));
      p += end;
    }
    return out;
  }

  private static List<String> fuzzableCommands(TestServer s) {
    List<String> names = new ArrayList<>();
    for (CommandSpec c : s.server.context().commands.all()) {
      boolean unsafe =
          c.has(CommandFlag.ADMIN) || c.has(CommandFlag.BLOCKING) || c.has(CommandFlag.PUBSUB);
      if (!unsafe && !DENY.contains(c.name)) {
        names.add(c.name);
      }
    }
    names.sort(null);
    names.add("nosuchcommand");
    return names;
  }

  /** Writes {@code in} in random-sized chunks, shuts down output, reads until EOF. */
  private static Outcome sendHalfClosed(int port, byte[] in, Random r) throws IOException {
    try (Socket sock = new Socket("127.0.0.1", port)) {
      sock.setTcpNoDelay(true);
      OutputStream out = sock.getOutputStream();
      int p = 0;
      while (p < in.length) {
        int n = Math.min(in.length - p, 1 + r.nextInt(64));
        out.write(in, p, n);
        out.flush();
        p += n;
      }
      sock.shutdownOutput();
      return readUntil(sock, 10_000, false);
    } catch (IOException e) {
      // Writing after the server closed (a protocol error mid-input) resets the connection.
      return new Outcome(new byte[0], true);
    }
  }

  private static Outcome sendAndAwaitClose(int port, byte[] in, int timeoutMs) throws IOException {
    try (Socket sock = new Socket("127.0.0.1", port)) {
      sock.getOutputStream().write(in);
      return readUntil(sock, timeoutMs, false);
    }
  }

  private static Outcome sendAndAwaitIdle(int port, byte[] in, int idleMs) throws IOException {
    try (Socket sock = new Socket("127.0.0.1", port)) {
      sock.setTcpNoDelay(true);
      try {
        sock.getOutputStream().write(in);
      } catch (IOException e) {
        return readUntil(sock, idleMs, true);
      }
      return readUntil(sock, idleMs, true);
    }
  }

  /**
   * Reads until EOF. With {@code idle}, also stops when nothing arrives for {@code millis};
   * without, {@code millis} is the deadline for EOF.
   */
  private static Outcome readUntil(Socket sock, int millis, boolean idle) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = sock.getInputStream();
    byte[] buf = new byte[8192];
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      int wait = idle ? millis : (int) Math.max(1, deadline - System.currentTimeMillis());
      sock.setSoTimeout(wait);
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        return new Outcome(got.toByteArray(), false);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        return new Outcome(got.toByteArray(), true);
      }
      got.write(buf, 0, n);
      if (!idle && System.currentTimeMillis() >= deadline) {
        return new Outcome(got.toByteArray(), false);
      }
    }
  }

  private static String text(Outcome o) {
    return new String(o.bytes(), StandardCharsets.ISO_8859_1);
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }
}
