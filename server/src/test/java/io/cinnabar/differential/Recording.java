package io.cinnabar.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies redis-server gave to a script, stored next to it as {@code <name>.expected}. Each
 * entry is a header line {@code @<line> <script text>} followed by the canonical reply (see {@link
 * Session}), split after every escaped CRLF and indented by four spaces, so a reply reads as it
 * looks on the wire.
 */
final class Recording {
  record Entry(int line, String text, String reply) {}

  private static final String INDENT = "    ";

  private Recording() {}

  static List<Entry> read(Path file) throws IOException {
    List<Entry> out = new ArrayList<>();
    int line = -1;
    String text = null;
    StringBuilder reply = new StringBuilder();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (l.startsWith("@")) {
        if (text != null) {
          out.add(new Entry(line, text, reply.toString()));
        }
        int sp = l.indexOf(' ');
        line = Integer.parseInt(l.substring(1, sp < 0 ? l.length() : sp));
        text = sp < 0 ? "" : l.substring(sp + 1);
        reply.setLength(0);
      } else if (l.startsWith(INDENT) && text != null) {
        reply.append(l, INDENT.length(), l.length());
      }
    }
    if (text != null) {
      out.add(new Entry(line, text, reply.toString()));
    }
    return out;
  }

  static void write(Path file, Script script, List<String> replies) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Replies of redis-server to ")
        .append(script.name)
        .append(".txt, recorded by DifferentialTest: re-record with\n")
        .append("# mvn -o -pl server test -Dtest=DifferentialTest -Ddifferential.record=true")
        .append(" -Ddifferential.only=")
        .append(script.name)
        .append(
            "\n# Format: '@<line> <command>', then the escaped reply split after each \\r\\n.\n")
        .append(
            "# <CLOSED>: the server closed the connection; <reconnected>: it was closed before.\n");
    for (int i = 0; i < script.steps.size(); i++) {
      Script.Step s = script.steps.get(i);
      sb.append('@').append(s.line()).append(' ').append(s.text()).append('\n');
      String r = replies.get(i);
      int from = 0;
      while (from < r.length()) {
        int crlf = r.indexOf("\\r\\n", from);
        int to = crlf < 0 ? r.length() : crlf + 4;
        sb.append(INDENT).append(r, from, to).append('\n');
        from = to;
      }
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }
}
