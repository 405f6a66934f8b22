package io.cinnabar.util;

/**
 * Glob-style matching exactly as Redis's stringmatchlen (KEYS, SCAN MATCH, PSUBSCRIBE, ...): '*',
 * '?', '[abc]', '[^a]', '[a-z]' (reversed ranges allowed), backslash escapes, and Redis's handling
 * of malformed patterns (an unterminated '[' matches the rest as a set). Bytes compare as signed C
 * chars, like Redis on x86. A pattern byte past its end reads as 0, like the sds terminator.
 */
public final class Glob {
  private Glob() {}

  public static boolean match(byte[] pattern, byte[] string) {
    return match(pattern, 0, pattern.length, string, 0, string.length, false);
  }

  public static boolean match(byte[] pattern, byte[] string, boolean nocase) {
    return match(pattern, 0, pattern.length, string, 0, string.length, nocase);
  }

  public static boolean match(
      byte[] p, int poff, int plen, byte[] s, int soff, int slen, boolean nocase) {
    return new Matcher(p, poff + plen, s, soff + slen, nocase).match(poff, plen, soff, slen);
  }

  /** One match: the recursion shares the "skip longer matches" cut-off, as Redis does. */
  private static final class Matcher {
    final byte[] p;
    final int pend;
    final byte[] s;
    final int send;
    final boolean nocase;
    boolean skipLongerMatches;

    Matcher(byte[] p, int pend, byte[] s, int send, boolean nocase) {
      this.p = p;
      this.pend = pend;
      this.s = s;
      this.send = send;
      this.nocase = nocase;
    }

    /** The pattern byte at i, or 0 past the end (the C string terminator). */
    private int pat(int i) {
      return i < pend ? p[i] : 0;
    }

    private static int lower(int c) {
      return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    boolean match(int pi, int plen, int si, int slen) {
      while (plen > 0 && slen > 0) {
        switch (pat(pi)) {
          case '*' -> {
            while (plen > 0 && pat(pi + 1) == '*') {
              pi++;
              plen--;
            }
            if (plen == 1) {
              return true;
            }
            while (slen > 0) {
              if (match(pi + 1, plen - 1, si, slen)) {
                return true;
              }
              if (skipLongerMatches) {
                return false;
              }
              si++;
              slen--;
            }
            skipLongerMatches = true;
            return false;
          }
          case '?' -> {
            si++;
            slen--;
          }
          case '[' -> {
            pi++;
            plen--;
            boolean not = pat(pi) == '^';
            if (not) {
              pi++;
              plen--;
            }
            boolean matched = false;
            int c = s[si];
            while (true) {
              if (pat(pi) == '\\' && plen >= 2) {
                pi++;
                plen--;
                if (pat(pi) == c) {
                  matched = true;
                }
              } else if (pat(pi) == ']') {
                break;
              } else if (plen == 0) {
                pi--;
                plen++;
                break;
              } else if (plen >= 3 && pat(pi + 1) == '-') {
                int start = pat(pi);
                int end = pat(pi + 2);
                int cc = c;
                if (start > end) {
                  int t = start;
                  start = end;
                  end = t;
                }
                if (nocase) {
                  start = lower(start);
                  end = lower(end);
                  cc = lower(cc);
                }
                pi += 2;
                plen -= 2;
                if (cc >= start && cc <= end) {
                  matched = true;
                }
              } else if (nocase ? lower(pat(pi)) == lower(c) : pat(pi) == c) {
                matched = true;
              }
              pi++;
              plen--;
            }
            if (not) {
              matched = !matched;
            }
            if (!matched) {
              return false;
            }
            si++;
            slen--;
          }
          default -> {
            if (pat(pi) == '\\' && plen >= 2) {
              pi++;
              plen--;
            }
            int pc = pat(pi);
            int sc = s[si];
            if (nocase ? lower(pc) != lower(sc) : pc != sc) {
              return false;
            }
            si++;
            slen--;
          }
        }
        pi++;
        plen--;
        if (slen == 0) {
          while (pat(pi) == '*') {
            pi++;
            plen--;
          }
          break;
        }
      }
      return plen == 0 && slen == 0;
    }
  }
}
