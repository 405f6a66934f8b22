package io.cinnabar.config;

/**
 * Glob matching with Redis's stringmatchlen rules ('*', '?', '[...]' with '^' and ranges, '\'
 * escapes), used by CONFIG GET. Private to config so it doesn't depend on util's matcher.
 */
final class ConfigGlob {
  private ConfigGlob() {}

  static boolean matches(String pattern, String s, boolean nocase) {
    return match(pattern, 0, s, 0, nocase, 0) == 1;
  }

  /** 1 on match, 0 on no match, -1 when the rest can't match either (stop backtracking). */
  private static int match(String p, int pi, String s, int si, boolean nocase, int nesting) {
    if (nesting > 1000) {
      return -1;
    }
    int plen = p.length();
    int slen = s.length();
    while (pi < plen && si < slen) {
      char pc = p.charAt(pi);
      switch (pc) {
        case '*' -> {
          while (pi + 1 < plen && p.charAt(pi + 1) == '*') {
            pi++;
          }
          if (pi + 1 == plen) {
            return 1;
          }
          while (si < slen) {
            int r = match(p, pi + 1, s, si, nocase, nesting + 1);
            if (r != 0) {
              return r;
            }
            si++;
          }
          return -1;
        }
        case '?' -> si++;
        case '[' -> {
          pi++;
          boolean not = pi < plen && p.charAt(pi) == '^';
          if (not) {
            pi++;
          }
          boolean found = false;
          while (true) {
            if (pi < plen && p.charAt(pi) == '\\' && pi + 1 < plen) {
              pi++;
              if (eq(p.charAt(pi), s.charAt(si), nocase)) {
                found = true;
              }
            } else if (pi >= plen || p.charAt(pi) == ']') {
              break;
            } else if (pi + 2 < plen && p.charAt(pi + 1) == '-') {
              char start = p.charAt(pi);
              char end = p.charAt(pi + 2);
              char c = s.charAt(si);
              if (start > end) {
                char t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = Character.toLowerCase(start);
                end = Character.toLowerCase(end);
                c = Character.toLowerCase(c);
              }
              pi += 2;
              if (c >= start && c <= end) {
                found = true;
              }
            } else if (eq(p.charAt(pi), s.charAt(si), nocase)) {
              found = true;
            }
            pi++;
          }
          if (pi >= plen) {
            pi--; // an unterminated class ends with the pattern
          }
          if (not) {
            found = !found;
          }
          if (!found) {
            return 0;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < plen) {
            pi++;
          }
          if (!eq(p.charAt(pi), s.charAt(si), nocase)) {
            return 0;
          }
          si++;
        }
        default -> {
          if (!eq(pc, s.charAt(si), nocase)) {
            return 0;
          }
          si++;
        }
      }
      pi++;
      if (si == slen) {
        while (pi < plen && p.charAt(pi) == '*') {
          pi++;
        }
        break;
      }
    }
    return pi == plen && si == slen ? 1 : 0;
  }

  private static boolean eq(char a, char b, boolean nocase) {
    return a == b || (nocase && Character.toLowerCase(a) == Character.toLowerCase(b));
  }
}
