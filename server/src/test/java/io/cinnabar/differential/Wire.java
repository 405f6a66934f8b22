package io.cinnabar.differential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Byte-level helpers for the differential runner: escaping, RESP framing, top-level sorting. */
public final class Wire {
  private Wire() {}

  /**
   * Escapes reply bytes into one readable line: printable ASCII as is (except '\' and '<', so the
   * runner's markers stay unambiguous), \r \n \t, and \xHH for everything else.
   */
  public static String escape(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length + 16);
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xFF;
      if (c == ' ' && i == b.length - 1) {
        sb.append("\\x20"); // a trailing blank would not survive editors
        continue;
      }
      switch (c) {
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\\' -> sb.append("\\\\");
        case '<' -> sb.append("\\x3c");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\x%02x", c));
          }
        }
      }
    }
    return sb.toString();
  }

  /** The inverse of the escapes a !raw line may use: \r \n \t \0 \\ \" \' and \xHH. */
  static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (c != '\\' || i + 1 >= b.length) {
        out.write(c);
        continue;
      }
      byte e = b[++i];
      switch (e) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case '0' -> out.write(0);
        case 'x' -> {
          if (i + 2 < b.length && isHex(b[i + 1]) && isHex(b[i + 2])) {
            out.write(Integer.parseInt(new String(b, i + 1, 2, StandardCharsets.US_ASCII), 16));
            i += 2;
          } else {
            out.write('\\');
            out.write('x');
          }
        }
        default -> out.write(e);
      }
    }
    return out.toByteArray();
  }

  private static boolean isHex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** A command as a RESP multibulk request. */
  static byte[] multibulk(List<byte[]> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(a);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  /**
   * The end (exclusive) of the RESP value starting at {@code pos}, or -1 if {@code b} holds only
   * part of it. Unknown type bytes end the value at the end of their line.
   */
  public static int valueEnd(byte[] b, int pos) {
    int eol = lineEnd(b, pos);
    if (eol < 0) {
      return -1;
    }
    int next = eol + 2;
    char type = (char) b[pos];
    long n;
    switch (type) {
      case '$', '=', '!' -> {
        n = parseLen(b, pos + 1, eol);
        if (n < 0) {
          return next;
        }
        return next + n + 2 <= b.length ? (int) (next + n + 2) : -1;
      }
      case '*', '~', '>', '%', '|' -> {
        n = parseLen(b, pos + 1, eol);
        if (type == '%' || type == '|') {
          n *= 2;
        }
        int p = next;
        for (long i = 0; i < n; i++) {
          p = valueEnd(b, p);
          if (p < 0) {
            return -1;
          }
        }
        return p;
      }
      default -> {
        return next;
      }
    }
  }

  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long parseLen(byte[] b, int from, int to) {
    try {
      return Long.parseLong(new String(b, from, to - from, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Sorts the elements of a top-level aggregate reply (pairs for maps) by their bytes, so replies
   * whose order is unspecified (SMEMBERS, KEYS) compare equal. Other replies are returned as is.
   */
  static byte[] sortTopLevel(byte[] b) {
    if (b.length == 0 || "*~%>|".indexOf((char) b[0]) < 0 || valueEnd(b, 0) != b.length) {
      return b;
    }
    int eol = lineEnd(b, 0);
    long n = parseLen(b, 1, eol);
    if (n <= 0) {
      return b;
    }
    int group = (b[0] == '%' || b[0] == '|') ? 2 : 1;
    List<byte[]> elems = new ArrayList<>();
    int p = eol + 2;
    for (long i = 0; i < n; i++) {
      int start = p;
      for (int g = 0; g < group; g++) {
        p = valueEnd(b, p);
      }
      elems.add(Arrays.copyOfRange(b, start, p));
    }
    elems.sort(Arrays::compareUnsigned);
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
    out.write(b, 0, eol + 2);
    elems.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
