package io.cinnabar.config;

/**
 * Parsing, bounds checking and printing of numeric directives with Redis's rules
 * (numericParseString, numericBoundaryCheck, numericConfigGet), including their error texts.
 */
final class Numeric {
  private Numeric() {}

  static long parse(Directive d, String value) throws ConfigException {
    long v = parseValue(d, value);
    check(d, v);
    return v;
  }

  private static long parseValue(Directive d, String value) throws ConfigException {
    boolean percent = (d.numFlags & Directive.N_PERCENT) != 0;
    if (d.kind == Directive.Kind.MEMORY) {
      try {
        return memtoull(value);
      } catch (NumberFormatException e) {
        // fall through to the percent form
      }
    }
    if (percent && value.length() > 1 && value.endsWith("%")) {
      Long p = string2ll(value.substring(0, value.length() - 1));
      if (p != null && p >= 0) {
        return -p;
      }
    }
    if ((d.numFlags & Directive.N_OCTAL) != 0) {
      Long v = strtollFull(value, 8);
      if (v != null) {
        return v;
      }
      throw new ConfigException("argument couldn't be parsed as an octal number");
    }
    if (d.kind == Directive.Kind.INT && !percent) {
      Long v = string2ll(value);
      if (v != null) {
        return v;
      }
    }
    if (d.kind == Directive.Kind.MEMORY && percent) {
      throw new ConfigException("argument must be a memory or percent value");
    }
    if (d.kind == Directive.Kind.MEMORY) {
      throw new ConfigException("argument must be a memory value");
    }
    throw new ConfigException("argument couldn't be parsed into an integer");
  }

  private static void check(Directive d, long v) throws ConfigException {
    if ((d.numFlags & Directive.N_UNSIGNED) != 0 || isUnsignedMemory(d)) {
      if (Long.compareUnsigned(v, d.max) > 0 || Long.compareUnsigned(v, d.min) < 0) {
        boolean octal = (d.numFlags & Directive.N_OCTAL) != 0;
        throw new ConfigException(
            "argument must be between "
                + (octal ? Long.toOctalString(d.min) : Long.toUnsignedString(d.min))
                + " and "
                + (octal ? Long.toOctalString(d.max) : Long.toUnsignedString(d.max))
                + " inclusive");
      }
    } else if ((d.numFlags & Directive.N_PERCENT) != 0 && v < 0) {
      if (v < d.min) {
        throw new ConfigException("percentage argument must be less or equal to " + -d.min);
      }
    } else if (v > d.max || v < d.min) {
      throw new ConfigException(
          "argument must be between " + d.min + " and " + d.max + " inclusive");
    }
  }

  /** Memory configs whose C type is unsigned (maxmemory, size_t limits) have min >= 0. */
  private static boolean isUnsignedMemory(Directive d) {
    return d.kind == Directive.Kind.MEMORY && d.min >= 0 && d.max == -1L;
  }

  static String format(Directive d, long v) {
    if ((d.numFlags & Directive.N_PERCENT) != 0 && v < 0) {
      return -v + "%";
    }
    if (d.kind == Directive.Kind.MEMORY) {
      return Long.toUnsignedString(v);
    }
    if ((d.numFlags & Directive.N_OCTAL) != 0) {
      return Long.toOctalString(v);
    }
    return Long.toString(v);
  }

  /** The numeric value of a canonical text (as {@link #format} printed it). */
  static long valueOf(Directive d, String canonical) {
    if (canonical.endsWith("%")) {
      return -Long.parseLong(canonical.substring(0, canonical.length() - 1));
    }
    if ((d.numFlags & Directive.N_OCTAL) != 0) {
      return Long.parseLong(canonical, 8);
    }
    if (d.kind == Directive.Kind.MEMORY) {
      return Long.parseUnsignedLong(canonical);
    }
    return Long.parseLong(canonical);
  }

  /**
   * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case). Digits
   * saturate at 2^64-1 and the unit multiplication wraps, as in C. Throws on a malformed value.
   */
  static long memtoull(String p) {
    if (p.startsWith("-")) {
      throw new NumberFormatException(p);
    }
    int u = 0;
    while (u < p.length() && p.charAt(u) >= '0' && p.charAt(u) <= '9') {
      u++;
    }
    String unit = p.substring(u);
    long mul;
    switch (unit.toLowerCase(java.util.Locale.ROOT)) {
      case "", "b" -> mul = 1;
      case "k" -> mul = 1000;
      case "kb" -> mul = 1024;
      case "m" -> mul = 1000L * 1000;
      case "mb" -> mul = 1024L * 1024;
      case "g" -> mul = 1000L * 1000 * 1000;
      case "gb" -> mul = 1024L * 1024 * 1024;
      default -> throw new NumberFormatException(p);
    }
    if (u >= 128) {
      throw new NumberFormatException(p);
    }
    long val = 0;
    for (int i = 0; i < u; i++) {
      int digit = p.charAt(i) - '0';
      if (Long.compareUnsigned(val, Long.divideUnsigned(-1L - digit, 10)) > 0) {
        val = -1L;
        break;
      }
      val = val * 10 + digit;
    }
    return val * mul;
  }

  /** Redis's string2ll: strict decimal, no '+', no spaces, no leading zeros; null if invalid. */
  static Long string2ll(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!io.cinnabar.util.Numbers.isLong(b, 0, b.length)) {
      return null;
    }
    return io.cinnabar.util.Numbers.parseLongOr(b, 0, b.length, 0);
  }

  /**
   * C's strtoll with a check that the whole string was consumed: leading blanks and a sign are
   * allowed, an empty string is 0, overflow is an error (errno). Null when invalid.
   */
  static Long strtollFull(String s, int radix) {
    int i = 0;
    int n = s.length();
    while (i < n && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    int start = i;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digitsStart = i;
    while (i < n && Character.digit(s.charAt(i), radix) >= 0) {
      i++;
    }
    if (i == digitsStart) {
      // No digits: strtoll leaves the end pointer at the start of the string.
      return s.isEmpty() ? 0L : null;
    }
    if (i != n) {
      return null;
    }
    try {
      String num = s.substring(start, n);
      return Long.parseLong(num.startsWith("+") ? num.substring(1) : num, radix);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** C's strtoll with full consumption, saturating on overflow (errno is not checked). */
  static Long strtollSaturating(String s) {
    Long v = strtollFull(s, 10);
    if (v != null) {
      return v;
    }
    String t = s.strip();
    if (t.matches("[+-]?[0-9]+")) {
      return t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return null;
  }
}
