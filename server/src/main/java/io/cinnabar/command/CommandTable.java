package io.cinnabar.command;

import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every command the server knows, looked up by the raw name bytes of a request (case-insensitive,
 * no String built). Filled once at startup by the command families' {@code register} methods.
 */
public final class CommandTable {
  private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
  private CommandSpec[] slots = new CommandSpec[512];
  private int[] slotHashes = new int[512];

  public void add(CommandSpec.Builder b) {
    add(b.build());
  }

  public void add(CommandSpec c) {
    if (byName.putIfAbsent(c.name, c) != null) {
      throw new IllegalStateException("command declared twice: " + c.name);
    }
    if (byName.size() * 2 > slots.length) {
      rebuild(slots.length * 2);
    } else {
      insert(c);
    }
  }

  private void rebuild(int size) {
    slots = new CommandSpec[size];
    slotHashes = new int[size];
    for (CommandSpec c : byName.values()) {
      insert(c);
    }
  }

  private void insert(CommandSpec c) {
    int h = Bytes.hashIgnoreCase(c.nameLower, 0, c.nameLower.length);
    int mask = slots.length - 1;
    int i = h & mask;
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = c;
    slotHashes[i] = h;
  }

  /** The command named by {@code b[off, off+len)} in any case, or null. */
  public CommandSpec lookup(byte[] b, int off, int len) {
    int h = Bytes.hashIgnoreCase(b, off, len);
    int mask = slots.length - 1;
    for (int i = h & mask; slots[i] != null; i = (i + 1) & mask) {
      if (slotHashes[i] == h && Bytes.equalsIgnoreCase(slots[i].nameLower, b, off, len)) {
        return slots[i];
      }
    }
    return null;
  }

  /** The subcommand named by the slice, or null. Subcommand tables are small: a linear scan. */
  public static CommandSpec lookupSub(CommandSpec container, byte[] b, int off, int len) {
    for (CommandSpec s : container.subcommands.values()) {
      if (Bytes.equalsIgnoreCase(s.nameLower, b, off, len)) {
        return s;
      }
    }
    return null;
  }

  public CommandSpec get(String name) {
    return byName.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public Collection<CommandSpec> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  /** Every command and subcommand (for COMMAND LIST, INFO commandstats, CONFIG RESETSTAT). */
  public List<CommandSpec> allWithSubcommands() {
    List<CommandSpec> out = new ArrayList<>();
    for (CommandSpec c : byName.values()) {
      out.add(c);
      out.addAll(c.subcommands.values());
    }
    return out;
  }

  public int size() {
    return byName.size();
  }
}
