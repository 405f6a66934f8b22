package io.cinnabar.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration directive as Redis's standardConfig: name and alias, how a value is parsed and
 * printed, its default, and flags (immutable, protected, hidden, multi-argument). The same
 * declaration serves the config file, the command line and CONFIG GET/SET/REWRITE. Values are kept
 * in their CONFIG GET form (the "canonical" text).
 */
public final class Directive {
  /** How a value is parsed and printed. */
  public enum Kind {
    BOOL,
    /** Any of Redis's numeric configs (int, long long, size_t ...), see the numeric flags. */
    INT,
    /** A numeric config that also accepts memory units (1kb, 5mb ...). */
    MEMORY,
    ENUM,
    STRING,
    /** Multi-argument or free-form values with their own parser (save, bind, ...). */
    SPECIAL
  }

  /** Settable only at startup. */
  public static final int IMMUTABLE = 1;

  /** CONFIG SET needs enable-protected-configs. */
  public static final int PROTECTED = 1 << 1;

  /** Not matched by CONFIG GET patterns, only by its exact name. */
  public static final int HIDDEN = 1 << 2;

  /** Takes several arguments (CONFIG SET splits its value on spaces). */
  public static final int MULTI_ARG = 1 << 3;

  /** Numeric flags. */
  static final int N_PERCENT = 1;

  static final int N_OCTAL = 1 << 1;
  static final int N_UNSIGNED = 1 << 2;

  /** For STRING: an empty value means "unset" (not written by CONFIG REWRITE). */
  static final int S_EMPTY_IS_NULL = 1 << 3;

  /** For ENUM: a set of flags ("save now"), printed in declaration order, "default" when none. */
  static final int E_FLAGS = 1 << 4;

  /** Parses the arguments of a SPECIAL directive into its canonical value, or throws. */
  @FunctionalInterface
  public interface SpecialParser {
    String parse(Config config, List<String> argv, boolean loading) throws ConfigException;
  }

  public final String name;

  /** The alias ("slave-read-only" for "replica-read-only"), or null. */
  public final String alias;

  public final List<String> aliases;
  public final Kind kind;
  public final String defaultValue;
  public final int flags;
  final int numFlags;
  public final long min;
  public final long max;
  public final List<String> enumValues;

  /** Enum value ids: names with the same id are synonyms (the first one is printed). */
  final int[] enumIds;

  /** Extra validation: returns an error reason, or null if valid. */
  public final Function<String, String> validator;

  final SpecialParser special;

  /** Normalizes a parsed value (hz is clamped), or null. */
  final java.util.function.UnaryOperator<String> normalizer;

  public final boolean mutable;

  private Directive(Builder b) {
    name = b.name;
    alias = b.alias;
    aliases = b.alias == null ? List.of() : List.of(b.alias);
    kind = b.kind;
    flags = b.flags;
    numFlags = b.numFlags;
    min = b.min;
    max = b.max;
    enumValues = List.copyOf(b.enumValues);
    enumIds = b.enumIds;
    validator = b.validator;
    special = b.special;
    normalizer = b.normalizer;
    mutable = (b.flags & IMMUTABLE) == 0;
    defaultValue = b.defaultValue;
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  public static Builder bool(String name, boolean def) {
    return new Builder(name, Kind.BOOL, def ? "yes" : "no");
  }

  /** A signed integer config (int, long, long long, ssize_t, time_t, off_t in Redis). */
  public static Builder integer(String name, long def, long min, long max) {
    Builder b = new Builder(name, Kind.INT, Long.toString(def));
    b.min = min;
    b.max = max;
    return b;
  }

  /** An unsigned integer config (unsigned int, size_t, unsigned long long): unsigned bounds. */
  public static Builder unsigned(String name, long def, long min, long max) {
    Builder b = integer(name, def, min, max);
    b.numFlags |= N_UNSIGNED;
    return b;
  }

  /** A memory config: accepts units, printed as unsigned bytes. */
  public static Builder memory(String name, long def, long min, long max) {
    Builder b = new Builder(name, Kind.MEMORY, Long.toUnsignedString(def));
    b.min = min;
    b.max = max;
    return b;
  }

  public static Builder enumeration(String name, String def, String... values) {
    Builder b = new Builder(name, Kind.ENUM, def);
    b.enumValues = List.of(values);
    b.enumIds = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      b.enumIds[i] = i;
    }
    return b;
  }

  public static Builder string(String name, String def) {
    return new Builder(name, Kind.STRING, def);
  }

  public static Builder special(String name, String def) {
    return new Builder(name, Kind.SPECIAL, def);
  }

  /** Parses a single value given as text into its canonical form, or throws with Redis's reason. */
  public String canonical(String value) throws ConfigException {
    return canonical(null, has(MULTI_ARG) ? splitSpaces(value) : List.of(value), false);
  }

