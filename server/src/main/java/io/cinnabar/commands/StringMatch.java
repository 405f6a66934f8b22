package io.cinnabar.commands;

/** Redis's stringmatchlen: glob matching with *, ?, [...] (ranges, ^ negation) and \ escapes. */
final class StringMatch {
  private StringMatch() {}

  static boolean match(byte[] p, int po, int plen, byte[] s, int so, int slen, boolean nocase) {
    return match(p, po, po + plen, s, so, so + slen, nocase, 0);
  }

  private static boolean match(
      byte[] p, int pi, int pe, byte[] s, int si, int se, boolean nocase, int depth) {
    if (depth > 1000) {
      return false;
    }
    while (pi < pe && si < se) {
      switch (p[pi]) {
        case '*' -> {
          while (pi + 1 < pe && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == pe) {
            return true;
          }
          for (int k = si; k < se; k++) {
            if (match(p, pi + 1, pe, s, k, se, nocase, depth + 1)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> si++;
        case '[' -> {
          pi++;
          boolean not = pi < pe && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean found = false;
          while (true) {
            if (pi < pe && p[pi] == '\\' && pi + 1 < pe) {
              pi++;
              found |= eq(p[pi], s[si], nocase);
            } else if (pi >= pe || p[pi] == ']') {
              if (pi >= pe) {
                pi--;
              }
              break;
            } else if (pi + 2 < pe && p[pi + 1] == '-') {
              int start = p[pi] & 0xFF;
              int end = p[pi + 2] & 0xFF;
              int c = s[si] & 0xFF;
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = lower(start);
                end = lower(end);
                c = lower(c);
              }
              pi += 2;
              found |= c >= start && c <= end;
            } else {
              found |= eq(p[pi], s[si], nocase);
            }
            pi++;
          }
          if (not == found) {
            return false;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < pe) {
            pi++;
          }
          if (!eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
        default -> {
          if (!eq(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
      }
      pi++;
    }
    while (pi < pe && p[pi] == '*') {
      pi++;
    }
    return pi == pe && si == se;
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  private static boolean eq(byte a, byte b, boolean nocase) {
    return nocase ? lower(a & 0xFF) == lower(b & 0xFF) : a == b;
  }
}
