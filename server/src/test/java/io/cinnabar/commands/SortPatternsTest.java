package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SORT's score parsing follows C's strtod as Redis applies it (checked with redis-server 7.0.15).
 */
class SortPatternsTest {
  private static double strtod(String s) {
    return SortPatterns.strtod(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|0",
        "' 5'|5",
        "1e3|1000",
        "0x10|16",
        "0X1A|26",
        "0x1.8p1|3",
        "+4|4",
        ".5|0.5",
        "5.|5",
        "1e+2|100",
        "'  -3.5e-2'|-0.035",
        "inf|Infinity",
        "-Infinity|-Infinity",
        "-12|-12",
        "007|7",
        "-0|-0.0",
        "123456789012345|123456789012345",
        "12345678901234567|12345678901234567"
      })
  void accepted(String in, double expected) {
    assertThat(strtod(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5 ", "nan", "-", "1e", "0x", "1_0", " ", "1e400", "1e-400", "abc"})
  void rejected(String in) {
    assertThat(strtod(in)).isNaN();
  }
}
