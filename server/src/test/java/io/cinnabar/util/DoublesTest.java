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
}
