package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyspace notifications: the writes of {@code notifications/writes.txt} (every string, generic,
 * hash and list write path) run with notify-keyspace-events set to a class string, and the messages
 * a PSUBSCRIBE '__key*__:*' client receives, in order, must equal redis-server's: recorded in
 * {@code notifications/<classes>.expected}, and compared live when redis-server is installed.
 * Re-record with {@code -Dnotifications.record=true}.
 */
class KeyspaceEventsTest {
  private static final Path DIR =
      Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "notifications");

  @ParameterizedTest
  @ValueSource(strings = {"KEA", "KEAn", "Kg", "E$", "Elh", "Exn", "Kd", "Km", "KEAm"})
  void eventsMatchRedis(String classes) throws Exception {
    List<String[]> script = script();
    List<String> actual;
    try (TestServer s = TestServer.start()) {
      actual = run(s.port(), classes, script);
    }
    Path expectedFile = DIR.resolve(fileName(classes) + ".expected");
    if (RealRedis.available()) {
      List<String> live;
      try (RealRedis r = RealRedis.start()) {
        live = run(r.port(), classes, script);
      }
      if (Boolean.getBoolean("notifications.record") || !Files.exists(expectedFile)) {
        Files.write(expectedFile, live, StandardCharsets.UTF_8);
      }
      assertThat(actual).as("vs live redis-server").containsExactlyElementsOf(live);
    }
    List<String> recorded = Files.readAllLines(expectedFile, StandardCharsets.UTF_8);
    assertThat(actual).as("vs " + expectedFile.getFileName()).containsExactlyElementsOf(recorded);
  }

  private static String fileName(String classes) {
    return classes.replace("$", "dollar");
  }

  private static List<String[]> script() throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve("writes.txt"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      out.add(
          Arrays.stream(line.trim().split(" +"))
              .map(a -> a.equals("\"\"") ? "" : a)
              .toArray(String[]::new));
    }
    return out;
  }

  /** Runs the script, then lets one key expire; returns "channel message" per notification. */
  private static List<String> run(int port, String classes, List<String[]> script)
      throws Exception {
    try (RespClient c = new RespClient("127.0.0.1", port);
        RespClient sub = new RespClient("127.0.0.1", port)) {
      c.call("FLUSHALL");
      assertThat(c.call("CONFIG", "SET", "notify-keyspace-events", classes)).isEqualTo("+OK\r\n");
      sub.call("PSUBSCRIBE", "__key*__:*");
      sub.call("SUBSCRIBE", "end-of-script");
      for (String[] cmd : script) {
        c.call(cmd);
      }
      c.call("SET", "x", "1", "PX", "20");
      Await.until("x expired", 5000, () -> c.call("EXISTS", "x").equals(":0\r\n"));
      c.call("PUBLISH", "end-of-script", "done");
      List<String> out = new ArrayList<>();
      while (true) {
        String[] parts = sub.readReply().split("\r\n");
        if (parts[2].equals("message")) {
          return out;
        }
        out.add(parts[6] + " " + parts[8]);
      }
    }
  }
}
