package io.cinnabar.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CONFIG GET's matching, as Redis's configGetCommand. */
public final class ConfigQuery {
  private ConfigQuery() {}

  /**
   * Name/value pairs for the given names or glob patterns. An exact name (no '*', '?', '[') is
   * looked up directly and answered under the name as given; patterns match every non-hidden name
   * and alias, case-insensitively. Each name appears once.
   */
  public static List<String[]> get(Config config, List<String> patterns) {
    Map<String, String[]> matches = new LinkedHashMap<>();
    for (String p : patterns) {
      boolean glob = p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0;
      if (!glob) {
        String key = p.toLowerCase(Locale.ROOT);
        if (matches.containsKey(key)) {
          continue;
        }
        Config.Entry e = config.entry(p);
        if (e != null) {
          matches.put(key, new String[] {p, config.get(e.directive().name)});
        }
        continue;
      }
      for (Config.Entry e : config.entries()) {
        if (e.directive().has(Directive.HIDDEN) || matches.containsKey(e.name())) {
          continue;
        }
        if (io.cinnabar.util.Glob.match(
            io.cinnabar.util.Bytes.utf8(p), io.cinnabar.util.Bytes.utf8(e.name()), true)) {
          matches.put(e.name(), new String[] {e.name(), config.get(e.directive().name)});
        }
      }
    }
    return new ArrayList<>(matches.values());
  }

  /** A C-like strerror text for an I/O failure. */
  public static String strerror(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
