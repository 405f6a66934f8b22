package io.cinnabar.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * An x87 80-bit {@code long double} (64-bit significand, 15-bit exponent) emulated exactly, for
 * INCRBYFLOAT and HINCRBYFLOAT: Redis parses with strtold, adds in long double and prints with
 * {@code "%.17Lf"}, so a Java double would give different digits (10.5 + 0.1 is "10.6" in Redis).
 * Finite values are held as exact BigDecimals already rounded to long double precision; this is
 * slow next to a double but these commands are not on the hot path.
 */
public final class LongDouble {
  /** Exponent of the smallest normal value (2^-16382) and of the largest binade (2^16383). */
  private static final int MIN_EXP = -16382;

  private static final int MAX_EXP = 16383;
  private static final int MANT_BITS = 64;

  /** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected, longer outputs become "". */
  public static final int MAX_CHARS = 5 * 1024;

  public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
  public static final LongDouble POSITIVE_INFINITY = new LongDouble(null, 1);
  public static final LongDouble NEGATIVE_INFINITY = new LongDouble(null, -1);

  /** The exact value, or null when infinite. */
  private final BigDecimal exact;

  private final int infSign;

  private LongDouble(BigDecimal exact, int infSign) {
    this.exact = exact;
    this.infSign = infSign;
  }

  public static LongDouble of(long v) {
    return new LongDouble(BigDecimal.valueOf(v), 0);
  }

  public boolean isFinite() {
    return exact != null;
  }

  /** The exact value; only for finite values. */
  public BigDecimal exact() {
    return exact;
  }

  /**
   * The product with {@code k} rounded to long double (finite values only); infinite on overflow.
   */
  public LongDouble multiply(long k) {
    return round(exact.multiply(BigDecimal.valueOf(k)));
  }

  /** The sum rounded to long double; null if it is NaN (inf - inf); infinite on overflow. */
  public LongDouble add(LongDouble o) {
    if (exact == null || o.exact == null) {
      int s = (exact == null ? infSign : 0) + (o.exact == null ? o.infSign : 0);
      if (exact == null && o.exact == null && infSign != o.infSign) {
        return null;
      }
      return s > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }
    return round(exact.add(o.exact));
  }

  /**
   * Parses like Redis's string2ld: strtold must consume every byte (so an embedded NUL is
   * rejected); empty or over-long input, leading space, NaN, and values that overflow or underflow
   * to zero are rejected too. "inf"/"infinity" are accepted. Returns null when rejected.
   */
  public static LongDouble parse(byte[] b, int off, int len) {
    if (len == 0 || len >= MAX_CHARS) {
      return null;
    }
    int end = off + len;
    int i = off;
    if (i < end && isSpace(b[i])) {
      return null;
    }
    boolean neg = false;
    if (i < end && (b[i] == '+' || b[i] == '-')) {
      neg = b[i] == '-';
      i++;
    }
    LongDouble v;
    if (matchesIgnoreCase(b, i, end, "inf") || matchesIgnoreCase(b, i, end, "infinity")) {
      v = POSITIVE_INFINITY;
    } else if (end - i > 2 && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
      v = parseHex(b, i + 2, end);
    } else {
      v = parseDecimal(b, i, end);
    }
    if (v == null || !v.isFinite() && v.infSign == 0) {
      return null;
    }
    return neg ? v.negate() : v;
  }

  public static LongDouble parse(byte[] b) {
    return parse(b, 0, b.length);
  }

  private LongDouble negate() {
    if (exact == null) {
      return infSign > 0 ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
    }
    return new LongDouble(exact.negate(), 0);
  }

  /** Decimal digits with an optional '.', then an optional exponent; null unless all consumed. */
  private static LongDouble parseDecimal(byte[] b, int i, int end) {
    StringBuilder digits = new StringBuilder();
    int fracDigits = 0;
    boolean any = false;
    boolean dot = false;
    for (; i < end; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        any = true;
        if (digits.length() > 0 || c != '0') {
          digits.append((char) c);
        }
        if (dot) {
          fracDigits++;
        }
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (!any) {
      return null;
    }
    long exp = 0;
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      exp = parseExponent(b, i + 1, end);
      if (exp == Long.MIN_VALUE) {
        return null;
      }
      i = end;
    }
    if (i != end) {
      return null;
    }
    if (digits.length() == 0) {
      return ZERO;
    }
    // Scientific exponent of the leading digit decides overflow/underflow without big numbers.
    long sci = exp - fracDigits + digits.length() - 1;
    if (sci > 4940) {
      return null;
    }
    if (sci < -4960) {
      return null;
    }
    BigDecimal v = new BigDecimal(new BigInteger(digits.toString()), (int) (fracDigits - exp));
    LongDouble r = round(v);
    return r.isFinite() && r.exact.signum() != 0 ? r : null;
  }

