package io.cinnabar.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic generators of hostile input for the RESP fuzz tests: every input is a function of
 * the {@link Random} it is given, so a seed reproduces a failure. The protocol-level generators use
 * only PING, ECHO and unknown command names, so their replies can be compared with redis-server
 * byte for byte without depending on which commands or keys exist.
 */
final class FuzzInputs {
  private FuzzInputs() {}

  private static final String[] INLINE_NAMES = {"PING", "ECHO", "echo", "ping", "NOPE", "x"};

  private static final String[] INLINE_FRAGMENTS = {
    "a",
    "\"a b\"",
    "'c d'",
    "\"\\x41\\x4a\"",
    "\"\\x4\"",
    "\"\\xzz\"",
    "\"\\\\\"",
    "\"\\\"\"",
    "'it\\'s'",
    "''",
    "\"\"",
    "\"\\n\\r\\t\\b\\a\"",
    "\"unterminated",
    "'unterminated",
    "\"a\"b",
    "'a'b",
    "\"a\"\"b\"",
    "\\x41",
    "\t",
    "   ",
    "\u0000",
    "\u00ff\u00fe",
    "$3",
    "*1",
    ":1",
  };

  private static final String[] LINE_ENDS = {"\r\n", "\n", "\r\r\n", " \r\n"};

