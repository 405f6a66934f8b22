package io.cinnabar.differential;

import io.cinnabar.protocol.ArgSplitter;
import io.cinnabar.protocol.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A differential script: one command per line, split as redis-cli splits (sdssplitargs quoting);
 * '#' comments and blank lines ignored; prefixes {@code !sort}, {@code !skip} and {@code !raw}. A
 * header line {@code #!requires cmd ...} skips the script while Cinnabar lacks one of the commands
 * (it covers behaviour that needs a later feature, e.g. WRONGTYPE against a list).
 */
final class Script {
  enum Kind {
    COMMAND,
    SORT,
    SKIP,
    RAW
  }

  /** One line to run: its 1-based line number, its text, and the bytes or arguments to send. */
  record Step(int line, String text, Kind kind, List<byte[]> args, byte[] raw) {
    boolean compared() {
      return kind != Kind.SKIP;
    }
  }

  final String name;
  final List<Step> steps;

  /** Commands the script needs ("#!requires lpush hset"); it is skipped until they exist. */
  final List<String> requires;

  private Script(String name, List<Step> steps, List<String> requires) {
    this.name = name;
    this.steps = steps;
    this.requires = requires;
  }

  static Script load(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
    return parse(name, Files.readString(file, StandardCharsets.UTF_8));
  }

  static Script parse(String name, String text) {
    List<Step> steps = new ArrayList<>();
    List<String> requires = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("#!requires ")) {
        requires.addAll(List.of(line.substring("#!requires ".length()).trim().split("\\s+")));
        continue;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int lineNo = i + 1;
      Kind kind = Kind.COMMAND;
      String body = line;
      if (line.startsWith("!")) {
        int sp = line.indexOf(' ');
        String prefix = sp < 0 ? line : line.substring(0, sp);
        body = sp < 0 ? "" : line.substring(sp + 1).strip();
        kind =
            switch (prefix) {
              case "!sort" -> Kind.SORT;
              case "!skip" -> Kind.SKIP;
              case "!raw" -> Kind.RAW;
              default ->
                  throw new IllegalArgumentException(
                      name + ".txt:" + lineNo + ": unknown prefix " + prefix);
            };
      }
      if (kind == Kind.RAW) {
        steps.add(new Step(lineNo, line, kind, List.of(), Wire.unescape(body)));
        continue;
      }
      List<byte[]> args = split(body);
      if (args == null || args.isEmpty()) {
        throw new IllegalArgumentException(
            name + ".txt:" + lineNo + ": unbalanced quotes or empty command: " + line);
      }
      steps.add(new Step(lineNo, line, kind, args, null));
    }
    return new Script(name, steps, requires);
  }

  /** Splits like redis-cli (Redis's sdssplitargs); null on unbalanced quotes. */
  static List<byte[]> split(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    Request r = new Request();
    if (!ArgSplitter.split(b, 0, b.length, r)) {
      return null;
    }
    List<byte[]> out = new ArrayList<>(r.argc);
    for (int i = 0; i < r.argc; i++) {
      out.add(r.copy(i));
    }
    return out;
  }
}