  /** Parses the arguments of one directive (already split) into its canonical form. */
  String canonical(Config config, List<String> argv, boolean loading) throws ConfigException {
    if (kind == Kind.SPECIAL) {
      return special.parse(config, argv, loading);
    }
    if (kind == Kind.ENUM && (numFlags & E_FLAGS) != 0) {
      return parseFlagsEnum(argv);
    }
    String value = argv.get(0);
    String out;
    switch (kind) {
      case BOOL -> {
        if (value.equalsIgnoreCase("yes")) {
          out = "yes";
        } else if (value.equalsIgnoreCase("no")) {
          out = "no";
        } else {
          throw new ConfigException("argument must be 'yes' or 'no'");
        }
      }
      case INT, MEMORY -> out = Numeric.format(this, Numeric.parse(this, value));
      case ENUM -> {
        int idx = enumIndex(value);
        if (idx < 0) {
          throw new ConfigException(enumError());
        }
        out = enumValues.get(idx);
      }
      default -> out = value;
    }
    if (validator != null) {
      String err = validator.apply(out);
      if (err != null) {
        throw new ConfigException(err);
      }
    }
    return normalizer == null ? out : normalizer.apply(out);
  }

  /** Index of the first enum name with the same id as {@code value}'s, or -1. */
  private int enumIndex(String value) {
    for (int i = 0; i < enumValues.size(); i++) {
      if (enumValues.get(i).equalsIgnoreCase(value)) {
        for (int j = 0; j <= i; j++) {
          if (enumIds[j] == enumIds[i]) {
            return j;
          }
        }
      }
    }
    return -1;
  }

  private String enumError() {
    return "argument(s) must be one of the following: " + String.join(", ", enumValues);
  }

  /** Flag enums (shutdown-on-sigterm): names are bits 0 (default), 1, 2, 4, 8 ... */
  private String parseFlagsEnum(List<String> argv) throws ConfigException {
    if (argv.isEmpty()) {
      throw new ConfigException(enumError());
    }
    int bits = 0;
    for (String a : argv) {
      int idx = enumIndex(a);
      if (idx < 0) {
        throw new ConfigException(enumError());
      }
      bits |= idx == 0 ? 0 : 1 << (idx - 1);
    }
    if (validator != null) {
      String err = validator.apply(Integer.toString(bits));
      if (err != null) {
        throw new ConfigException(err);
      }
    }
    if (bits == 0) {
      return enumValues.get(0);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < enumValues.size(); i++) {
      if ((bits & (1 << (i - 1))) != 0) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(enumValues.get(i));
      }
    }
    return sb.toString();
  }

  /** Splits a CONFIG SET value on single spaces, as Redis's sdssplitlen (empty gives none). */
  static List<String> splitSpaces(String value) {
    if (value.isEmpty()) {
      return List.of();
    }
    return List.of(value.split(" ", -1));
  }

  /** Parses a memory value as Redis's memtoull ("100", "1k", "1kb", "1mb", "1gb" ...). */
  public static long parseMemory(String s) throws ConfigException {
    try {
      return Numeric.memtoull(s);
    } catch (NumberFormatException e) {
      throw new ConfigException("argument must be a memory value");
    }
  }

  String lowerName() {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Declares a directive. */
  public static final class Builder {
    final String name;
    final Kind kind;
    final String defaultValue;
    String alias;
    int flags;
    int numFlags;
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    List<String> enumValues = List.of();
    int[] enumIds = new int[0];
    Function<String, String> validator;
    SpecialParser special;
    java.util.function.UnaryOperator<String> normalizer;

    Builder(String name, Kind kind, String def) {
      this.name = name;
      this.kind = kind;
      this.defaultValue = def;
    }

    public Builder alias(String a) {
      alias = a;
      return this;
    }

    /** Settable only at startup (CONFIG SET answers "can't set immutable config"). */
    public Builder immutable() {
      flags |= IMMUTABLE;
      return this;
    }

    public Builder flags(int f) {
      flags |= f;
      return this;
    }

    Builder numFlags(int f) {
      numFlags |= f;
      return this;
    }

    /** Enum synonyms: {@code ids[i]} is the value of name i; equal ids print as the first. */
    Builder ids(int... ids) {
      enumIds = ids;
      return this;
    }

    public Builder validate(Function<String, String> v) {
      validator = v;
      return this;
    }

    Builder parser(SpecialParser p) {
      special = p;
      return this;
    }

    Builder normalize(java.util.function.UnaryOperator<String> n) {
      normalizer = n;
      return this;
    }

    public Directive build() {
      return new Directive(this);
    }
  }
}
