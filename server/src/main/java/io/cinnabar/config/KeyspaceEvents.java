package io.cinnabar.config;

/** notify-keyspace-events classes as Redis's notify.c: flag bits, parsing and printing. */
public final class KeyspaceEvents {
  private KeyspaceEvents() {}

  public static final int KEYSPACE = 1;
  public static final int KEYEVENT = 1 << 1;
  public static final int GENERIC = 1 << 2;
  public static final int STRING = 1 << 3;
  public static final int LIST = 1 << 4;
  public static final int SET = 1 << 5;
  public static final int HASH = 1 << 6;
  public static final int ZSET = 1 << 7;
  public static final int EXPIRED = 1 << 8;
  public static final int EVICTED = 1 << 9;
  public static final int STREAM = 1 << 10;
  public static final int KEY_MISS = 1 << 11;
  public static final int MODULE = 1 << 13;
  public static final int NEW = 1 << 14;

  /** 'A': every class except key-miss and new-key. */
  public static final int ALL =
      GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

  private static final String CLASS_CHARS = "g$lshzxetdn";
  private static final int[] CLASS_BITS = {
    GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW
  };

  /** The flags of a class string such as "KEA", or -1 if it has an unknown character. */
  public static int parse(String s) {
    int flags = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case 'A' -> flags |= ALL;
        case 'K' -> flags |= KEYSPACE;
        case 'E' -> flags |= KEYEVENT;
        case 'm' -> flags |= KEY_MISS;
        default -> {
          int idx = CLASS_CHARS.indexOf(c);
          if (idx < 0) {
            return -1;
          }
          flags |= CLASS_BITS[idx];
        }
      }
    }
    return flags;
  }

  /** The canonical class string of {@code flags} (as CONFIG GET prints it). */
  public static String format(int flags) {
    StringBuilder sb = new StringBuilder();
    if ((flags & ALL) == ALL) {
      sb.append('A');
    } else {
      for (int i = 0; i < CLASS_BITS.length; i++) {
        if ((flags & CLASS_BITS[i]) != 0) {
          sb.append(CLASS_CHARS.charAt(i));
        }
      }
    }
    if ((flags & KEYSPACE) != 0) {
      sb.append('K');
    }
    if ((flags & KEYEVENT) != 0) {
      sb.append('E');
    }
    if ((flags & KEY_MISS) != 0) {
      sb.append('m');
    }
    return sb.toString();
  }
}
