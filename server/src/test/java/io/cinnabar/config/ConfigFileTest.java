package io.cinnabar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir Path tmp;

  private static Config load(String text) throws Exception {
    Config c = new Config();
    ConfigFile.loadText(c, text);
    return c;
  }

  private static ConfigFile.LoadException error(String text) {
    try {
      load(text);
    } catch (ConfigFile.LoadException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("loaded: " + text);
  }

  @Test
  void quotingCommentsAndCase() throws Exception {
    Path d = Files.createDirectory(tmp.resolve("a b"));
    Config c =
        load(
            "# comment\n\n  MaxMemory 10mb  \r\nlogfile ''\nrequirepass \"p\\x41ss\"\n"
                + "dir \""
                + d
                + "\"\n");
    assertThat(c.get("maxmemory")).isEqualTo("10485760");
    assertThat(c.get("logfile")).isEmpty();
    assertThat(c.get("requirepass")).isEqualTo("pAss");
    assertThat(c.get("dir")).isEqualTo(d.toRealPath().toString());
  }

  @Test
  void lastValueWinsAndSaveLinesAccumulate() throws Exception {
    Config c = load("hz 5\nhz 7\nsave 100 1\nsave 200 2\nbind 127.0.0.1 ::1\n");
    assertThat(c.get("hz")).isEqualTo("7");
    assertThat(c.get("save")).isEqualTo("100 1 200 2");
    assertThat(c.get("bind")).isEqualTo("127.0.0.1 ::1");
    assertThat(load("save \"\"\n").get("save")).isEmpty();
    assertThat(load("save \"\"\nsave 10 1\n").get("save")).isEqualTo("10 1");
    assertThat(load("hz 1\n").get("save")).isEqualTo(SpecialDirectives.DEFAULT_SAVE);
  }

  @Test
  void errorsCarryLineAndRedisReason() {
    ConfigFile.LoadException e = error("\n\n  # c\nhz 1\nfoo bar\n");
    assertThat(e.line).isEqualTo(5);
    assertThat(e.text).isEqualTo("foo bar");
    assertThat(e.reason).isEqualTo("Bad directive or wrong number of arguments");
    assertThat(e.report("7.0.15"))
        .isEqualTo(
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file, at line 5\n"
                + ">>> 'foo bar'\n"
                + "Bad directive or wrong number of arguments\n");
    assertThat(error("daemonize maybe").reason).isEqualTo("argument must be 'yes' or 'no'");
    assertThat(error("port 70000").reason)
        .isEqualTo("argument must be between 0 and 65535 inclusive");
    assertThat(error("maxmemory 1 2").reason).isEqualTo("wrong number of arguments");
    assertThat(error("hz").reason).isEqualTo("wrong number of arguments");
    assertThat(error("port \"6379").reason).isEqualTo("Unbalanced quotes in configuration line");
    assertThat(error("rename-command foo bar").reason)
        .isEqualTo("No such command in rename-command");
    assertThat(error("rename-command get set").reason)
        .isEqualTo("Target command name already exists");
    assertThat(error("list-max-ziplist-value 3 4").reason)
        .isEqualTo("Bad directive or wrong number of arguments");
    assertThat(error("sentinel foo").reason)
        .isEqualTo("sentinel directive while not in sentinel mode");
    ConfigFile.LoadException late = error("cluster-enabled yes\nreplicaof 1.2.3.4 5\n");
    assertThat(late.line).isZero();
    assertThat(late.report("7.0.15"))
        .isEqualTo(
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "replicaof directive not allowed in cluster mode\n");
    assertThat(error("logfile /nonexistent-dir/x.log").reason)
        .isEqualTo("Can't open the log file: No such file or directory");
  }

  @Test
  void deprecatedAndAcceptedDirectives() throws Exception {
    Config c =
        load(
            "list-max-ziplist-entries 5\nlua-replicate-commands yes\nrename-command echo \"\"\n"
                + "user bob on >x ~* +@all\nslave-serve-stale-data no\n");
    assertThat(c.renameCommands).containsExactly(List.of("echo", ""));
    assertThat(c.userLines).containsExactly(List.of("bob", "on", ">x", "~*", "+@all"));
    assertThat(c.get("replica-serve-stale-data")).isEqualTo("no");
  }

  @Test
  void includeAndRelativePathsFollowDir() throws Exception {
    Path sub = Files.createDirectory(tmp.resolve("sub"));
    Files.writeString(sub.resolve("inc.conf"), "hz 42\nlogfile my.log\n");
    Files.writeString(sub.resolve("x1.conf"), "maxmemory 1mb\n");
    Files.writeString(sub.resolve("x2.conf"), "maxmemory 2mb\n");
    Config c =
        load(
            "dir "
                + sub
                + "\ninclude inc.conf\ninclude "
                + sub
                + "/x*.conf\ninclude "
                + sub
                + "/none*.conf\npidfile r.pid\n");
    assertThat(c.get("hz")).isEqualTo("42");
    assertThat(c.get("maxmemory")).isEqualTo("2097152");
    assertThat(c.resolvePath("logfile")).isEqualTo(sub.toRealPath().resolve("my.log"));
    assertThat(c.resolvePath("pidfile")).isEqualTo(sub.toRealPath().resolve("r.pid"));
    assertThat(c.resolvePath("/abs/file")).isEqualTo(Path.of("/abs/file"));
    assertThatThrownBy(() -> load("include " + sub + "/missing.conf"))
        .isInstanceOf(ConfigFile.FatalException.class)
        .hasMessage(
            "Fatal error, can't open config file '"
                + sub
                + "/missing.conf': No such file or directory");
  }

  @Test
  void commandLineOptionsBecomeQuotedLines() {
    assertThat(ConfigFile.optionsText(List.of("--port", "7777", "--save", "--hz", "5")))
        .isEqualTo("port \"7777\" \nsave \"\"\nhz \"5\" ");
    assertThat(ConfigFile.optionsText(List.of("--save"))).isEqualTo("save \"\"");
    assertThat(ConfigFile.optionsText(List.of("--bind", "1.2.3.4", "::1", "--port 6380")))
        .isEqualTo("bind \"1.2.3.4\" \"::1\" \nport 6380 ");
    assertThat(ConfigFile.optionsText(List.of("--requirepass", "a \"b\"")))
        .isEqualTo("requirepass \"a \\\"b\\\"\" ");
  }

  @Test
  void optionLineNumbersCountAfterTheFile() {
    ConfigFile.LoadException e =
        error("hz 1\n" + "\n" + ConfigFile.optionsText(List.of("--port", "abc")));
    assertThat(e.line).isEqualTo(3);
    assertThat(e.text).isEqualTo("port \"abc\"");
  }

  @Test
  void rewriteKeepsCommentsReplacesInPlaceAndAppends() throws Exception {
    Path f = tmp.resolve("r.conf");
    Files.writeString(
        f,
        "# my comment\nhz 15\nport 7000\nport 7001\nslave-read-only no\n"
            + "list-max-ziplist-entries 5\nmaxmemory 2mb\n\n\nrename-command ECHO \"\"\n"
            + "client-output-buffer-limit replica 1mb 2mb 10\n");
    Config c = new Config();
    ConfigFile.load(c, f);
    c.set("hz", "10");
    c.set("maxmemory-policy", "allkeys-lru");
    c.set("requirepass", "a\"b\n");
    ConfigRewrite.rewrite(c, f);
    assertThat(Files.readString(f))
        .isEqualTo(
            "# my comment\nhz 10\nport 7001\n\nreplica-read-only no\n"
                + "# ??? list-max-ziplist-entries 5\nmaxmemory 2mb\n\nrename-command ECHO \"\"\n"
                + "client-output-buffer-limit normal 0 0 0\n\n"
                + "# Generated by CONFIG REWRITE\n"
                + "requirepass \"a\\\"b\\n\"\n"
                + "maxmemory-policy allkeys-lru\n"
                + "dir \""
                + c.get("dir")
                + "\"\n"
                + "save 3600 1\nsave 300 100\nsave 60 10000\n"
                + "client-output-buffer-limit replica 1mb 2mb 10\n"
                + "latency-tracking-info-percentiles 50 99 99.9\n");
    // Like Redis, the next rewrite keeps the file's final empty line; then it is stable.
    String once = Files.readString(f);
    ConfigRewrite.rewrite(c, f);
    assertThat(Files.readString(f)).isEqualTo(once + "\n");
    ConfigRewrite.rewrite(c, f);
    assertThat(Files.readString(f)).isEqualTo(once + "\n");
    Config again = new Config();
    ConfigFile.load(again, f);
    assertThat(again.get("requirepass")).isEqualTo("a\"b\n");
    assertThat(again.get("client-output-buffer-limit"))
        .isEqualTo(c.get("client-output-buffer-limit"));
  }

  @Test
  void missingFileIsFatal() {
    assertThatThrownBy(() -> ConfigFile.load(new Config(), tmp.resolve("nope.conf")))
        .isInstanceOf(ConfigFile.FatalException.class);
  }
}
