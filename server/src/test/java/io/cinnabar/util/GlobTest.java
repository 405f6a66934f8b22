package io.cinnabar.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GlobTest {
  /** Subject strings; each case lists the indexes a real redis-server 7.0 KEYS returned. */
  private static final String[] STRINGS = {
    "",
    "a",
    "b",
    "ab",
    "abc",
    "aXc",
    "abbc",
    "hello",
    "hallo",
    "hxllo",
    "heeeello",
    "Hello",
    "h*llo",
    "h?llo",
    "h[e]llo",
    "a\\b",
    "a-b",
    "]",
    "[",
    "-",
    "^",
    "a]",
    "ab]",
    "\\",
    "foo.bar",
    "x\u0080y",
    "\u00ff",
    "ba",
    "aaaaaaaaab",
    "abcabc",
    "ccc",
    "A",
    "Z",
    "m"
  };

  /** {pattern, indexes of STRINGS that match}, recorded from redis-server 7.0.15 with KEYS. */
  private static final String[][] CASES = {
    {
      "*",
      "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33"
    },
    {"", "0"},
    {"a", "1"},
    {"a*", "1 3 4 5 6 15 16 21 22 28 29"},
    {"*a", "1 27"},
    {"*b*", "2 3 4 6 15 16 22 24 27 28 29"},
    {"h?llo", "7 8 9 12 13"},
    {"h*llo", "7 8 9 10 12 13 14"},
    {"h[ae]llo", "7 8"},
    {"h[^e]llo", "8 9 12 13"},
    {"h[a-b]llo", "8"},
    {"h[b-a]llo", "8"},
    {"[a-c]*", "1 2 3 4 5 6 15 16 21 22 27 28 29 30"},
    {"[c-a]", "1 2"},
    {"[", ""},
    {"[a", "1"},
    {"[^", "1 2 17 18 19 20 23 26 31 32 33"},
    {"[]", ""},
    {"[]]", ""},
    {"[\\]]", "17"},
    {"\\*", ""},
    {"\\", "23"},
    {"a\\", ""},
    {"a\\b", "3"},
    {"h\\?llo", "13"},
    {"*\\*llo", "12"},
    {"[a-]", "1 17 20"},
    {"[-a]", "1 19"},
    {"a[-]b", "16"},
    {"[\\-]", "19"},
    {"?", "1 2 17 18 19 20 23 26 31 32 33"},
    {"??", "3 21 27"},
    {"???", "4 5 15 16 22 25 30"},
    {
      "*?",
      "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33"
    },
    {
      "?*",
      "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33"
    },
    {
      "**",
      "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33"
    },
    {"***a", "1 27"},
    {"a**b*c", "4 6 29"},
    {"x[\u0080-\u00ff]y", "25"},
    {"[\u0080-\u00ff]", "26"},
    {"x?y", "25"},
    {"[A-Z]", "31 32"},
    {"[a-z]", "1 2 33"},
    {"[^a-z]", "17 18 19 20 23 26 31 32"},
    {"[^]", "1 2 17 18 19 20 23 26 31 32 33"},
    {"a[", ""},
    {"ab[c", "4"},
    {"abc[", ""},
    {"*[", ""},
    {"[*]", ""},
    {"[?]", ""},
    {"*c", "4 5 6 29 30"},
    {"*abc*", "4 29"},
    {"a*b*c*", "4 6 29"},
    {"*a*a*a*b", "28"},
    {"c]X", ""},
    {"b", "2"},
    {"b[\\ao", "27"},
    {"*ab]]", ""},
    {"-", "19"},
    {"al\\b", ""},
    {"XX", ""},
    {"a\\\\]a", ""},
    {"a-", ""},
    {"?]", "21"},
    {"-b", ""},
    {"?-lXc", ""},
    {"X*[b-", ""},
    {"b\\a\\*^", ""},
    {"-]e[^\\", ""},
    {"[?*e", ""},
    {"he", ""},
    {"b\\", ""},
    {"-^o", ""},
    {"h^?", ""},
    {"bb-]c", ""},
    {"co^", ""},
    {"aXbe", ""},
    {"\\eol[", ""},
    {"h[\\", ""},
    {"\\e^b", ""},
    {"hXba", ""},
    {"h?X\\Xl", ""},
    {"?h]o", ""},
    {"[a^[c\\", "1 18 20 23"},
    {"^", "20"},
    {"ch*", ""},
    {"]ol^", ""},
    {"c", ""},
    {"]-?o", ""},
    {"l]", ""},
    {"?h][X", ""},
    {"*cbc", ""},
    {"*X", ""},
    {"a^", ""},
    {"c??ac", ""},
    {"-[\\\\", ""},
    {"chl", ""},
    {"\\XXha", ""},
    {"olel", ""},
    {"e-]]]]", ""},
    {"]a*b*^", ""},
    {"b[", ""},
    {"aba\\c", ""},
    {"b[\\ab", "27"},
    {"\\]", "17"},
    {"X?", ""},
    {"\\[^", ""},
    {"^^^?", ""},
    {"h", ""},
    {"h?^", ""},
    {"c-a*-[", ""},
    {"h-", ""},
    {"e", ""},
    {"?Xlbh", ""},
    {"-[o", ""},
    {"[e", ""},
    {"--", ""},
    {"[X*\\e", ""},
    {"e*", ""},
    {"he**", "7 10"},
    {"^[haa", ""},
    {"^?*", ""},
    {"\\[^eoh", ""},
    {"[b*", "2"},
    {"*[*^", "20"},
    {"o\\la^", ""},
    {"[eXblX", "2"},
    {"o", ""},
    {"ehe*", ""},
    {"oc]e", ""},
    {"[beh]^", ""},
    {"hbhc", ""},
    {"ca", ""},
    {"\\o", ""},
    {"eXc\\", ""},
    {"^Xo[c", ""},
    {"-caae", ""},
    {"Xb-hoc", ""},
    {"l*ll", ""},
    {"a?", "3 21"},
    {"?-", ""},
    {"e\\", ""},
    {"?-]", ""},
    {"ao", ""},
    {"[o^X\\l", "20"},
    {"]loo-", ""},
    {"-c", ""},
    {"-al^e", ""},
    {"\\a", "1"},
    {"cc", ""},
    {"\\hb-", ""},
    {"---^ee", ""},
    {"a**?a", ""},
    {"-aeo", ""},
    {"\\-\\", ""},
    {"*h?^-", ""},
    {"e^-*h", ""},
    {"ooo?o", ""},
    {"o*l^c", ""},
    {"b]^[", ""},
    {"X", ""},
    {"]b", ""},
  };

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void matchesLikeRedisKeys() {
    for (String[] c : CASES) {
      Set<Integer> expected = new HashSet<>();
      for (String i : c[1].split(" ")) {
        if (!i.isEmpty()) {
          expected.add(Integer.parseInt(i));
        }
      }
      for (int i = 0; i < STRINGS.length; i++) {
        if (c[0].equals("*") && STRINGS[i].isEmpty()) {
          continue; // KEYS and SCAN short-cut a lone '*' before matching; see below
        }
        assertThat(Glob.match(b(c[0]), b(STRINGS[i])))
            .as("pattern '%s' on '%s'", c[0], STRINGS[i])
            .isEqualTo(expected.contains(i));
      }
    }
  }

  @Test
  void loneStarDoesNotMatchTheEmptyString() {
    // stringmatchlen("*", "") is false; KEYS/SCAN return the empty key only via their shortcut.
    assertThat(Glob.match(b("*"), b(""))).isFalse();
    assertThat(Glob.match(b("**"), b(""))).isFalse();
  }

  @Test
  void slicesAreBoundedByTheirLength() {
    byte[] p = b("xa*yy");
    byte[] s = b("zzabcz");
    assertThat(Glob.match(p, 1, 2, s, 2, 3, false)).isTrue();
    assertThat(Glob.match(p, 1, 1, s, 2, 3, false)).isFalse();
    // the byte after the pattern slice must not be read as part of it
    assertThat(Glob.match(b("a*"), 0, 1, b("ab"), 0, 2, false)).isFalse();
  }

  @Test
  void nocase() {
    assertThat(Glob.match(b("HeLLo*"), b("hello world"), true)).isTrue();
    assertThat(Glob.match(b("HeLLo*"), b("hello world"), false)).isFalse();
    assertThat(Glob.match(b("[A-C]x"), b("bX"), true)).isTrue();
    assertThat(Glob.match(b("[a-c]x"), b("Bx"), false)).isFalse();
    assertThat(Glob.match(b("[h]"), b("H"), true)).isTrue();
    assertThat(Glob.match(b("[^h]"), b("H"), true)).isFalse();
  }

  @Test
  void manyStarsDoNotExplode() {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      p.append("a*");
    }
    p.append('b');
    byte[] s = new byte[200];
    java.util.Arrays.fill(s, (byte) 'a');
    long start = System.nanoTime();
    assertThat(Glob.match(b(p.toString()), s)).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
