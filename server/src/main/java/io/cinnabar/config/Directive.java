package io.cinnabar.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration directive: its name and aliases, how its value is parsed and printed, its
 * default, and whether CONFIG SET may change it at run time. The same declaration serves the config
 * file, the command line and CONFIG GET/SET/REWRITE.
 */
public final class Directive {
  /** How a value is parsed and printed. */
  public enum Kind {
    BOOL,
    INT,
    MEMORY,
    ENUM,
    STRING,
    /** Multi-argument or free-form values kept as text (e.g. save, client-output-buffer-limit). */
    SPECIAL
  }

  public final String name;
  public final List<String> aliases;
  public final Kind kind;
  public final String defaultValue;
  public final boolean mutable;
  public final long min;
  public final long max;
  public final List<String> enumValues;

  /** Extra validation for SPECIAL/STRING values: returns an error reason, or null if valid. */
  public final Function<String, String> validator;

  private Directive(Builder b) {
    name = b.name;
    aliases = List.copyOf(b.aliases);
    kind = b.kind;
    defaultValue = b.defaultValue;
    mutable = b.mutable;
    min = b.min;
    max = b.max;
    enumValues = List.copyOf(b.enumValues);
    validator = b.validator;
  }

  public static Builder bool(String name, boolean def) {
    return new Builder(name, Kind.BOOL, def ? "yes" : "no");
  }

  public static Builder integer(String name, long def, long min, long max) {
    Builder b = new Builder(name, Kind.INT, Long.toString(def));
    b.min = min;
    b.max = max;
    return b;
  }

  public static Builder memory(String name, long def, long min, long max) {
    Builder b = new Builder(name, Kind.MEMORY, Long.toString(def));
    b.min = min;
    b.max = max;
    return b;
  }

  public static Builder enumeration(String name, String def, String... values) {
    Builder b = new Builder(name, Kind.ENUM, def);
    b.enumValues = List.of(values);
    return b;
  }

  public static Builder string(String name, String def) {
    return new Builder(name, Kind.STRING, def);
  }

  public static Builder special(String name, String def) {
    return new Builder(name, Kind.SPECIAL, def);
  }

  /**
   * Parses a value given as text into its canonical printed form, or throws with Redis's reason.
   */
  public String canonical(String value) throws ConfigException {
    switch (kind) {
      case BOOL -> {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("yes") || v.equals("no")) {
          return v;
        }
        throw new ConfigException("argument must be 'yes' or 'no'");
      }
      case INT -> {
        long v = parseLong(value);
        check(v);
        return Long.toString(v);
      }
      case MEMORY -> {
        long v = parseMemory(value);
        check(v);
        return Long.toString(v);
      }
      case ENUM -> {
        String v = value.toLowerCase(Locale.ROOT);
        if (enumValues.contains(v)) {
          return v;
        }
        throw new ConfigException(
            "argument(s) must be one of the following: " + String.join(", ", enumValues));
      }
      default -> {
        if (validator != null) {
          String err = validator.apply(value);
          if (err != null) {
            throw new ConfigException(err);
          }
        }
        return value;
      }
    }
  }

  private void check(long v) throws ConfigException {
    if (v < min || v > max) {
      throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
    }
  }

  private static long parseLong(String s) throws ConfigException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException("argument couldn't be parsed into an integer");
    }
  }

  /** Parses "100", "1k", "1kb", "1m", "1mb", "1g", "1gb" (case-insensitive) as Redis's memtoull. */
  public static long parseMemory(String s) throws ConfigException {
    String v = s.toLowerCase(Locale.ROOT);
    long mul = 1;
    String digits = v;
    String[][] units = {
      {"kb", "1024"},
      {"mb", "1048576"},
      {"gb", "1073741824"},
      {"k", "1000"},
      {"m", "1000000"},
      {"g", "1000000000"},
      {"b", "1"}
    };
    for (String[] u : units) {
      if (v.endsWith(u[0])) {
        mul = Long.parseLong(u[1]);
        digits = v.substring(0, v.length() - u[0].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(digits);
      return Math.multiplyExact(n, mul);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException("argument must be a memory value");
    }
  }

  /** Declares a directive. */
  public static final class Builder {
    final String name;
    final Kind kind;
    final String defaultValue;
    List<String> aliases = List.of();
    boolean mutable = true;
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    List<String> enumValues = List.of();
    Function<String, String> validator;

    Builder(String name, Kind kind, String def) {
      this.name = name;
      this.kind = kind;
      this.defaultValue = def;
    }

    public Builder alias(String... a) {
      aliases = List.of(a);
      return this;
    }

    /** Settable only at startup (CONFIG SET answers that it can't be set while running). */
    public Builder immutable() {
      mutable = false;
      return this;
    }

    public Builder validate(Function<String, String> v) {
      validator = v;
      return this;
    }

    public Directive build() {
      return new Directive(this);
    }
  }
}
