package io.cinnabar.config;

import java.util.Set;

/** Value checks of particular directives, with Redis's error texts (is_valid_fn in config.c). */
final class Validators {
  private Validators() {}

  private static boolean isBaseName(String v) {
    return v.indexOf('/') < 0 && v.indexOf('\\') < 0;
  }

  static String dbfilename(String v) {
    return isBaseName(v) ? null : "dbfilename can't be a path, just a filename";
  }

  static String aofName(String v) {
    if (v.isEmpty()) {
      return "appendfilename can't be empty";
    }
    return isBaseName(v) ? null : "appendfilename can't be a path, just a filename";
  }

  static String aofDir(String v) {
    if (v.isEmpty()) {
      return "appenddirname can't be empty";
    }
    return isBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
  }

  static String announcedHostname(String v) {
    if (v.length() >= 256) {
      return "Hostnames must be less than 256 characters";
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.';
      if (!ok) {
        return "Hostnames may only contain alphanumeric characters, hyphens or dots";
      }
    }
    return null;
  }

  private static final Set<String> TITLE_VARS =
      Set.of(
          "title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file");

  /** proc-title-template: only known {variables}, balanced braces, not blank once expanded. */
  static String procTitleTemplate(String v) {
    StringBuilder expanded = new StringBuilder();
    int i = 0;
    while (i < v.length()) {
      char c = v.charAt(i);
      if (c == '{') {
        int end = v.indexOf('}', i);
        if (end < 0 || !TITLE_VARS.contains(v.substring(i + 1, end))) {
          return "template format is invalid or contains unknown variables";
        }
        expanded.append('x');
        i = end + 1;
      } else if (c == '}') {
        return "template format is invalid or contains unknown variables";
      } else {
        expanded.append(c);
        i++;
      }
    }
    if (expanded.toString().isBlank()) {
      return "template format is invalid or contains unknown variables";
    }
    return null;
  }

  /** shutdown-on-sig*: bits 1 (save) and 2 (nosave) exclude each other. */
  static String shutdownFlags(String bits) {
    int b = Integer.parseInt(bits);
    return (b & 3) == 3 ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
  }

  /** hz is a hint: out-of-range values are accepted and clamped to 1..500. */
  static String clampHz(String v) {
    long hz = Long.parseLong(v);
    return Long.toString(Math.max(1, Math.min(500, hz)));
  }
}