  /** One malformed or unusual input, of a category chosen by {@code r}. */
  static byte[] malformed(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> randomBytes(r);
      case 1 -> truncated(r);
      case 2 -> corrupted(r);
      case 3 -> hugeLength(r);
      case 4 -> negativeLength(r);
      case 5, 6 -> oddInline(r);
      default -> protocolError(r);
    };
  }

  static byte[] randomBytes(Random r) {
    byte[] b = new byte[1 + r.nextInt(48)];
    r.nextBytes(b);
    if (r.nextBoolean()) {
      // Mostly printable with line breaks, so the inline parser gets past the first byte.
      for (int i = 0; i < b.length; i++) {
        int k = r.nextInt(20);
        b[i] = k == 0 ? (byte) '\n' : k == 1 ? (byte) '\r' : (byte) (' ' + r.nextInt(95));
      }
      if (b[0] == '*') {
        b[0] = 'z';
      }
    }
    return b;
  }

  /** A well-formed multibulk command. */
  static byte[] validCommand(Random r) {
    List<byte[]> args = new ArrayList<>();
    args.add(ascii(r.nextBoolean() ? "ECHO" : "PING"));
    if (args.get(0)[0] == 'E' || r.nextBoolean()) {
      byte[] a = new byte[r.nextInt(12)];
      r.nextBytes(a);
      args.add(a);
    }
    return multibulk(args);
  }

  /** A valid pipeline cut short: the server must wait for the rest, then see EOF. */
  static byte[] truncated(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.writeBytes(validCommand(r));
    }
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, 1 + r.nextInt(all.length));
  }

  /** A valid pipeline with a few bytes replaced. */
  static byte[] corrupted(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.writeBytes(validCommand(r));
    }
    byte[] b = out.toByteArray();
    int flips = 1 + r.nextInt(3);
    byte[] pool = ascii("*$\r\n-0123456789xX \"'");
    for (int i = 0; i < flips; i++) {
      b[r.nextInt(b.length)] = r.nextBoolean() ? pool[r.nextInt(pool.length)] : (byte) r.nextInt();
    }
    return b;
  }

  static byte[] hugeLength(Random r) {
    String[] counts = {
      "2147483647", "2147483648", "9223372036854775807", "99999999999999999999", "1000000"
    };
    String[] lens = {
      "536870912", "536870913", "9223372036854775807", "18446744073709551616", "1000000", "16385"
    };
    String s =
        r.nextBoolean()
            ? "*" + counts[r.nextInt(counts.length)] + "\r\n"
            : "*1\r\n$" + lens[r.nextInt(lens.length)] + "\r\n";
    if (r.nextBoolean()) {
      s += "abc";
    }
    return ascii(s);
  }

  static byte[] negativeLength(Random r) {
    String[] forms = {
      "*-1\r\nPING\r\n",
      "*-100\r\n",
      "*1\r\n$-1\r\n",
      "*1\r\n$-100\r\n",
      "*2\r\n$4\r\nECHO\r\n$-0\r\n",
      "*-0\r\nPING\r\n",
      "*0\r\n*0\r\nPING\r\n",
      "*1\r\n$+4\r\nPING\r\n",
      "*+1\r\n$4\r\nPING\r\n",
      "*1\r\n$04\r\nPING\r\n",
      "*01\r\n$4\r\nPING\r\n",
      "*1\r\n$\r\n",
      "*\r\n",
      "*1\r\n$4 \r\nPING\r\n",
    };
    return ascii(forms[r.nextInt(forms.length)]);
  }

  static byte[] oddInline(Random r) {
    StringBuilder sb = new StringBuilder();
    int lines = 1 + r.nextInt(3);
    for (int l = 0; l < lines; l++) {
      sb.append(INLINE_NAMES[r.nextInt(INLINE_NAMES.length)]);
      int args = r.nextInt(4);
      for (int i = 0; i < args; i++) {
        sb.append(r.nextInt(4) == 0 ? "  " : " ");
        int parts = 1 + (r.nextInt(4) == 0 ? 1 : 0);
        for (int p = 0; p < parts; p++) {
          sb.append(INLINE_FRAGMENTS[r.nextInt(INLINE_FRAGMENTS.length)]);
        }
      }
      sb.append(LINE_ENDS[r.nextInt(LINE_ENDS.length)]);
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * An input that must get exactly one "-ERR Protocol error..." reply, then a closed connection.
   */
  static byte[] protocolError(Random r) {
    String[] forms = {
      "*abc\r\n",
      "*1a\r\n",
      "* 1\r\n",
      "*99999999999999999999\r\n",
      "*3000000000\r\n",
      "*1\r\nfoo\r\n",
      "*2\r\n$4\r\nECHO\r\n:12\r\n",
      "*1\r\n$abc\r\n",
      "*1\r\n$-5\r\n",
      "*1\r\n$600000000\r\n",
      "*1\r\n$9223372036854775808\r\n",
      "ECHO \"unbalanced\r\n",
      "ECHO 'unbalanced\r\n",
      "ECHO \"closing\"quote\r\n",
      "ECHO 'closing'quote\n",
    };
    return ascii(forms[r.nextInt(forms.length)]);
  }

  /** More than 64 KB without a line end: "too big inline request" / "too big mbulk count". */
  static byte[] tooBig(Random r) {
    byte[] b = new byte[70_000 + r.nextInt(1000)];
    java.util.Arrays.fill(b, (byte) 'a');
    if (r.nextBoolean()) {
      b[0] = '*';
    } else if (r.nextBoolean()) {
      byte[] head = ascii("*1\r\n$");
      System.arraycopy(head, 0, b, 0, head.length);
      java.util.Arrays.fill(b, head.length, b.length, (byte) '1');
    }
    return b;
  }

  private static final String[] ARG_POOL = {
    "k0",
    "k1",
    "k2",
    "k3",
    "",
    "0",
    "1",
    "-1",
    "2",
    "3",
    "10",
    "100",
    "-100",
    "1000",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "3.14",
    "-0.5",
    "1e10",
    "inf",
    "-inf",
    "+inf",
    "nan",
    "abc",
    "NX",
    "XX",
    "EX",
    "PX",
    "EXAT",
    "PXAT",
    "KEEPTTL",
    "GET",
    "GT",
    "LT",
    "CH",
    "INCR",
    "WITHSCORES",
    "LIMIT",
    "COUNT",
    "MATCH",
    "TYPE",
    "BY",
    "STORE",
    "ASYNC",
    "SYNC",
    "REPLACE",
    "DB",
    "LEFT",
    "RIGHT",
    "BEFORE",
    "AFTER",
    "*",
    "?",
    "[",
    "\\",
    "FIELDS",
    "ABSTTL",
    "IDLETIME",
    "FREQ",
    "MINMATCHLEN",
    "WITHMATCHLEN",
    "LEN",
    "IDX",
    "RANK",
    "MAXLEN",
    "~",
    "=",
    "+",
    "-",
    "$",
    ">",
    "BYTE",
    "BIT",
    "u8",
    "i64",
    "#1",
    "OVERFLOW",
    "SAT",
  };

  /** A multibulk command: a real command name from {@code names} with arguments from a pool. */
  static byte[] realCommand(Random r, List<String> names) {
    List<byte[]> args = new ArrayList<>();
    String name = names.get(r.nextInt(names.size()));
    args.add(ascii(r.nextBoolean() ? name : name.toUpperCase(java.util.Locale.ROOT)));
    int n = r.nextInt(7);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(10) == 0) {
        byte[] b = new byte[r.nextInt(20)];
        r.nextBytes(b);
        args.add(b);
      } else {
        args.add(ascii(ARG_POOL[r.nextInt(ARG_POOL.length)]));
      }
    }
    return multibulk(args);
  }

  static byte[] multibulk(List<byte[]> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("*" + args.size() + "\r\n"));
    for (byte[] a : args) {
      out.writeBytes(ascii("$" + a.length + "\r\n"));
      out.writeBytes(a);
      out.writeBytes(ascii("\r\n"));
    }
    return out.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
