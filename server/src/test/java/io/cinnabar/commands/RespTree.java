package io.cinnabar.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed RESP reply (wire text in, wire text out), so tests can normalise parts whose order Redis
 * leaves to hash iteration before comparing bytes.
 */
final class RespTree {
  final char type;
  final String line;
  final String bulk;
  final List<RespTree> children;

  private RespTree(char type, String line, String bulk, List<RespTree> children) {
    this.type = type;
    this.line = line;
    this.bulk = bulk;
    this.children = children;
  }

  static RespTree parse(String wire) {
    int[] pos = {0};
    RespTree t = parse(wire, pos);
    if (pos[0] != wire.length()) {
      throw new IllegalArgumentException("trailing bytes after reply");
    }
    return t;
  }

  private static RespTree parse(String s, int[] pos) {
    int eol = s.indexOf("\r\n", pos[0]);
    char type = s.charAt(pos[0]);
    String line = s.substring(pos[0] + 1, eol);
    pos[0] = eol + 2;
    switch (type) {
      case '$', '=' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return new RespTree(type, line, null, null);
        }
        String b = s.substring(pos[0], pos[0] + n);
        pos[0] += n + 2;
        return new RespTree(type, line, b, null);
      }
      case '*', '~', '%', '>' -> {
        int n = Integer.parseInt(line);
        List<RespTree> kids = new ArrayList<>();
        int count = type == '%' ? 2 * n : n;
        for (int i = 0; i < count; i++) {
          kids.add(parse(s, pos));
        }
        return new RespTree(type, line, null, n < 0 ? null : kids);
      }
      default -> {
        return new RespTree(type, line, null, null);
      }
    }
  }

  RespTree withChildren(List<RespTree> kids) {
    int n = type == '%' ? kids.size() / 2 : kids.size();
    return new RespTree(type, Integer.toString(n), null, kids);
  }

  /** The text of a bulk or simple string. */
  String text() {
    return bulk != null ? bulk : line;
  }

  String wire() {
    StringBuilder sb = new StringBuilder();
    write(sb);
    return sb.toString();
  }

  private void write(StringBuilder sb) {
    sb.append(type).append(line).append("\r\n");
    if (bulk != null) {
      sb.append(bulk).append("\r\n");
    }
    if (children != null) {
      for (RespTree c : children) {
        c.write(sb);
      }
    }
  }
}
