package io.cinnabar.server;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The server log in Redis's format: {@code pid:role dd Mon yyyy HH:mm:ss.SSS level message}, where
 * level is '.' debug, '-' verbose, '*' notice, '#' warning. Writes to stdout or to {@code logfile}.
 */
public final class Log {
  public static final int DEBUG = 0;
  public static final int VERBOSE = 1;
  public static final int NOTICE = 2;
  public static final int WARNING = 3;

  private static final char[] MARKS = {'.', '-', '*', '#'};
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH)
          .withZone(ZoneId.systemDefault());

  private static volatile PrintStream out = System.out;
  private static volatile int level = NOTICE;
  private static volatile char role = 'M';
  private static final long PID = ProcessHandle.current().pid();

  private Log() {}

  public static void setLevel(String name) {
    level =
        switch (name) {
          case "debug" -> DEBUG;
          case "verbose" -> VERBOSE;
          case "warning" -> WARNING;
          default -> NOTICE;
        };
  }

  public static void setRole(char r) {
    role = r;
  }

  /** Logs to {@code path}, or to stdout when the path is empty. */
  public static synchronized void setFile(String path) throws IOException {
    PrintStream old = out;
    if (path == null || path.isEmpty()) {
      out = System.out;
    } else {
      OutputStream os = new FileOutputStream(path, true);
      out = new PrintStream(os, true, StandardCharsets.UTF_8);
    }
    if (old != System.out && old != out) {
      old.close();
    }
  }

  public static void debug(String msg) {
    log(DEBUG, msg);
  }

  public static void verbose(String msg) {
    log(VERBOSE, msg);
  }

  public static void notice(String msg) {
    log(NOTICE, msg);
  }

  public static void warning(String msg) {
    log(WARNING, msg);
  }

  public static boolean enabled(int lvl) {
    return lvl >= level;
  }

  public static void log(int lvl, String msg) {
    if (lvl < level) {
      return;
    }
    String line =
        PID
            + ":"
            + role
            + " "
            + TIME.format(java.time.Instant.now())
            + " "
            + MARKS[lvl]
            + " "
            + msg;
    PrintStream p = out;
    synchronized (Log.class) {
      p.println(line);
      p.flush();
    }
  }

  /** Raw lines (the startup banner). */
  public static void raw(String text) {
    PrintStream p = out;
    synchronized (Log.class) {
      p.print(text);
      p.flush();
    }
  }
}
