package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.hash.Hash;
import java.util.regex.Pattern;

/** SORT's BY/GET pattern lookups (sort.c lookupKeyByPattern) and its strtod score rules. */
final class SortPatterns {
  private SortPatterns() {}

  /** The pattern's length as C sees it (up to the first NUL). */
  private static int cLen(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (b[off + i] == 0) {
        return i;
      }
    }
    return len;
  }

  static boolean hasStar(Request r, int i) {
    return star(r.bufs[i], r.offs[i], r.lens[i]) >= 0;
  }

  private static int star(byte[] b, int off, int len) {
    int n = cLen(b, off, len);
    for (int i = 0; i < n; i++) {
      if (b[off + i] == '*') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The value the pattern at argument {@code patArg} gives for element {@code subst}: the element
   * itself for "#", else the string at the key with the first '*' replaced by the element, or the
   * hash field after "->" at that key. Null when there is no '*', no such key, or the wrong type.
   */
  static byte[] lookup(Client c, int patArg, byte[] subst) {
    Request r = c.req;
    byte[] b = r.bufs[patArg];
    int off = r.offs[patArg];
    int len = r.lens[patArg];
    if (cLen(b, off, len) == 1 && b[off] == '#') {
      return subst;
    }
    int p = star(b, off, len);
    if (p < 0) {
      return null;
    }
    int fieldLen = 0;
    int n = cLen(b, off, len);
    for (int i = p + 1; i + 1 < n; i++) {
      if (b[off + i] == '-' && b[off + i + 1] == '>') {
        if (i + 2 < n) {
          fieldLen = len - i - 2;
        }
        break;
      }
    }
    int postfix = len - (p + 1) - (fieldLen > 0 ? fieldLen + 2 : 0);
    byte[] key = new byte[p + subst.length + postfix];
    System.arraycopy(b, off, key, 0, p);
    System.arraycopy(subst, 0, key, p, subst.length);
    System.arraycopy(b, off + p + 1, key, p + subst.length, postfix);
    Entry e = c.db.lookupRead(key, c.server.now(), c.server.lruClock());
    if (e == null) {
      return null;
    }
    if (fieldLen > 0) {
      if (e.type() != ValueType.HASH) {
        return null;
      }
      return ((Hash) e.value()).get(b, off + len - fieldLen, fieldLen);
    }
    return e.type() == ValueType.STRING ? (byte[]) e.value() : null;
  }

  private static boolean isSpace(int ch) {
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
  }

  /**
   * C's strtod applied as SORT does: the whole string (up to a NUL) must be consumed, and a NaN or
   * an out-of-range result (overflow, or underflow to zero or a subnormal) is an error. Returns NaN
   * for an error.
   */
  private static final Pattern DECIMAL =
      Pattern.compile("([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?");

  private static final Pattern HEX =
      Pattern.compile("([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?");
  private static final Pattern NONZERO = Pattern.compile("[1-9]");

  static double strtod(byte[] v) {
    int n = cLen(v, 0, v.length);
    if (n == 0) {
      return 0; // nothing converted, and the end pointer is at the NUL: Redis accepts it
    }
    int i = 0;
    while (i < n && isSpace(v[i])) {
      i++;
    }
    // Plain integers, the common case, without the general parse (exact: at most 15 digits).
    int j = i < n && (v[i] == '-' || v[i] == '+') ? i + 1 : i;
    if (j < n && n - j <= 15) {
      long x = 0;
      int k = j;
      while (k < n && v[k] >= '0' && v[k] <= '9') {
        x = x * 10 + (v[k++] - '0');
      }
      if (k == n) {
        return v[i] == '-' ? -(double) x : (double) x;
      }
    }
    String s = new String(v, i, n - i, java.nio.charset.StandardCharsets.ISO_8859_1);
    String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
    String lower = body.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    double d;
    if (lower.startsWith("0x")) {
      d = hex(lower.substring(2));
      if (Double.isNaN(d)) {
        return d;
      }
    } else {
      if (!DECIMAL.matcher(lower).matches()) {
        return Double.NaN;
      }
      d = Double.parseDouble(lower);
      int e = lower.indexOf('e');
      if (d == 0 && NONZERO.matcher(e < 0 ? lower : lower.substring(0, e)).find()) {
        return Double.NaN; // underflow: ERANGE
      }
    }
    if (Double.isInfinite(d) || (d != 0 && Math.abs(d) < Double.MIN_NORMAL)) {
      return Double.NaN;
    }
    return s.startsWith("-") ? -d : d;
  }

  private static double hex(String h) {
    if (!HEX.matcher(h).matches()) {
      return Double.NaN;
    }
    return Double.parseDouble("0x" + (h.contains("p") ? h : h + "p0"));
  }
}
