package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RDB version 9 file in the older encodings Redis 7.0 still reads (LIST, LIST_ZIPLIST,
 * LIST_QUICKLIST, HASH, HASH_ZIPMAP, HASH_ZIPLIST, second-resolution EXPIRETIME), built by hand
 * from the formats' definitions, loads at startup.
 */
class LegacyRdbTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A ziplist of short strings and 0..12 integers (the immediate encoding). */
  static byte[] ziplist(String... items) {
    ByteArrayOutputStream entries = new ByteArrayOutputStream();
    int prev = 0;
    for (String s : items) {
      int start = entries.size();
      entries.write(prev);
      if (s.matches("\\d|1[0-2]")) {
        entries.write(0xf1 + Integer.parseInt(s));
      } else {
        entries.write(s.length());
        entries.writeBytes(b(s));
      }
      prev = entries.size() - start;
    }
    int total = 10 + entries.size() + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int v : new int[] {total, 0}) {
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
    }
    out.write(items.length);
    out.write(0);
    out.writeBytes(entries.toByteArray());
    out.write(0xff);
    return out.toByteArray();
  }

  /** A zipmap of short field/value pairs. */
  static byte[] zipmap(String... pairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(pairs.length / 2);
    for (int i = 0; i < pairs.length; i += 2) {
      out.write(pairs[i].length());
      out.writeBytes(b(pairs[i]));
      out.write(pairs[i + 1].length());
      out.write(0); // free
      out.writeBytes(b(pairs[i + 1]));
    }
    out.write(0xff);
    return out.toByteArray();
  }

  @Test
  void olderEncodingsLoad() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    RdbOutput out = new RdbOutput(file, true);
    byte[] magic = b("REDIS0009");
    out.writeRaw(magic, 0, magic.length);
    out.writeByte(Rdb.OPCODE_SELECTDB);
    out.writeLen(0);
    long future = System.currentTimeMillis() / 1000 + 10_000;
    out.writeByte(Rdb.OPCODE_EXPIRETIME);
    out.writeLe(future, 4);
    out.writeByte(Rdb.TYPE_LIST_ZIPLIST);
    out.writeString(b("zl"));
    out.writeString(ziplist("a", "7", "bb"));
    out.writeByte(Rdb.TYPE_LIST_QUICKLIST);
    out.writeString(b("ql"));
    out.writeLen(2);
    out.writeString(ziplist("x", "1"));
    out.writeString(ziplist("y"));
    out.writeByte(Rdb.TYPE_LIST);
    out.writeString(b("plain"));
    out.writeLen(2);
    out.writeString(b("p1"));
    out.writeString(b("12345"));
    out.writeByte(Rdb.TYPE_HASH_ZIPMAP);
    out.writeString(b("zm"));
    out.writeString(zipmap("f", "v", "name", "redis"));
    out.writeByte(Rdb.TYPE_HASH_ZIPLIST);
    out.writeString(b("hz"));
    out.writeString(ziplist("k1", "v1", "k2", "3"));
    out.writeByte(Rdb.TYPE_HASH);
    out.writeString(b("hh"));
    out.writeLen(1);
    out.writeString(b("field"));
    out.writeString(b("value"));
    out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
    out.writeLe(1000, 8); // 1970: already expired, skipped
    out.writeByte(Rdb.TYPE_STRING);
    out.writeString(b("gone"));
    out.writeString(b("x"));
    out.writeByte(Rdb.OPCODE_EOF);
    out.writeLe(out.crc(), 8);
    out.flush();
    Files.write(dir.resolve("dump.rdb"), file.toByteArray());

    try (TestServer s = TestServer.start("dir", dir.toString());
        RespClient c = s.client()) {
      assertThat(c.call("DBSIZE")).isEqualTo(":6\r\n");
      assertThat(c.call("LRANGE", "zl", "0", "-1"))
          .isEqualTo("*3\r\n$1\r\na\r\n$1\r\n7\r\n$2\r\nbb\r\n");
      assertThat(c.call("EXPIRETIME", "zl")).isEqualTo(":" + future + "\r\n");
      assertThat(c.call("LRANGE", "ql", "0", "-1"))
          .isEqualTo("*3\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n");
      assertThat(c.call("LRANGE", "plain", "0", "-1"))
          .isEqualTo("*2\r\n$2\r\np1\r\n$5\r\n12345\r\n");
      assertThat(c.call("HGETALL", "zm"))
          .isEqualTo("*4\r\n$1\r\nf\r\n$1\r\nv\r\n$4\r\nname\r\n$5\r\nredis\r\n");
      assertThat(c.call("HGETALL", "hz"))
          .isEqualTo("*4\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$1\r\n3\r\n");
      assertThat(c.call("OBJECT", "ENCODING", "hz")).isEqualTo("$8\r\nlistpack\r\n");
      assertThat(c.call("HGET", "hh", "field")).isEqualTo("$5\r\nvalue\r\n");
      assertThat(c.call("INFO", "persistence"))
          .contains("rdb_last_load_keys_loaded:6\r\n")
          .contains("rdb_last_load_keys_expired:1\r\n");
    }
  }
}
