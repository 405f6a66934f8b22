package io.cinnabar.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DirectivesTest {
  /** Values that legitimately differ from the recorded server (its own paths and port). */
  private static final Set<String> ALLOWLIST = Set.of("dir", "port", "logfile", "unixsocket");

  private static Map<String, String> recorded() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (InputStream in =
        DirectivesTest.class.getResourceAsStream("/config/redis-7.0.15-config-defaults.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        out.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return out;
  }

  @Test
  void configGetStarMatchesRedisDefaults() throws IOException {
    Map<String, String> ours = new TreeMap<>();
    for (String[] kv : ConfigQuery.get(new Config(), List.of("*"))) {
      ours.put(kv[0], kv[1]);
    }
    Map<String, String> redis = recorded();
    assertThat(ours.keySet()).isEqualTo(redis.keySet());
    for (String name : redis.keySet()) {
      if (!ALLOWLIST.contains(name)) {
        assertThat(ours.get(name)).as(name).isEqualTo(redis.get(name));
      }
    }
  }

  @Test
  void hiddenDirectivesOnlyByExactName() {
    Config c = new Config();
    assertThat(ConfigQuery.get(c, List.of("use-exit-on-panic")))
        .singleElement()
        .satisfies(kv -> assertThat(kv).containsExactly("use-exit-on-panic", "no"));
    assertThat(ConfigQuery.get(c, List.of("*exit*"))).isEmpty();
  }

  @Test
  void aliasesShareTheValue() throws ConfigException {
    Config c = new Config();
    c.set("slave-read-only", "no");
    assertThat(c.get("replica-read-only")).isEqualTo("no");
    c.set("hash-max-ziplist-entries", "7");
    assertThat(c.get("hash-max-listpack-entries")).isEqualTo("7");
    c.set("list-max-ziplist-size", "-3");
    assertThat(c.get("list-max-listpack-size")).isEqualTo("-3");
    c.set("zset-max-ziplist-value", "1kb");
    assertThat(c.get("zset-max-listpack-value")).isEqualTo("1024");
    c.set("slaveof", "10.0.0.1 7000");
    assertThat(c.get("replicaof")).isEqualTo("10.0.0.1 7000");
    c.set("lua-time-limit", "10");
    assertThat(c.get("busy-reply-threshold")).isEqualTo("10");
  }

  @Test
  void valuesAreParsedAsRedisParsesThem() throws ConfigException {
    Config c = new Config();
    c.set("maxmemory", "1gb");
    assertThat(c.get("maxmemory")).isEqualTo("1073741824");
    c.set("maxmemory", "99999999999999999999");
    assertThat(c.get("maxmemory")).isEqualTo("18446744073709551615");
    c.set("maxmemory-clients", "5%");
    assertThat(c.get("maxmemory-clients")).isEqualTo("5%");
    c.set("hz", "1000");
    assertThat(c.get("hz")).isEqualTo("500");
    assertThat(c.hz).isEqualTo(500);
    c.set("loglevel", "WARNING");
    assertThat(c.get("loglevel")).isEqualTo("warning");
    c.set("oom-score-adj", "relative");
    assertThat(c.get("oom-score-adj")).isEqualTo("yes");
    c.set("shutdown-on-sigint", "now save");
    assertThat(c.get("shutdown-on-sigint")).isEqualTo("save now");
    c.set("notify-keyspace-events", "KEA");
    assertThat(c.get("notify-keyspace-events")).isEqualTo("AKE");
    assertThat(c.notifyKeyspaceEvents & KeyspaceEvents.KEYSPACE).isNotZero();
    c.set("latency-tracking-info-percentiles", "50 99.5");
    assertThat(c.get("latency-tracking-info-percentiles")).isEqualTo("50 99.5");
    c.set("client-output-buffer-limit", "replica 1mb 2kb 3");
    assertThat(c.get("client-output-buffer-limit"))
        .isEqualTo("normal 0 0 0 slave 1048576 2048 3 pubsub 33554432 8388608 60");
    c.set("unixsocketperm", "700");
    assertThat(c.get("unixsocketperm")).isEqualTo("700");
  }

  @Test
  void invalidValuesGiveRedisReasons() {
    Config c = new Config();
    assertReason(c, "hz", "+5", "argument couldn't be parsed into an integer");
    assertReason(c, "port", "70000", "argument must be between 0 and 65535 inclusive");
    assertReason(c, "maxmemory", "1x", "argument must be a memory value");
    assertReason(
        c, "maxmemory-clients", "101%", "percentage argument must be less or equal to 100");
    assertReason(c, "maxmemory-clients", "-1", "argument must be a memory or percent value");
    assertReason(c, "maxclients", "0", "argument must be between 1 and 4294967295 inclusive");
    assertReason(c, "appendonly", "maybe", "argument must be 'yes' or 'no'");
    assertReason(c, "save", "1 2 3", "Invalid save parameters");
    assertReason(c, "dbfilename", "a/b", "dbfilename can't be a path, just a filename");
    assertReason(c, "unixsocketperm", "999", "argument couldn't be parsed as an octal number");
    assertReason(
        c,
        "shutdown-on-sigterm",
        "save nosave",
        "shutdown options SAVE and NOSAVE can't be used simultaneously");
    assertReason(
        c,
        "loglevel",
        "loud",
        "argument(s) must be one of the following: debug, verbose, notice, warning");
    assertReason(c, "dir", "/nonexistent-dir", "No such file or directory");
    assertReason(c, "replicaof", "host x", "Invalid master port");
  }

  private static void assertReason(Config c, String name, String value, String reason) {
    try {
      c.set(name, value);
      throw new AssertionError(name + " " + value + " was accepted");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).as(name + " " + value).isEqualTo(reason);
    }
  }

  @Test
  void globFollowsRedisRules() {
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("*max*"),
                io.cinnabar.util.Bytes.utf8("maxmemory"),
                true))
        .isTrue();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("MAX?EMORY"),
                io.cinnabar.util.Bytes.utf8("maxmemory"),
                true))
        .isTrue();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("[lm]axmemory"),
                io.cinnabar.util.Bytes.utf8("maxmemory"),
                true))
        .isTrue();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("[^m]axmemory"),
                io.cinnabar.util.Bytes.utf8("maxmemory"),
                true))
        .isFalse();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("[a-z]axmemory"),
                io.cinnabar.util.Bytes.utf8("maxmemory"),
                true))
        .isTrue();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("max\\*"), io.cinnabar.util.Bytes.utf8("max*"), true))
        .isTrue();
    assertThat(
            io.cinnabar.util.Glob.match(
                io.cinnabar.util.Bytes.utf8("max"), io.cinnabar.util.Bytes.utf8("maxmemory"), true))
        .isFalse();
  }
}
