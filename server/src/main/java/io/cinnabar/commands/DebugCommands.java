package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG (Redis's debug.c), gated by {@code enable-debug-command} as Redis gates it. Supports SLEEP,
 * SET-ACTIVE-EXPIRE, DROP-CLUSTER-PACKET-FILTER, POPULATE, DIGEST, DIGEST-VALUE, OBJECT and HELP.
 */
public final class DebugCommands {
  private DebugCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("debug", -2)
            .flags("admin noscript loading stale protected")
            .doc("A container for debugging commands", "1.0.0", "server", "Depends on subcommand.")
            .handler(DebugCommands::debug));
  }

  /** Whether a protected command may run for {@code c}: "yes", or "local" from loopback. */
  static boolean allowed(Client c, String setting) {
    if ("yes".equals(setting)) {
      return true;
    }
    if (!"local".equals(setting)) {
      return false;
    }
    if (c.channel.remoteAddress() instanceof InetSocketAddress a) {
      return a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }
    return true;
  }

  static void debug(Client c) {
    if (!allowed(c, c.server.config.get("enable-debug-command"))) {
      c.reply.error(
          "ERR DEBUG command not allowed. If the enable-debug-command option is set to"
              + " \"local\", you can run it from a local connection, otherwise you need to set"
              + " this option in the configuration file, and then restart the server.");
      return;
    }
    Request r = c.req;
    String sub = r.string(1).toLowerCase(java.util.Locale.ROOT);
    int argc = r.argc;
    switch (sub) {
      case "help" -> help(c);
      case "sleep" -> {
        if (argc != 3) {
          syntax(c, r);
          return;
        }
        double secs = parseDouble(r.string(2));
        long micros = (long) (secs * 1_000_000);
        if (micros > 0) {
          try {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        c.reply.ok();
      }
      case "drop-cluster-packet-filter" -> {
        if (argc != 3) {
          syntax(c, r);
          return;
        }
        if (!Args.longOrReply(c, 2)) {
          return;
        }
        if (c.server.cluster != null) { // bus messages of this type are dropped; -1: none
          c.server.cluster.dropPacketFilter((int) Args.toLong(r, 2));
        }
        c.reply.ok();
      }
      case "set-active-expire" -> {
        if (argc != 3) {
          syntax(c, r);
          return;
        }
        c.server.setActiveExpireEnabled(parseDouble(r.string(2)) != 0);
        c.reply.ok();
      }
      case "populate" -> {
        if (argc < 3 || argc > 5) {
          syntax(c, r);
          return;
        }
        populate(c);
      }
      case "digest" -> {
        if (argc != 2) {
          syntax(c, r);
          return;
        }
        c.reply.simple(DebugDigest.hex(DebugDigest.dataset(c.server.keyspace)));
      }
      case "digest-value" -> {
        c.reply.array(argc - 2);
        for (int i = 2; i < argc; i++) {
          byte[] d = new byte[20];
          Entry e = c.db.peek(r.bufs[i], r.offs[i], r.lens[i]);
          if (e != null) {
            DebugDigest.object(d, e);
          }
          c.reply.simple(DebugDigest.hex(d));
        }
      }
      case "reload" -> reload(c);
      case "object" -> {
        if (argc != 3) {
          syntax(c, r);
          return;
        }
        object(c);
      }
      default -> syntax(c, r);
    }
  }

  /** DEBUG RELOAD [NOSAVE] [NOFLUSH]: save, empty the keyspace, load the snapshot back. */
  private static void reload(Client c) {
    Request r = c.req;
    boolean save = true;
    boolean flush = true;
    for (int i = 2; i < r.argc; i++) {
      String opt = r.string(i).toLowerCase(java.util.Locale.ROOT);
      if (opt.equals("nosave")) {
        save = false;
      } else if (opt.equals("noflush")) {
        flush = false;
      } else {
        c.reply.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        return;
      }
    }
    if (save && !io.cinnabar.rdb.Snapshots.save(c.server)) {
      c.reply.error("ERR");
      return;
    }
    if (flush) {
      c.server.keyspace.flushAll();
    }
    try {
      io.cinnabar.rdb.Snapshots.load(c.server);
    } catch (io.cinnabar.rdb.RdbException | java.io.IOException e) {
      io.cinnabar.server.Log.warning("Error loading the RDB dump: " + e.getMessage());
      c.reply.error("ERR Error trying to load the RDB dump");
      return;
    }
    io.cinnabar.server.Log.warning("DB reloaded by DEBUG RELOAD");
    c.reply.ok();
  }

  private static void syntax(Client c, Request r) {
    Errors.subcommandSyntax(c);
  }

  /** strtod-like: the longest numeric prefix, 0 if none. */
  static double parseDouble(String s) {
    String t = s.trim();
    for (int end = t.length(); end > 0; end--) {
      try {
        double v = Double.parseDouble(t.substring(0, end));
        return Double.isNaN(v) ? 0 : v;
      } catch (NumberFormatException e) {
        // shorter prefix
      }
    }
    return 0;
  }

  /** DEBUG POPULATE count [prefix] [size]: keys prefix:N with values "value:N" (Redis's). */
  static void populate(Client c) {
    Request r = c.req;
    long count = Args.isLong(r, 2) ? Args.toLong(r, 2) : -1;
    long size = 0;
    if (count >= 0 && r.argc == 5) {
      size = Args.isLong(r, 4) ? Args.toLong(r, 4) : -1;
    }
    if (count < 0 || size < 0) {
      c.reply.error("ERR value is out of range, must be positive");
      return;
    }
    String prefix = r.argc >= 4 ? r.string(3) : "key";
    Database db = c.db;
    long now = c.server.now();
    for (long j = 0; j < count; j++) {
      String k = prefix + ":" + j;
      if (k.length() > 127) {
        k = k.substring(0, 127);
      }
      byte[] key = k.getBytes(StandardCharsets.ISO_8859_1);
      if (db.lookupWrite(key, now) != null) {
        continue;
      }
      byte[] text = Bytes.ascii("value:" + j);
      byte[] val = text;
      if (size > 0) {
        val = new byte[(int) size];
        System.arraycopy(text, 0, val, 0, (int) Math.min(size, text.length));
      }
      byte enc = val.length <= ValueType.EMBSTR_LIMIT ? ValueType.ENC_EMBSTR : ValueType.ENC_RAW;
      db.add(key, val, ValueType.STRING, enc, c.server.lruClock());
      c.server.signalModifiedKey(db, key);
    }
    c.reply.ok();
  }

  /** DEBUG OBJECT key: Redis's line; the address and serialized length are estimates. */
  static void object(Client c) {
    Request r = c.req;
    Entry e = c.db.peek(r.bufs[2], r.offs[2], r.lens[2]);
    if (e == null) {
      c.reply.errorBytes(Errors.NO_SUCH_KEY);
      return;
    }
    int refcount = 1;
    long serialized = 1;
    if (e.value() instanceof byte[] b) {
      serialized = serializedLength(b, e.encoding());
      if (e.encoding() == ValueType.ENC_INT) {
        long v = io.cinnabar.util.Numbers.parseLongOr(b, 0, b.length, -1);
        refcount = v >= 0 && v < 10000 ? Integer.MAX_VALUE : 1;
      }
    }
    int clock = c.server.lruClock();
    int lru = e.lru();
    long idle = clock >= lru ? clock - lru : clock + (0xFFFFFF - lru);
    c.reply.simple(
        "Value at:0x"
            + Long.toHexString(0x7f0000000000L + System.identityHashCode(e.value()) * 16L)
            + " refcount:"
            + refcount
            + " encoding:"
            + ValueType.encodingName(e.encoding())
            + " serializedlength:"
            + serialized
            + " lru:"
            + lru
            + " lru_seconds_idle:"
            + idle);
  }

  /** Bytes an RDB would use for a string (uncompressed): integer or length-prefixed form. */
  static long serializedLength(byte[] b, byte encoding) {
    if (encoding == ValueType.ENC_INT
        || (b.length <= 11 && io.cinnabar.util.Numbers.isLong(b, 0, b.length))) {
      long v = io.cinnabar.util.Numbers.parseLongOr(b, 0, b.length, 0);
      if (v >= -128 && v <= 127) {
        return 2;
      } else if (v >= -32768 && v <= 32767) {
        return 3;
      } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return 5;
      }
    }
    int n = b.length;
    int lenBytes = n < 64 ? 1 : n < 16384 ? 2 : 5;
    return lenBytes + n;
  }

  static void help(Client c) {
    CommandCommands.helpReply(
        c,
        "DEBUG",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.");
  }
}
