package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.server.Client;
import io.cinnabar.util.Numbers;

/** OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP (Redis's object.c objectCommand). */
final class ObjectCommand {
  private ObjectCommand() {}

  /** Redis's OBJ_SHARED_REFCOUNT, reported for the shared integers 0..9999. */
  static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

  static final int SHARED_INTEGERS = 10000;

  static void register(CommandTable t) {
    t.add(
        command("object", -2)
            .doc(
                "A container for object introspection commands",
                "2.2.3",
                "generic",
                "Depends on subcommand.")
            .sub(
                inspector(
                    "encoding",
                    "Inspect the internal encoding of a Redis object",
                    "2.2.3",
                    ObjectCommand::encoding),
                inspector(
                    "freq",
                    "Get the logarithmic access frequency counter of a Redis object",
                    "4.0.0",
                    ObjectCommand::freq),
                inspector(
                    "idletime",
                    "Get the time since a Redis object was last accessed",
                    "2.2.3",
                    ObjectCommand::idletime),
                inspector(
                    "refcount",
                    "Get the number of references to the value of the key",
                    "2.2.3",
                    ObjectCommand::refcount),
                command("help", 2)
                    .flags("loading stale")
                    .acl("keyspace")
                    .doc(
                        "Show helpful text about the different subcommands",
                        "6.2.0",
                        "generic",
                        "O(1)")
                    .handler(ObjectCommand::help)));
  }

  private static CommandSpec.Builder inspector(
      String name, String summary, String since, java.util.function.BiConsumer<Client, Entry> h) {
    return command(name, 3)
        .flags("readonly")
        .acl("keyspace")
        .keys(single("RO", 2))
        .tips("nondeterministic_output")
        .doc(summary, since, "generic", "O(1)")
        .handler(
            c -> {
              Entry e = KeyCommands.lookupNoTouch(c, 2, false);
              if (e == null) {
                c.reply.nullBulk();
              } else {
                h.accept(c, e);
              }
            });
  }

  private static final String[] HELP = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help."
  };

  static void help(Client c) {
    c.reply.array(HELP.length);
    for (String line : HELP) {
      c.reply.simple(line);
    }
  }

  static void encoding(Client c, Entry e) {
    c.reply.bulk(ValueType.encodingName(e.encoding()));
  }

  private static String policy(Client c) {
    String p = c.server.config.get("maxmemory-policy");
    return p == null ? "noeviction" : p;
  }

  private static boolean lfu(Client c) {
    return policy(c).endsWith("-lfu");
  }

  static void idletime(Client c, Entry e) {
    if (lfu(c)) {
      c.reply.error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when"
              + " switching between policies at runtime LRU and LFU data will take some time to"
              + " adjust.");
      return;
    }
    c.reply.integer(idleMillis(c.server.lruClock(), e.lru()) / 1000);
  }

  /** Redis's estimateObjectIdleTime: the 24-bit LRU clock (seconds) may have wrapped. */
  static long idleMillis(int clock, int lru) {
    long max = (1 << 24) - 1;
    long now = clock & max;
    long then = lru & max;
    return now >= then ? (now - then) * 1000 : (now + (max - then)) * 1000;
  }

  static void freq(Client c, Entry e) {
    if (!lfu(c)) {
      c.reply.error(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note"
              + " that when switching between policies at runtime LRU and LFU data will take some"
              + " time to adjust.");
      return;
    }
    String decay = c.server.config.get("lfu-decay-time");
    long decayTime = decay == null ? 1 : Long.parseLong(decay);
    c.reply.integer(lfuDecrAndReturn(e.lru(), c.server.now() / 1000 / 60, decayTime));
  }

  /**
   * Redis's LFUDecrAndReturn: the counter (low 8 bits of the LFU data) decayed by one per {@code
   * decayTime} minutes elapsed since the access time (high 16 bits, minutes mod 2^16).
   */
  static long lfuDecrAndReturn(int lfu, long unixMinutes, long decayTime) {
    long ldt = (lfu >>> 8) & 0xFFFF;
    long counter = lfu & 0xFF;
    long now = unixMinutes & 0xFFFF;
    long elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    long periods = decayTime > 0 ? elapsed / decayTime : 0;
    if (periods > 0) {
      counter = periods > counter ? 0 : counter - periods;
    }
    return counter;
  }

  /**
   * Redis shares one object for the integers 0..9999 (refcount OBJ_SHARED_REFCOUNT) unless
   * maxmemory is set with an LRU/LFU policy; every other value has one reference.
   */
  static void refcount(Client c, Entry e) {
    c.reply.integer(isSharedInteger(c, e) ? SHARED_REFCOUNT : 1);
  }

  private static boolean isSharedInteger(Client c, Entry e) {
    if (e.type() != ValueType.STRING
        || e.encoding() != ValueType.ENC_INT
        || !(e.value() instanceof byte[] v)) {
      return false;
    }
    long n = Numbers.parseLongOr(v, 0, v.length, -1);
    if (n < 0 || n >= SHARED_INTEGERS) {
      return false;
    }
    String maxmemory = c.server.config.get("maxmemory");
    String p = policy(c);
    boolean noShared =
        maxmemory != null && !maxmemory.equals("0") && (p.endsWith("-lru") || p.endsWith("-lfu"));
    return !noShared;
  }
}
