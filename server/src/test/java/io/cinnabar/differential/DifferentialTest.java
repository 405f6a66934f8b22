package io.cinnabar.differential;

import static org.assertj.core.api.Assertions.fail;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every script in {@code src/test/resources/differential/*.txt} against Cinnabar and compares
 * each reply byte for byte with redis-server's: live when redis-server is on PATH, else with the
 * replies recorded in {@code <name>.expected}. Each script gets one fresh Cinnabar and one fresh
 * redis-server, run concurrently. Every mismatching line of a script is reported.
 *
 * <p>Properties: {@code -Ddifferential.record=true} rewrites the recordings from live redis (also
 * done for a script with no recording); {@code -Ddifferential.only=a,b} runs only those scripts;
 * {@code -Dredis.live=false} ignores an installed redis-server.
 */
class DifferentialTest {
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  static Path scriptDir() {
    return Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "differential");
  }

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    List<String> only =
        System.getProperty("differential.only", "").isBlank()
            ? List.of()
            : List.of(System.getProperty("differential.only").split(","));
    List<Path> files;
    try (Stream<Path> s = Files.list(scriptDir())) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".txt"))
              .filter(p -> only.isEmpty() || only.contains(name(p)))
              .sorted()
              .toList();
    }
    return files.stream().map(f -> DynamicTest.dynamicTest(name(f), f.toUri(), () -> check(f)));
  }

  private static String name(Path p) {
    return p.getFileName().toString().replaceFirst("\\.txt$", "");
  }

  private static void check(Path file) throws Exception {
    Script script = Script.load(file);
    io.cinnabar.command.CommandTable table = new io.cinnabar.command.CommandTable();
    io.cinnabar.commands.Commands.registerAll(table);
    for (String cmd : script.requires) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          table.get(cmd) != null, script.name + ".txt needs " + cmd + ", not implemented yet");
    }
    Path expectedFile = file.resolveSibling(script.name + ".expected");
    boolean live = RealRedis.available();
    boolean exists = Files.exists(expectedFile);
    boolean record = live && (Boolean.getBoolean("differential.record") || !exists);
    if (!live && !exists) {
      fail(script.name + ".txt has no recording and redis-server is not installed to record it");
    }

    CompletableFuture<List<String>> cinnabar =
        CompletableFuture.supplyAsync(() -> runOnCinnabar(script), POOL);
    CompletableFuture<List<String>> redis =
        live ? CompletableFuture.supplyAsync(() -> runOnRedis(script), POOL) : null;
    List<String> actual = join(cinnabar);
    List<String> reference = live ? join(redis) : null;

    List<String> problems = new ArrayList<>();
    if (record) {
      Recording.write(expectedFile, script, reference);
    } else {
      List<Recording.Entry> recorded = Recording.read(expectedFile);
      List<String> recordedReplies = alignedReplies(script, recorded, problems);
      if (live) {
        diff(script, recordedReplies, reference, "recorded:", "live:", problems);
        if (!problems.isEmpty()) {
          problems.add(
              0,
              "the recording is stale (re-record: -Ddifferential.record=true -Ddifferential.only="
                  + script.name
                  + ")");
        }
      } else {
        reference = recordedReplies;
      }
    }
    List<String> mismatches = new ArrayList<>();
    diff(script, reference, actual, "expected:", "actual:", mismatches);
    if (!mismatches.isEmpty()) {
      problems.add(
          0,
          mismatches.size()
              + " line(s) differ from "
              + (live ? "live redis-server" : "the recorded replies"));
      problems.addAll(1, mismatches);
    }
    if (!problems.isEmpty()) {
      fail(script.name + ".txt:\n" + String.join("\n", problems));
    }
  }

  private static List<String> join(CompletableFuture<List<String>> f) throws Exception {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** The recorded replies in script order; lines the recording does not match become problems. */
  private static List<String> alignedReplies(
      Script script, List<Recording.Entry> recorded, List<String> problems) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < script.steps.size(); i++) {
      Script.Step s = script.steps.get(i);
      Recording.Entry e = i < recorded.size() ? recorded.get(i) : null;
      if (e == null || e.line() != s.line() || !e.text().equals(s.text())) {
        problems.add(
            "  line "
                + s.line()
                + ": not in the recording (re-record with -Ddifferential.record=true): "
                + s.text());
        out.add(null);
      } else {
        out.add(e.reply());
      }
    }
    return out;
  }

  private static void diff(
      Script script,
      List<String> expected,
      List<String> actual,
      String expectedName,
      String actualName,
      List<String> out) {
    for (int i = 0; i < script.steps.size(); i++) {
      Script.Step s = script.steps.get(i);
      String e = expected.get(i);
      if (!s.compared() || e == null || e.equals(actual.get(i))) {
        continue;
      }
      out.add(
          String.format(
              "  line %d: %s%n    %-9s %s%n    %-9s %s",
              s.line(), s.text(), expectedName, e, actualName, actual.get(i)));
    }
  }

  private static List<String> runOnCinnabar(Script script) {
    try (TestServer s = TestServer.start("enable-debug-command", "yes");
        Session session = new Session(s.port())) {
      return session.run(script);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  private static List<String> runOnRedis(Script script) {
    try (RealRedis r = RealRedis.start();
        Session session = new Session(r.port())) {
      return session.run(script);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }
}
