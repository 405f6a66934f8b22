package io.cinnabar.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Doubles against pairs recorded from redis-server 7.0.15 (ZADD input, then ZSCORE's reply). */
class DoublesTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static double parse(String s) {
    byte[] x = b(s);
    return Doubles.parse(x, 0, x.length);
  }

  private static String format(double d) {
    return new String(Doubles.format(d), StandardCharsets.ISO_8859_1);
  }

  @Test
  void parsesAndFormatsAsRedis() throws Exception {
    List<String[]> pairs = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                DoublesTest.class.getResourceAsStream("/util/redis-7.0.15-doubles.txt"),
                StandardCharsets.US_ASCII))) {
      for (String line; (line = r.readLine()) != null; ) {
        pairs.add(line.split(" "));
      }
    }
    assertThat(pairs).hasSizeGreaterThan(100);
    for (String[] p : pairs) {
      double d = parse(p[0]);
      assertThat(Double.isNaN(d)).as(p[0]).isFalse();
      assertThat(format(d)).as(p[0]).isEqualTo(p[1]);
    }
  }

  @Test
  void rejectsWhatStrtodRejectsOrRedisRefuses() {
    for (String s :
        new String[] {
          "",
          " 1",
          "1 ",
          "nan",
          "NaN",
          "-nan",
          "1e400",
          "-1e400",
          "1e-400",
          "x",
          "1e",
          "1.2.3",
          "0x",
          "1d",
          "1f",
          "+",
          "-",
          ".",
          "e5",
          "--1",
          "infinit",
          "0x1p",
          "Infinityx"
        }) {
      assertThat(Double.isNaN(parse(s))).as("'" + s + "'").isTrue();
    }
    assertThat(parse("1e")).isNaN();
    assertThat(parse("+inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(parse("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(parse("0x10")).isEqualTo(16);
    assertThat(parse(".5")).isEqualTo(0.5);
    assertThat(parse("5.")).isEqualTo(5);
  }

  @Test
  void lenientRangeBoundsFollowBareStrtod() {
    byte[] empty = new byte[0];
    assertThat(Doubles.parseLenient(empty, 0, 0)).isZero();
    assertThat(Doubles.parseLenient(b(" 1"), 0, 2)).isEqualTo(1);
    assertThat(Doubles.parseLenient(b("  "), 0, 2)).isNaN();
    assertThat(Doubles.parseLenient(b("1e400"), 0, 5)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Doubles.parseLenient(b("1e-400"), 0, 6)).isZero();
    assertThat(Doubles.parseLenient(b("1 "), 0, 2)).isNaN();
  }

  /**
   * The 17-digit fast path gives exactly the correctly rounded (half-even) digits of the exact
   * binary value, as the BigDecimal path does: random doubles of every magnitude, decimals, values
   * next to powers of ten, and ties (k + 0.25 and k + 0.75 at 16 integer digits round on the 18th).
   */
  @Test
  void seventeenDigitsFastPathRoundsExactly() {
    java.util.Random rnd = new java.util.Random(17);
    java.math.MathContext mc = new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN);
    long[] out = new long[2];
    int fast = 0;
    int ties = 0;
    for (int i = 0; i < 400_000; i++) {
      double a =
          switch (i % 5) {
            case 0 -> Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
            case 1 -> (1 + rnd.nextInt(1_000_000)) / 1000.0 * Math.pow(10, rnd.nextInt(16) - 2);
            case 2 -> 1e15 + (long) (rnd.nextDouble() * 9e15) + (rnd.nextBoolean() ? 0.25 : 0.75);
            case 3 -> {
              double t = Math.pow(10, rnd.nextInt(19) - 2);
              int k = rnd.nextInt(5);
              yield k == 0 ? t : k == 1 ? Math.nextUp(t) : k == 2 ? Math.nextDown(t) : t * 0.999;
            }
            default -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(19) - 2);
          };
      if (!(a > 0) || Double.isInfinite(a) || !Doubles.digits17(a, out)) {
        continue;
      }
      fast++;
      java.math.BigDecimal exact = new java.math.BigDecimal(a);
      java.math.BigDecimal r = exact.round(mc);
      if (exact.precision() > 17
          && exact
              .unscaledValue()
              .mod(java.math.BigInteger.TEN.pow(exact.precision() - 17))
              .equals(
                  java.math.BigInteger.valueOf(5)
                      .multiply(java.math.BigInteger.TEN.pow(exact.precision() - 18)))) {
        ties++;
      }
      String want = r.unscaledValue().toString();
      while (want.length() < 17) {
        want += "0";
      }
      assertThat(Long.toString(out[0])).as("digits of %s", a).isEqualTo(want.substring(0, 17));
      assertThat(out[1]).as("exponent of %s", a).isEqualTo(r.precision() - r.scale() - 1);
    }
    assertThat(fast).isGreaterThan(200_000);
    assertThat(ties).isGreaterThan(1000);
  }
}
