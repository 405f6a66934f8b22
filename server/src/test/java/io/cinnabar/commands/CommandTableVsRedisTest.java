package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Every command in our table must answer COMMAND INFO exactly as Redis 7.0.15 does: arity, flags,
 * key positions, ACL categories, tips, key specs and subcommands. Compared against a recording of
 * the oracle's replies ({@value #RECORDING}) and, when redis-server 7.0.15 is on PATH, live.
 *
 * <p>Re-record after adding commands (starts its own redis-server from PATH):
 *
 * <pre>
 * mvn -o -pl server test -Dtest=CommandTableVsRedisTest#record -Dcinnabar.record=true \
 *     -Dspotless.check.skip=true
 * </pre>
 *
 * Redis lists subcommands in hash order, which changes with every start, so subcommands are
 * compared sorted by name.
 */
class CommandTableVsRedisTest {
  static final String RECORDING = "command-info/redis-7.0.15.resp";
  static final String ORACLE_VERSION = "7.0.15";

  /** Subcommands we have and Redis 7.0 lacks (from later versions); left out of comparison. */
  static final Set<String> NEWER_THAN_ORACLE =
      Set.of(
          "client|setinfo",
          "cluster|myshardid",
          "cluster|migrateslots",
          "cluster|getslotmigrations",
          "cluster|cancelslotmigrations",
          "cluster|syncslots");

  private static List<String> ourCommandNames() {
    CommandTable t = new CommandTable();
    Commands.registerAll(t);
    List<String> names = new ArrayList<>();
    for (CommandSpec c : t.all()) {
      names.add(c.name);
    }
    return names;
  }

  /** The oracle's reply with subcommands sorted; ours also without {@link #NEWER_THAN_ORACLE}. */
  static String normalize(String wire) {
    RespTree t = RespTree.parse(wire);
    return normalize(t).wire();
  }

  private static RespTree normalize(RespTree t) {
    if (t.children == null || t.children.size() != 1) {
      return t;
    }
    RespTree entry = t.children.get(0);
    if (entry.children == null || entry.children.size() != 10) {
      return t;
    }
    List<RespTree> fields = new ArrayList<>(entry.children);
    List<RespTree> subs = new ArrayList<>();
    for (RespTree s : fields.get(9).children) {
      if (!NEWER_THAN_ORACLE.contains(s.children.get(0).text())) {
        subs.add(s);
      }
    }
    subs.sort(Comparator.comparing(s -> s.children.get(0).text()));
    fields.set(9, fields.get(9).withChildren(subs));
    return t.withChildren(List.of(entry.withChildren(fields)));
  }

  static Map<String, String> loadRecording() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (InputStream in =
        CommandTableVsRedisTest.class.getClassLoader().getResourceAsStream(RECORDING)) {
      assertThat(in).as("recording " + RECORDING).isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        out.put(line.substring(0, tab), unescape(line.substring(tab + 1)));
      }
    }
    return out;
  }

  @Test
  void everyCommandMatchesTheRecording() throws IOException {
    Map<String, String> recorded = loadRecording();
    List<String> missing = new ArrayList<>();
    SoftAssertions soft = new SoftAssertions();
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      for (String name : ourCommandNames()) {
        String want = recorded.get(name);
        if (want == null) {
          missing.add(name);
          continue;
        }
        soft.assertThat(normalize(c.call("COMMAND", "INFO", name)))
            .as("COMMAND INFO " + name)
            .isEqualTo(normalize(want));
      }
    }
    soft.assertAll();
    assertThat(missing)
        .as("commands with no recorded Redis reply: re-record (see class comment)")
        .isEmpty();
  }

  @Test
  void everyCommandMatchesLiveRedis() throws Exception {
    assumeTrue(ORACLE_VERSION.equals(RealRedis.version()), "redis-server 7.0.15 not on PATH");
    try (RealRedis redis = RealRedis.start();
        RespClient r = redis.client();
        TestServer s = TestServer.start();
        RespClient c = s.client()) {
      SoftAssertions soft = new SoftAssertions();
      for (String name : ourCommandNames()) {
        String want = r.call("COMMAND", "INFO", name);
        soft.assertThat(normalize(c.call("COMMAND", "INFO", name)))
            .as("COMMAND INFO " + name)
            .isEqualTo(normalize(want));
      }
      soft.assertAll();
    }
  }

  /** Writes the oracle's COMMAND INFO reply of every command in our table to the recording. */
  @Test
  @EnabledIfSystemProperty(named = "cinnabar.record", matches = "true")
  void record() throws Exception {
    assertThat(RealRedis.version()).isEqualTo(ORACLE_VERSION);
    Path file = Path.of("src/test/resources").resolve(RECORDING);
    StringBuilder sb = new StringBuilder();
    sb.append("# COMMAND INFO <name> replies (RESP2) of redis-server ")
        .append(ORACLE_VERSION)
        .append(", one per line: name TAB escaped reply.\n")
        .append("# Generated by CommandTableVsRedisTest#record; do not edit by hand.\n");
    try (RealRedis redis = RealRedis.start();
        RespClient r = redis.client()) {
      for (String name : new java.util.TreeSet<>(ourCommandNames())) {
        sb.append(name).append('\t').append(escape(r.call("COMMAND", "INFO", name))).append('\n');
      }
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (ch < 0x20 || ch > 0x7e) {
            sb.append(String.format("\\x%02x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.toString();
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '\\') {
        sb.append(ch);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'r' -> sb.append('\r');
        case 'n' -> sb.append('\n');
        case 'x' -> {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> sb.append(n);
      }
    }
    return sb.toString();
  }
}
