package io.cinnabar.command;

import io.cinnabar.protocol.Request;
import java.util.List;
import java.util.Locale;

/**
 * Where a command's keys are, as Redis 7 key specs: a begin-search step (a fixed argument index, or
 * the argument after a keyword) and a find-keys step (a range of arguments, or a count argument
 * followed by that many keys). Used by COMMAND INFO/GETKEYS, ACL key checks and cluster routing.
 */
public final class KeySpec {
  /** Key-spec flags, in the order COMMAND INFO lists them. */
  public enum Flag {
    RO("RO"),
    RW("RW"),
    OW("OW"),
    RM("RM"),
    ACCESS("access"),
    UPDATE("update"),
    INSERT("insert"),
    DELETE("delete"),
    NOT_KEY("not_key"),
    INCOMPLETE("incomplete"),
    VARIABLE_FLAGS("variable_flags");

    public final String wireName;

    Flag(String w) {
      wireName = w;
    }
  }

  public final String notes;
  public final List<Flag> flags;

  /** begin_search: index (keyword == null) or keyword with startfrom. */
  public final int bsIndex;

  public final String bsKeyword;

  private final byte[] bsKeywordLower;
  public final int bsStartFrom;

  /** find_keys: range (keynum == false: lastkey, keystep, limit) or keynum (keynumidx, ...). */
  public final boolean keynum;

  public final int lastKeyOrKeynumIdx;
  public final int stepOrFirstKey;
  public final int limitOrKeyStep;

  /** Finds a command's keys itself, for "unknown" specs (Redis's getkeys_proc). */
  public interface Finder {
    boolean find(Request req, KeyPositions out);
  }

  private final boolean unknown;
  private final Finder finder;

  private KeySpec(
      String notes,
      List<Flag> flags,
      int bsIndex,
      String bsKeyword,
      int bsStartFrom,
      boolean keynum,
      int a,
      int b,
      int c,
      boolean unknown,
      Finder finder) {
    this.notes = notes;
    this.unknown = unknown;
    this.finder = finder;
    this.flags = flags;
    this.bsIndex = bsIndex;
    this.bsKeyword = bsKeyword;
    this.bsKeywordLower =
        bsKeyword == null ? null : io.cinnabar.util.Bytes.ascii(bsKeyword.toLowerCase(Locale.ROOT));
    this.bsStartFrom = bsStartFrom;
    this.keynum = keynum;
    this.lastKeyOrKeynumIdx = a;
    this.stepOrFirstKey = b;
    this.limitOrKeyStep = c;
  }

  private static List<Flag> parseFlags(String flags) {
    return java.util.Arrays.stream(flags.trim().split("\\s+"))
        .filter(s -> !s.isEmpty())
        .map(s -> Flag.valueOf(s.toUpperCase(Locale.ROOT)))
        .toList();
  }

  /** Keys start at argument {@code index} and run to {@code lastKey} (relative; -1 = last arg). */
  public static KeySpec range(String flags, int index, int lastKey, int step, int limit) {
    return new KeySpec(
        null, parseFlags(flags), index, null, 0, false, lastKey, step, limit, false, null);
  }

  /** A single key at argument {@code index}. */
  public static KeySpec single(String flags, int index) {
    return range(flags, index, 0, 1, 0);
  }

  /** After argument {@code index}: a count at {@code +keynumIdx}, keys from {@code +firstKey}. */
  public static KeySpec keynum(String flags, int index, int keynumIdx, int firstKey, int step) {
    return new KeySpec(
        null, parseFlags(flags), index, null, 0, true, keynumIdx, firstKey, step, false, null);
  }

  /** Keys after a keyword, searched from {@code startFrom} (negative: from the end). */
  public static KeySpec keyword(
      String flags, String keyword, int startFrom, int lastKey, int step, int limit) {
    return new KeySpec(
        null, parseFlags(flags), 0, keyword, startFrom, false, lastKey, step, limit, false, null);
  }

  /**
   * A spec whose begin_search and find_keys are "unknown" (COMMAND INFO shows empty specs); {@code
   * finder} (may be null) supplies its keys for routing and COMMAND GETKEYS.
   */
  public static KeySpec unknown(String flags, String notes, Finder finder) {
    return new KeySpec(notes, parseFlags(flags), 0, null, 0, false, 0, 0, 0, true, finder);
  }

  public boolean isUnknown() {
    return unknown;
  }

  public KeySpec withNotes(String n) {
    return new KeySpec(
        n,
        flags,
        bsIndex,
        bsKeyword,
        bsStartFrom,
        keynum,
        lastKeyOrKeynumIdx,
        stepOrFirstKey,
        limitOrKeyStep,
        unknown,
        finder);
  }

  public boolean isIndexRange() {
    return bsKeyword == null && !keynum && !unknown;
  }

  public boolean has(Flag f) {
    return flags.contains(f);
  }

  /**
   * Adds the argument indexes of the keys this spec finds in {@code req} to {@code out}; returns
   * false if the arguments do not fit the spec (e.g. a key count larger than the arguments).
   */
  public boolean findKeys(Request req, KeyPositions out) {
    if (unknown) {
      return finder == null || finder.find(req, out);
    }
    int argc = req.argc;
    int first;
    if (bsKeyword == null) {
      first = bsIndex;
    } else {
      first = -1;
      byte[] kw = bsKeywordLower;
      if (bsStartFrom >= 0) {
        for (int i = bsStartFrom; i < argc; i++) {
          if (req.is(i, kw)) {
            first = i + 1;
            break;
          }
        }
      } else {
        for (int i = argc + bsStartFrom; i > 0; i--) {
          if (req.is(i, kw)) {
            first = i + 1;
            break;
          }
        }
      }
      if (first < 0) {
        return true;
      }
    }
    if (first >= argc) {
      return true;
    }
    if (!keynum) {
      int last;
      int lastKey = lastKeyOrKeynumIdx;
      if (lastKey >= 0) {
        last = first + lastKey;
      } else if (limitOrKeyStep <= 1) {
        last = argc + lastKey;
      } else {
        last = first + (argc - 1 - first) / limitOrKeyStep;
      }
      int step = stepOrFirstKey;
      if (last >= argc) {
        return false;
      }
      for (int i = first; i <= last; i += step) {
        out.add(i);
      }
      return true;
    }
    int numIdx = first + lastKeyOrKeynumIdx;
    if (numIdx >= argc) {
      return false;
    }
    long n =
        io.cinnabar.util.Numbers.parseLongOr(
            req.bufs[numIdx], req.offs[numIdx], req.lens[numIdx], -1);
    if (n < 0) {
      return false;
    }
    int start = first + stepOrFirstKey;
    int step = limitOrKeyStep;
    long last = start + (n - 1) * step;
    if (n > 0 && last >= argc) {
      return false;
    }
    for (long i = 0; i < n; i++) {
      out.add((int) (start + i * step));
    }
    return true;
  }
}
