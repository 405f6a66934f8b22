package io.cinnabar.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LongDoubleTest {
  private static final String NOT_FLOAT = "-ERR value is not a valid float";
  private static final String NAN_INF = "-ERR increment would produce NaN or Infinity";

  /** What INCRBYFLOAT replies for a stored value (null: missing key) and an increment. */
  private static String incrbyfloat(byte[] stored, byte[] incr) {
    LongDouble v = stored == null ? LongDouble.ZERO : LongDouble.parse(stored);
    LongDouble i = v == null ? null : LongDouble.parse(incr);
    if (i == null) {
      return NOT_FLOAT;
    }
    LongDouble sum = v.add(i);
    if (sum == null || !sum.isFinite()) {
      return NAN_INF;
    }
    return new String(sum.toHumanBytes(), StandardCharsets.US_ASCII);
  }

  private static String sum(String a, String b) {
    return incrbyfloat(
        a.getBytes(StandardCharsets.ISO_8859_1), b.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void matchesVectorsRecordedFromRedis() throws IOException {
    List<String> failures = new ArrayList<>();
    int n = 0;
    try (InputStream in = LongDoubleTest.class.getResourceAsStream("longdouble-vectors.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        byte[] stored = f[0].equals("<none>") ? null : unescape(f[0]);
        String got = incrbyfloat(stored, unescape(f[1]));
        n++;
        if (!got.equals(f[2])) {
          failures.add(line + " -> " + got);
        }
      }
    }
    assertThat(n).isGreaterThan(300);
    assertThat(failures).isEmpty();
  }

  @Test
  void decimalSumsRoundLikeX87() {
    assertThat(sum("10.5", "0.1")).isEqualTo("10.6");
    assertThat(sum("0.1", "0.2")).isEqualTo("0.3");
    assertThat(sum("3.0", "0")).isEqualTo("3");
    assertThat(sum("-0", "-0")).isEqualTo("0");
    assertThat(sum("1", "1e-19")).isEqualTo("1");
    assertThat(sum("1e-17", "1e-17")).isEqualTo("0.00000000000000002");
    assertThat(sum("18446744073709551615", "1")).isEqualTo("18446744073709551616");
    assertThat(sum("0x1.8p1", "0")).isEqualTo("3");
  }

  @Test
  void rangeLimitsAndSpecialValues() {
    assertThat(sum("1e4932", "1e4932")).isEqualTo(NAN_INF);
    assertThat(sum("inf", "-inf")).isEqualTo(NAN_INF);
    assertThat(sum("1", "inf")).isEqualTo(NAN_INF);
    assertThat(sum("1", "1e4933")).isEqualTo(NOT_FLOAT);
    assertThat(sum("1", "1e-5000")).isEqualTo(NOT_FLOAT);
    assertThat(sum("1", "0e99999999999")).isEqualTo("1");
    assertThat(sum("1", "nan")).isEqualTo(NOT_FLOAT);
    assertThat(sum("1", "0x1p-16446")).isEqualTo(NOT_FLOAT);
    assertThat(sum("0", "0X1P-16445")).isEqualTo("0");
    assertThat(LongDouble.parse("0X1P-16445".getBytes(StandardCharsets.US_ASCII))).isNotNull();
    assertThat(LongDouble.POSITIVE_INFINITY.toString()).isEqualTo("inf");
    assertThat(LongDouble.of(-42).toString()).isEqualTo("-42");
  }

  @Test
  void rejectsMalformedInput() {
    for (String bad :
        new String[] {
          "", " 1", "1 ", "\t1", "1\n", "1\u0000", "abc", "1.0.0", "1e", "1e+", "e5", "-", "0x",
          "1_0", "infinit", "- 5"
        }) {
      assertThat(LongDouble.parse(bad.getBytes(StandardCharsets.ISO_8859_1))).as(bad).isNull();
    }
    assertThat(LongDouble.parse(("1" + "0".repeat(LongDouble.MAX_CHARS)).getBytes())).isNull();
  }

  /** Undoes Python's unicode_escape as used when recording: \\xNN, \\t, \\n, \\r, \\\\. */
  private static byte[] unescape(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '\\' || i + 1 == s.length()) {
        out.write(ch);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'x' -> {
          out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        case 't' -> out.write('\t');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        default -> out.write(e);
      }
    }
    return out.toByteArray();
  }
}
