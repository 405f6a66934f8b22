package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAVE, SHUTDOWN's final snapshot and the load at startup, end to end. */
class SnapshotTest {
  @TempDir Path dir;

  @Test
  void shutdownSaveWritesWhatTheNextStartLoads() throws Exception {
    try (TestServer s = TestServer.start("dir", dir.toString());
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      c.call("RPUSH", "l", "x", "y");
      c.call("HSET", "h", "f", "v");
      c.call("SET", "ttl", "v", "EX", "1000");
      c.call("SELECT", "5");
      c.call("SET", "in5", "five");
      c.send("SHUTDOWN", "SAVE");
      assertThat(c.isClosedByServer(10_000)).isTrue();
    }
    assertThat(dir.resolve("dump.rdb")).exists();
    try (TestServer s = TestServer.start("dir", dir.toString());
        RespClient c = s.client()) {
      assertThat(c.call("DBSIZE")).isEqualTo(":4\r\n");
      assertThat(c.call("LRANGE", "l", "0", "-1")).isEqualTo("*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
      assertThat(c.call("HGET", "h", "f")).isEqualTo("$1\r\nv\r\n");
      assertThat(c.call("TTL", "ttl")).matches(":(99\\d|1000)\r\n");
      c.call("SELECT", "5");
      assertThat(c.call("GET", "in5")).isEqualTo("$4\r\nfive\r\n");
    }
  }

  @Test
  void shutdownSavesOnlyWithSavePointsOrSave() throws Exception {
    try (TestServer s = TestServer.start("dir", dir.toString());
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      c.send("SHUTDOWN");
      assertThat(c.isClosedByServer(10_000)).isTrue();
    }
    assertThat(dir.resolve("dump.rdb")).doesNotExist();
    try (TestServer s = TestServer.start("dir", dir.toString(), "save", "3600 1");
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      c.send("SHUTDOWN");
      assertThat(c.isClosedByServer(10_000)).isTrue();
    }
    assertThat(dir.resolve("dump.rdb")).exists();
  }

  @Test
  void saveIsAtomicAndUpdatesPersistenceInfo() throws Exception {
    try (TestServer s = TestServer.start("dir", dir.toString(), "dbfilename", "snap.rdb");
        RespClient c = s.client()) {
      c.call("SET", "a", "1");
      assertThat(c.call("INFO", "persistence")).contains("rdb_changes_since_last_save:1\r\n");
      assertThat(c.call("SAVE")).isEqualTo("+OK\r\n");
      assertThat(c.call("INFO", "persistence")).contains("rdb_changes_since_last_save:0\r\n");
      long now = System.currentTimeMillis() / 1000;
      long last = Long.parseLong(c.call("LASTSAVE").trim().substring(1));
      assertThat(last).isBetween(now - 5, now + 1);
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("snap.rdb");
      }
    }
  }

  @Test
  void bgsaveWritesAConsistentImageInTheBackground() throws Exception {
    try (TestServer s = TestServer.start("dir", dir.toString(), "enable-debug-command", "yes");
        RespClient c = s.client()) {
      c.call("DEBUG", "POPULATE", "20000");
      String digest = c.call("DEBUG", "DIGEST");
      assertThat(c.call("BGSAVE", "now")).isEqualTo("-ERR syntax error\r\n");
      assertThat(c.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
      // Writes after the snapshot was taken are not in the file.
      c.call("SET", "after", "1");
      Await.until(
          "bgsave done",
          10_000,
          () -> c.call("INFO", "persistence").contains("rdb_bgsave_in_progress:0\r\n"));
      String info = c.call("INFO", "persistence");
      assertThat(info).contains("rdb_last_bgsave_status:ok\r\n").contains("rdb_saves:1\r\n");
      assertThat(info).contains("rdb_changes_since_last_save:1\r\n");
      assertThat(c.call("DEBUG", "RELOAD", "NOSAVE")).isEqualTo("+OK\r\n");
      assertThat(c.call("DEBUG", "DIGEST")).isEqualTo(digest);
      assertThat(c.call("INFO", "persistence")).contains("rdb_last_load_keys_loaded:20000\r\n");
    }
  }

  @Test
  void idleTimeAndFrequencySurviveAReloadUnderTheirPolicies() throws Exception {
    try (TestServer s =
            TestServer.start(
                "dir",
                dir.toString(),
                "enable-debug-command",
                "yes",
                "maxmemory-policy",
                "allkeys-lru");
        RespClient c = s.client()) {
      c.call("SET", "k", "v");
      String payload = c.call("DUMP", "k");
      byte[] p = DumpRestoreTest.bulkBytes(payload);
      assertThat(DumpRestoreTest.call(c, "RESTORE", "old", "0", p, "IDLETIME", "5000"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("DEBUG", "RELOAD")).isEqualTo("+OK\r\n");
      assertThat(c.call("OBJECT", "IDLETIME", "old")).matches(":50\\d\\d\r\n");
      assertThat(c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")).isEqualTo("+OK\r\n");
      assertThat(DumpRestoreTest.call(c, "RESTORE", "hot", "0", p, "FREQ", "200"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("DEBUG", "RELOAD")).isEqualTo("+OK\r\n");
      assertThat(c.call("OBJECT", "FREQ", "hot")).isEqualTo(":200\r\n");
    }
  }
}