  /** Hex digits with an optional '.', then an optional binary exponent 'p'. */
  private static LongDouble parseHex(byte[] b, int i, int end) {
    BigInteger mant = BigInteger.ZERO;
    int fracDigits = 0;
    boolean any = false;
    boolean dot = false;
    for (; i < end; i++) {
      int d = Character.digit(b[i], 16);
      if (d >= 0) {
        any = true;
        mant = mant.shiftLeft(4).add(BigInteger.valueOf(d));
        if (dot) {
          fracDigits++;
        }
      } else if (b[i] == '.' && !dot) {
        dot = true;
      } else {
        break;
      }
    }
    if (!any) {
      return null;
    }
    long exp = 0;
    if (i < end && (b[i] == 'p' || b[i] == 'P')) {
      exp = parseExponent(b, i + 1, end);
      if (exp == Long.MIN_VALUE) {
        return null;
      }
      i = end;
    }
    if (i != end) {
      return null;
    }
    if (mant.signum() == 0) {
      return ZERO;
    }
    long binExp = exp - 4L * fracDigits;
    long top = binExp + mant.bitLength() - 1;
    if (top > MAX_EXP + 2 || top < MIN_EXP - MANT_BITS - 4) {
      return null;
    }
    BigDecimal v = new BigDecimal(mant);
    v =
        binExp >= 0
            ? v.multiply(new BigDecimal(BigInteger.TWO.pow((int) binExp)))
            : divPow2(v, (int) -binExp);
    LongDouble r = round(v);
    return r.isFinite() && r.exact.signum() != 0 ? r : null;
  }

  /**
   * A signed decimal exponent filling the rest of the input, clamped (the value is out of range
   * long before the clamp); Long.MIN_VALUE if malformed.
   */
  private static long parseExponent(byte[] b, int i, int end) {
    boolean neg = false;
    if (i < end && (b[i] == '+' || b[i] == '-')) {
      neg = b[i] == '-';
      i++;
    }
    if (i >= end) {
      return Long.MIN_VALUE;
    }
    long e = 0;
    for (; i < end; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return Long.MIN_VALUE;
      }
      e = Math.min(e * 10 + (b[i] - '0'), 1_000_000_000L);
    }
    return neg ? -e : e;
  }

  private static BigDecimal divPow2(BigDecimal v, int n) {
    // v / 2^n == v * 5^n / 10^n, exact.
    return new BigDecimal(v.unscaledValue().multiply(BigInteger.valueOf(5).pow(n)), v.scale() + n);
  }

  /** Rounds an exact value to the nearest long double (ties to even); infinite on overflow. */
  static LongDouble round(BigDecimal v) {
    int sign = v.signum();
    if (sign == 0) {
      return ZERO;
    }
    BigDecimal a = v.abs();
    BigInteger num;
    BigInteger den;
    if (a.scale() <= 0) {
      num = a.unscaledValue().multiply(BigInteger.TEN.pow(-a.scale()));
      den = BigInteger.ONE;
    } else {
      num = a.unscaledValue();
      den = BigInteger.TEN.pow(a.scale());
    }
    // e = floor(log2(a)).
    int e = num.bitLength() - den.bitLength();
    if (compareScaled(num, den, e) < 0) {
      e--;
    }
    if (e > MAX_EXP) {
      return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }
    int q = Math.max(e, MIN_EXP) - (MANT_BITS - 1);
    // m = round(a / 2^q), ties to even.
    BigInteger n = q < 0 ? num.shiftLeft(-q) : num;
    BigInteger d = q > 0 ? den.shiftLeft(q) : den;
    BigInteger[] qr = n.divideAndRemainder(d);
    BigInteger m = qr[0];
    int half = qr[1].shiftLeft(1).compareTo(d);
    if (half > 0 || half == 0 && m.testBit(0)) {
      m = m.add(BigInteger.ONE);
    }
    if (m.bitLength() > MANT_BITS && q + MANT_BITS > MAX_EXP) {
      return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }
    BigDecimal r = q >= 0 ? new BigDecimal(m.shiftLeft(q)) : divPow2(new BigDecimal(m), -q);
    return new LongDouble(sign < 0 ? r.negate() : r, 0);
  }

  /** Compares num/den with 2^e. */
  private static int compareScaled(BigInteger num, BigInteger den, int e) {
    return e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
  }

  /**
   * Redis's ld2string in LD_STR_HUMAN mode: {@code "%.17Lf"} with trailing zeros and a trailing '.'
   * removed, "-0" printed as "0", infinities as "inf"/"-inf"; "" if longer than Redis's buffer.
   */
  public byte[] toHumanBytes() {
    if (exact == null) {
      return (infSign > 0 ? "inf" : "-inf").getBytes(StandardCharsets.US_ASCII);
    }
    String s = exact.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    int l = s.length();
    while (s.charAt(l - 1) == '0') {
      l--;
    }
    if (s.charAt(l - 1) == '.') {
      l--;
    }
    s = s.substring(0, l);
    if (s.equals("-0")) {
      s = "0";
    }
    if (s.length() + 1 > MAX_CHARS) {
      return new byte[0];
    }
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return new String(toHumanBytes(), StandardCharsets.US_ASCII);
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
  }

  private static boolean matchesIgnoreCase(byte[] b, int i, int end, String word) {
    if (end - i != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (Character.toLowerCase(b[i + k]) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
