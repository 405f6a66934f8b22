package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DUMP payloads recorded from redis-server 7.0.15 (resources/rdb/dump-payloads.txt) RESTORE in
 * Cinnabar with the same digest, and Cinnabar DUMPs the same bytes for the same encodings; with a
 * live redis-server, Cinnabar's payloads restore there too. Bad payloads are rejected.
 */
class DumpRestoreTest {
  record Payload(String key, String type, String encoding, String digest, byte[] bytes) {
    /** RESTORE arguments: keys recorded with a TTL get it back (the digest covers it). */
    Object[] restore(String cmd) throws Exception {
      String at = expireTimes().get(key);
      return at == null
          ? new Object[] {cmd, key, "0", bytes}
          : new Object[] {cmd, key, at, bytes, "ABSTTL"};
    }
  }

  /** PEXPIRETIME of the db 0 keys with a TTL, from supported.expected. */
  static java.util.Map<String, String> expireTimes() throws Exception {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    String text =
        new String(RdbGoldenTest.resource("supported.expected"), StandardCharsets.US_ASCII);
    for (String line : text.split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 6 && f[0].equals("0") && !f[4].equals("-1")) {
        out.put(f[1], f[4]);
      }
    }
    return out;
  }

  static List<Payload> payloads() throws Exception {
    List<Payload> out = new ArrayList<>();
    String text =
        new String(RdbGoldenTest.resource("dump-payloads.txt"), StandardCharsets.US_ASCII);
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      out.add(new Payload(f[0], f[1], f[2], f[3], hex(f[4])));
    }
    return out;
  }

  static byte[] hex(String h) {
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  /** A command with binary arguments; returns the reply's wire text (latin-1). */
  static String call(RespClient c, Object... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object a : args) {
      byte[] b = a instanceof byte[] x ? x : a.toString().getBytes(StandardCharsets.UTF_8);
      out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(b);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    c.sendRaw(out.toByteArray());
    return c.readReply();
  }

  static String bulk(byte[] b) {
    return "$" + b.length + "\r\n" + new String(b, StandardCharsets.ISO_8859_1) + "\r\n";
  }

  static byte[] bulkBytes(String reply) {
    assertThat(reply).startsWith("$");
    int nl = reply.indexOf("\r\n");
    return reply.substring(nl + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void redisPayloadsRestoreAndDumpIdentically() throws Exception {
    List<Payload> all = payloads();
    assertThat(all).hasSizeGreaterThan(20);
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client()) {
      for (Payload p : all) {
        assertThat(call(c, p.restore("RESTORE"))).as(p.key()).isEqualTo("+OK\r\n");
        assertThat(c.call("TYPE", p.key())).isEqualTo("+" + p.type() + "\r\n");
        assertThat(c.call("OBJECT", "ENCODING", p.key()))
            .as(p.key())
            .isEqualTo("$" + p.encoding().length() + "\r\n" + p.encoding() + "\r\n");
        assertThat(c.call("DEBUG", "DIGEST-VALUE", p.key()))
            .as(p.key())
            .isEqualTo("*1\r\n+" + p.digest() + "\r\n");
        if (!p.encoding().equals("hashtable")) {
          // Same encoding, same bytes (hashtable order depends on each server's table).
          assertThat(c.call("DUMP", p.key())).as(p.key()).isEqualTo(bulk(p.bytes()));
        }
      }
    }
  }

  @Test
  void cinnabarPayloadsRestoreInRedis() throws Exception {
    if (!RealRedis.available()) {
      return;
    }
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client();
        RealRedis r = RealRedis.start();
        RespClient rc = r.client()) {
      for (Payload p : payloads()) {
        call(c, p.restore("RESTORE"));
        byte[] mine = bulkBytes(c.call("DUMP", p.key()));
        Object[] args = p.restore("RESTORE");
        args[3] = mine;
        assertThat(call(rc, args)).as(p.key()).isEqualTo("+OK\r\n");
        assertThat(rc.call("DEBUG", "DIGEST-VALUE", p.key()))
            .as(p.key())
            .isEqualTo("*1\r\n+" + p.digest() + "\r\n");
        assertThat(rc.call("OBJECT", "ENCODING", p.key()))
            .isEqualTo("$" + p.encoding().length() + "\r\n" + p.encoding() + "\r\n");
      }
      assertThat(rc.call("DEBUG", "DIGEST")).isEqualTo(c.call("DEBUG", "DIGEST"));
    }
  }

  @Test
  void badPayloadsAreRejected() throws Exception {
    byte[] good = payloads().get(0).bytes();
    byte[] flipped = good.clone();
    flipped[1] ^= 0x20;
    byte[] newer = good.clone();
    newer[newer.length - 10] = 11;
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      String wrong = "-ERR DUMP payload version or checksum are wrong\r\n";
      assertThat(call(c, "RESTORE", "k", "0", flipped)).isEqualTo(wrong);
      assertThat(call(c, "RESTORE", "k", "0", newer)).isEqualTo(wrong);
      assertThat(call(c, "RESTORE", "k", "0", "short")).isEqualTo(wrong);
      // A valid checksum over a value that is not one: the type byte is an opcode.
      byte[] bogus = {(byte) 0xfe, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      long crc = Crc64.update(0, bogus, 0, 4);
      for (int i = 0; i < 8; i++) {
        bogus[4 + i] = (byte) (crc >>> (8 * i));
      }
      assertThat(call(c, "RESTORE", "k", "0", java.util.Arrays.copyOf(bogus, 12)))
          .isEqualTo("-ERR Bad data format\r\n");
      assertThat(c.call("EXISTS", "k")).isEqualTo(":0\r\n");
    }
  }

  @Test
  void restoreOptions() throws Exception {
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        RespClient c = s.client()) {
      c.call("SET", "src", "value");
      byte[] p = bulkBytes(c.call("DUMP", "src"));
      assertThat(call(c, "RESTORE", "src", "0", p))
          .isEqualTo("-BUSYKEY Target key name already exists.\r\n");
      assertThat(call(c, "RESTORE", "src", "0", p, "REPLACE", "IDLETIME", "1000"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("OBJECT", "IDLETIME", "src")).isEqualTo(":1000\r\n");
      long at = System.currentTimeMillis() + 100_000;
      assertThat(call(c, "RESTORE", "t", Long.toString(at), p, "ABSTTL")).isEqualTo("+OK\r\n");
      assertThat(c.call("PEXPIRETIME", "t")).isEqualTo(":" + at + "\r\n");
      // An absolute TTL in the past: OK, and the replaced key is gone.
      assertThat(call(c, "RESTORE", "t", "1", p, "ABSTTL", "REPLACE")).isEqualTo("+OK\r\n");
      assertThat(c.call("EXISTS", "t")).isEqualTo(":0\r\n");
      assertThat(call(c, "RESTORE", "u", "5000", p)).isEqualTo("+OK\r\n");
      assertThat(c.call("PTTL", "u")).matches(":(4\\d\\d\\d|5000)\r\n");
      assertThat(c.call("DUMP", "nokey")).isEqualTo("$-1\r\n");
    }
  }
}
