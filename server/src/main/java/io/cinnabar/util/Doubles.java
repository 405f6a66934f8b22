package io.cinnabar.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Doubles as Redis 7.0 reads and writes them: {@link #parse} follows strtod as Redis's
 * getDoubleFromObject uses it (hex floats, inf/infinity, no leading space, overflow and underflow
 * to zero rejected), {@link #format} is C's "%.17g" (addReplyDouble), with "inf" and "-inf".
 */
public final class Doubles {
  private Doubles() {}

  private static final byte[] INF = Bytes.ascii("inf");
  private static final byte[] NEG_INF = Bytes.ascii("-inf");
  private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

  /** The double in the slice, or NaN if it is not one Redis accepts. */
  public static double parse(byte[] b, int off, int len) {
    return parse(b, off, len, true);
  }

  /**
   * A range bound as zslParseRange reads it with bare strtod: leading whitespace is skipped, the
   * empty string is 0, overflow gives an infinity and underflow 0. NaN if not accepted.
   */
  public static double parseLenient(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int end = off + len;
    while (off < end && (b[off] == ' ' || (b[off] >= 9 && b[off] <= 13))) {
      off++;
    }
    return parse(b, off, end - off, false);
  }

  private static double parse(byte[] b, int off, int len, boolean strict) {
    int end = off + len;
    int p = off;
    if (len == 0) {
      return Double.NaN;
    }
    boolean neg = false;
    if (b[p] == '+' || b[p] == '-') {
      neg = b[p] == '-';
      p++;
    }
    int rest = end - p;
    if (rest == 3 && matches(b, p, "inf") || rest == 8 && matches(b, p, "infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (rest > 2 && b[p] == '0' && (b[p + 1] | 0x20) == 'x') {
      return hex(b, p + 2, end, neg, strict);
    }
    int digits = 0;
    boolean nonZero = false;
    int q = p;
    while (q < end && b[q] >= '0' && b[q] <= '9') {
      nonZero |= b[q] != '0';
      digits++;
      q++;
    }
    if (q < end && b[q] == '.') {
      q++;
      while (q < end && b[q] >= '0' && b[q] <= '9') {
        nonZero |= b[q] != '0';
        digits++;
        q++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    if (q < end && (b[q] | 0x20) == 'e') {
      int e = q + 1;
      if (e < end && (b[e] == '+' || b[e] == '-')) {
        e++;
      }
      int expDigits = 0;
      while (e < end && b[e] >= '0' && b[e] <= '9') {
        e++;
        expDigits++;
      }
      if (expDigits > 0) {
        q = e;
      }
    }
    if (q != end) {
      return Double.NaN;
    }
    double v = Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1));
    return strict ? checkRange(v, nonZero) : v;
  }

  private static double checkRange(double v, boolean nonZero) {
    if (Double.isInfinite(v) || (v == 0 && nonZero)) {
      return Double.NaN; // ERANGE: overflow, or underflow to zero
    }
    return v;
  }

  private static double hex(byte[] b, int p, int end, boolean neg, boolean strict) {
    StringBuilder s = new StringBuilder(neg ? "-0x" : "0x");
    int digits = 0;
    boolean nonZero = false;
    boolean dot = false;
    int q = p;
    for (; q < end; q++) {
      int ch = b[q];
      if (Character.digit(ch, 16) >= 0) {
        digits++;
        nonZero |= ch != '0';
      } else if (ch == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
      s.append((char) ch);
    }
    if (digits == 0) {
      return Double.NaN; // strtod would parse just "0"; the rest is then left over
    }
    if (q < end && (b[q] | 0x20) == 'p') {
      int e = q + 1;
      int start = e;
      if (e < end && (b[e] == '+' || b[e] == '-')) {
        e++;
      }
      int expDigits = 0;
      while (e < end && b[e] >= '0' && b[e] <= '9') {
        e++;
        expDigits++;
      }
      if (expDigits > 0) {
        s.append('p').append(new String(b, start, e - start, StandardCharsets.ISO_8859_1));
        q = e;
      }
    }
    if (q != end) {
      return Double.NaN;
    }
    if (s.indexOf("p") < 0) {
      s.append("p0");
    }
    double v = Double.parseDouble(s.toString());
    return strict ? checkRange(v, nonZero) : v;
  }

  private static boolean matches(byte[] b, int p, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      if ((b[p + i] | 0x20) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** C's printf("%.17g", d), with "inf"/"-inf" (Redis's addReplyDouble in 7.0). */
  public static byte[] format(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? INF : NEG_INF;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e17) {
      if (d == 0 && 1 / d < 0) {
        return Bytes.ascii("-0");
      }
      return Numbers.toBytes((long) d);
    }
    return Bytes.ascii(formatG17(d));
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /**
   * The 17 significant digits of {@code a} (positive, finite), correctly rounded half-to-even from
   * its exact binary value as glibc's printf does, as {@code out[0]} (in [10^16, 10^17)) and the
   * decimal exponent of the first digit as {@code out[1]}; false outside 0.01 <= a < 10^17 or for
   * integers of 2^52 and up, left to the exact BigDecimal path. a = m * 2^e with e < 0, so the
   * digits are (m * 10^p) >> -e rounded, with m * 10^p below 2^53 * 10^18 < 2^113: two longs.
   */
  static boolean digits17(double a, long[] out) {
    if (!(a >= 0.01 && a < 1e17)) {
      return false;
    }
    long bits = Double.doubleToRawLongBits(a);
    int be = (int) (bits >>> 52) & 0x7ff;
    long m = (bits & ((1L << 52) - 1)) | (1L << 52);
    int shift = 1075 - be; // a = m * 2^-shift
    if (shift <= 0 || shift >= 64) {
      return false;
    }
    int x = (int) Math.floor(Math.log10(a)); // may be one off near powers of ten: corrected below
    for (int attempt = 0; attempt < 3; attempt++) {
      int p = 16 - x;
      if (p < 0 || p >= POW10.length) {
        return false;
      }
      long lo = m * POW10[p];
      long hi = Math.multiplyHigh(m, POW10[p]);
      long q = (lo >>> shift) | (hi << (64 - shift));
      if ((hi >>> shift) != 0 || q < 0) {
        x++; // far too big: the estimate was low
        continue;
      }
      long rem = lo & ((1L << shift) - 1);
      long half = 1L << (shift - 1);
      if (rem > half || (rem == half && (q & 1) != 0)) {
        q++;
      }
      if (q >= POW10[17 - 1] * 10) {
        x++;
      } else if (q < POW10[16]) {
        x--;
      } else {
        out[0] = q;
        out[1] = x;
        return true;
      }
    }
    return false;
  }

  private static String formatG17(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    long[] fast = new long[2];
    String digits;
    int exp; // decimal exponent of the leading digit
    if (digits17(Math.abs(d), fast)) {
      digits = Long.toString(fast[0]);
      exp = (int) fast[1];
    } else {
      BigDecimal r = new BigDecimal(d).round(SEVENTEEN);
      exp = r.precision() - r.scale() - 1;
      digits = r.unscaledValue().abs().toString();
    }
    // pad to 17 significant digits, then strip trailing zeros (%g without '#')
    StringBuilder sb = new StringBuilder(digits);
    while (sb.length() < 17) {
      sb.append('0');
    }
    int n = sb.length();
    while (n > 1 && sb.charAt(n - 1) == '0') {
      n--;
    }
    String sig = sb.substring(0, n);
    StringBuilder out = new StringBuilder();
    if (d < 0) {
      out.append('-');
    }
    if (exp < -4 || exp >= 17) {
      out.append(sig.charAt(0));
      if (sig.length() > 1) {
        out.append('.').append(sig, 1, sig.length());
      }
      out.append('e').append(exp < 0 ? '-' : '+');
      int ae = Math.abs(exp);
      if (ae < 10) {
        out.append('0');
      }
      out.append(ae);
    } else if (exp < 0) {
      out.append("0.");
      for (int i = -1; i > exp; i--) {
        out.append('0');
      }
      out.append(sig);
    } else if (sig.length() <= exp + 1) {
      out.append(sig);
      for (int i = sig.length(); i <= exp; i++) {
        out.append('0');
      }
    } else {
      out.append(sig, 0, exp + 1).append('.').append(sig, exp + 1, sig.length());
    }
    return out.toString();
  }
}
