package io.cinnabar.command;

import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one declaration of a command: name, arity, flags, ACL categories, key specs, tips, docs and
 * handler. Dispatch, COMMAND INFO/DOCS/GETKEYS, ACL and cluster routing all read this. Built with
 * {@link #command}; implicit ACL categories and the legacy first/last/step key range are derived
 * from the declaration the way Redis derives them.
 */
public final class CommandSpec {
  public final String name;

  /** "name" or "container|sub", as COMMAND INFO and error messages show it. */
  public final String fullName;

  public final byte[] nameLower;
  public final int arity;
  public final long flags;
  public final long aclCategories;
  public final List<KeySpec> keySpecs;
  public final List<String> tips;
  public final int firstKey;
  public final int lastKey;
  public final int keyStep;

  /**
   * The argument index of the command's one key when its only key spec is that single index (GET,
   * SET, HSET, ...), else -1: cluster routing takes it without evaluating the spec.
   */
  public final int singleKey;

  public final CommandHandler handler;
  public final Doc doc;

  /**
   * Finds the keys instead of the key specs when those are incomplete and Redis relies on a
   * getkeys_proc (MIGRATE's migrateGetKeys); null otherwise.
   */
  public final KeySpec.Finder keysProc;

  /** Subcommands by lower-case name, in declaration order (container commands only). */
  public final Map<String, CommandSpec> subcommands;

  public CommandSpec parent;
  public final CommandStats stats = new CommandStats();

  /** Documentation for COMMAND DOCS. */
  public record Doc(String summary, String since, String group, String complexity) {}

  private CommandSpec(Builder b, CommandSpec parent) {
    this.name = b.name;
    this.parent = parent;
    this.fullName = parent == null ? b.name : parent.name + "|" + b.name;
    this.nameLower = Bytes.ascii(b.name);
    this.arity = b.arity;
    this.keySpecs = List.copyOf(b.keySpecs);
    this.tips = List.copyOf(b.tips);
    this.handler = b.handler;
    this.doc = b.doc;
    this.keysProc = b.keysProc;
    long f = b.flags;
    // Legacy (first, last, step) range, as Redis's populateCommandLegacyRangeSpec derives it.
    int first = 0;
    int last = 0;
    int step = 0;
    KeySpec only = keySpecs.size() == 1 ? keySpecs.get(0) : null;
    this.singleKey =
        only != null
                && only.isIndexRange()
                && only.lastKeyOrKeynumIdx == 0
                && !only.has(KeySpec.Flag.NOT_KEY)
                && !only.has(KeySpec.Flag.INCOMPLETE)
            ? only.bsIndex
            : -1;
    if (keySpecs.size() == 1 && keySpecs.get(0).isIndexRange()) {
      KeySpec k = keySpecs.get(0);
      first = k.bsIndex;
      last = k.lastKeyOrKeynumIdx < 0 ? k.lastKeyOrKeynumIdx : first + k.lastKeyOrKeynumIdx;
      step = k.stepOrFirstKey;
      if (k.has(KeySpec.Flag.INCOMPLETE)) {
        f |= CommandFlag.MOVABLEKEYS.bit;
      }
    } else if (!keySpecs.isEmpty()) {
      int firstKeyIdx = Integer.MAX_VALUE;
      int lastKeyIdx = 0;
      int prevLast = 0;
      for (KeySpec k : keySpecs) {
        if (!k.isIndexRange()
            || k.stepOrFirstKey != 1
            || (prevLast != 0 && prevLast != k.bsIndex - 1)) {
          f |= CommandFlag.MOVABLEKEYS.bit;
          continue;
        }
        if (k.has(KeySpec.Flag.INCOMPLETE)) {
          f |= CommandFlag.MOVABLEKEYS.bit;
        }
        firstKeyIdx = Math.min(firstKeyIdx, k.bsIndex);
        int abs = k.lastKeyOrKeynumIdx;
        if (abs >= 0) {
          abs += k.bsIndex;
        }
        lastKeyIdx = Integer.compareUnsigned(lastKeyIdx, abs) >= 0 ? lastKeyIdx : abs;
        prevLast = lastKeyIdx;
      }
      if (firstKeyIdx == Integer.MAX_VALUE) {
        f |= CommandFlag.MOVABLEKEYS.bit;
      } else {
        first = firstKeyIdx;
        last = lastKeyIdx;
        step = 1;
      }
    }
    this.firstKey = first;
    this.lastKey = last;
    this.keyStep = step;
    this.flags = f;
    this.aclCategories = implicitCategories(f, b.acl);
    Map<String, CommandSpec> subs = new LinkedHashMap<>();
    for (Builder sb : b.subcommands) {
      CommandSpec s = new CommandSpec(sb, this);
      subs.put(s.name, s);
    }
    this.subcommands = subs;
  }

  private static long implicitCategories(long flags, long acl) {
    if ((flags & CommandFlag.WRITE.bit) != 0) {
      acl |= AclCategory.WRITE.bit;
    }
    if ((flags & CommandFlag.READONLY.bit) != 0 && (acl & AclCategory.SCRIPTING.bit) == 0) {
      acl |= AclCategory.READ.bit;
    }
    if ((flags & CommandFlag.ADMIN.bit) != 0) {
      acl |= AclCategory.ADMIN.bit | AclCategory.DANGEROUS.bit;
    }
    if ((flags & CommandFlag.PUBSUB.bit) != 0) {
      acl |= AclCategory.PUBSUB.bit;
    }
    if ((flags & CommandFlag.FAST.bit) != 0) {
      acl |= AclCategory.FAST.bit;
    }
    if ((flags & CommandFlag.BLOCKING.bit) != 0) {
      acl |= AclCategory.BLOCKING.bit;
    }
    if ((acl & AclCategory.FAST.bit) == 0) {
      acl |= AclCategory.SLOW.bit;
    }
    return acl;
  }

  public boolean has(CommandFlag f) {
    return (flags & f.bit) != 0;
  }

  public boolean isContainer() {
    return !subcommands.isEmpty();
  }

  /** Arity check as Redis does: exact when positive, a minimum when negative. */
  public boolean arityOk(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /** Argument indexes of the keys in {@code req}; false if the arguments don't fit the specs. */
  public boolean keys(io.cinnabar.protocol.Request req, KeyPositions out) {
    return keys(req, out, false);
  }

  /**
   * As {@link #keys(io.cinnabar.protocol.Request, KeyPositions)}; with {@code notKeys} also the
   * arguments of not_key specs (shard channels, which route like keys in cluster mode).
   */
  public boolean keys(io.cinnabar.protocol.Request req, KeyPositions out, boolean notKeys) {
    out.clear();
    if (keysProc != null) {
      return keysProc.find(req, out);
    }
    for (KeySpec k : keySpecs) {
      if (!notKeys && k.has(KeySpec.Flag.NOT_KEY)) {
        continue;
      }
      if (!k.findKeys(req, out)) {
        return false;
      }
    }
    return true;
  }

  public static Builder command(String name, int arity) {
    return new Builder(name, arity);
  }

  /** Declares a command. Flags and categories are given as Redis spells them. */
  public static final class Builder {
    final String name;
    final int arity;
    long flags;
    long acl;
    final List<KeySpec> keySpecs = new ArrayList<>();
    final List<String> tips = new ArrayList<>();
    final List<Builder> subcommands = new ArrayList<>();
    CommandHandler handler;
    KeySpec.Finder keysProc;
    Doc doc = new Doc("", "1.0.0", "generic", null);

    Builder(String name, int arity) {
      this.name = name.toLowerCase(Locale.ROOT);
      this.arity = arity;
    }

    /** Space-separated flag names, e.g. "write denyoom fast". */
    public Builder flags(String names) {
      for (String n : names.trim().split("\\s+")) {
        if (!n.isEmpty()) {
          flags |= CommandFlag.byName(n).bit;
        }
      }
      return this;
    }

    /** Space-separated explicit ACL categories, e.g. "string keyspace". */
    public Builder acl(String names) {
      for (String n : names.trim().split("\\s+")) {
        if (!n.isEmpty()) {
          acl |= AclCategory.byName(n).bit;
        }
      }
      return this;
    }

    public Builder keys(KeySpec... specs) {
      keySpecs.addAll(List.of(specs));
      return this;
    }

    /** Space-separated command tips, e.g. "nondeterministic_output request_policy:all_shards". */
    public Builder tips(String names) {
      for (String n : names.trim().split("\\s+")) {
        if (!n.isEmpty()) {
          tips.add(n);
        }
      }
      return this;
    }

    public Builder doc(String summary, String since, String group, String complexity) {
      doc = new Doc(summary, since, group, complexity);
      return this;
    }

    /** Keys found by {@code f} rather than by the (incomplete) key specs. */
    public Builder keysProc(KeySpec.Finder f) {
      keysProc = f;
      return this;
    }

    public Builder handler(CommandHandler h) {
      handler = h;
      return this;
    }

    public Builder sub(Builder... subs) {
      subcommands.addAll(List.of(subs));
      return this;
    }

    public CommandSpec build() {
      return new CommandSpec(this, null);
    }
  }
}
