package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * Expiry commands (Redis's expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL,
 * PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
 */
final class ExpireCommands {
  private ExpireCommands() {}

  static void register(CommandTable t) {
    t.add(setter("expire", "Set a key's time to live in seconds", "1.0.0", 0, true));
    t.add(setter("pexpire", "Set a key's time to live in milliseconds", "2.6.0", 0, false));
    t.add(
        setter("expireat", "Set the expiration for a key as a UNIX timestamp", "1.2.0", -1, true));
    t.add(
        setter(
            "pexpireat",
            "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
            "2.6.0",
            -1,
            false));
    t.add(
        getter("ttl", "Get the time to live for a key in seconds", "1.0.0", false, false)
            .tips("nondeterministic_output"));
    t.add(
        getter("pttl", "Get the time to live for a key in milliseconds", "2.6.0", true, false)
            .tips("nondeterministic_output"));
    t.add(
        getter("expiretime", "Get the expiration Unix timestamp for a key", "7.0.0", false, true));
    t.add(
        getter(
            "pexpiretime",
            "Get the expiration Unix timestamp for a key in milliseconds",
            "7.0.0",
            true,
            true));
    t.add(
        command("persist", 2)
            .flags("write fast")
            .acl("keyspace")
            .keys(single("RW update", 1))
            .doc("Remove the expiration from a key", "2.2.0", "generic", "O(1)")
            .handler(ExpireCommands::persist));
  }

  /** {@code base} 0: relative to now; -1: absolute. */
  private static io.cinnabar.command.CommandSpec.Builder setter(
      String name, String summary, String since, int base, boolean seconds) {
    byte[] invalid = Bytes.ascii("ERR invalid expire time in '" + name + "' command");
    return command(name, -3)
        .flags("write fast")
        .acl("keyspace")
        .keys(single("RW update", 1))
        .doc(summary, since, "generic", "O(1)")
        .handler(c -> expire(c, base == 0 ? c.server.now() : 0, seconds, invalid));
  }

  private static io.cinnabar.command.CommandSpec.Builder getter(
      String name, String summary, String since, boolean millis, boolean absolute) {
    return command(name, 2)
        .flags("readonly fast")
        .acl("keyspace")
        .keys(single("RO access", 1))
        .doc(summary, since, "generic", "O(1)")
        .handler(c -> ttl(c, millis, absolute));
  }

  private static final byte[] NX = Bytes.ascii("nx");
  private static final byte[] XX = Bytes.ascii("xx");
  private static final byte[] GT = Bytes.ascii("gt");
  private static final byte[] LT = Bytes.ascii("lt");
  private static final byte[] NX_INCOMPATIBLE =
      Bytes.ascii("ERR NX and XX, GT or LT options at the same time are not compatible");
  private static final byte[] GT_LT_INCOMPATIBLE =
      Bytes.ascii("ERR GT and LT options at the same time are not compatible");

  static final int F_NX = 1;
  static final int F_XX = 2;
  static final int F_GT = 4;
  static final int F_LT = 8;

  /**
   * Parses NX/XX/GT/LT from argument 3 on (Redis's parseExtendedExpireArgumentsOrReply). Returns
   * the flags, or -1 after replying the error.
   */
  static int parseFlagsOrReply(Client c, int from) {
    Request r = c.req;
    int flags = 0;
    for (int i = from; i < r.argc; i++) {
      if (r.is(i, NX)) {
        flags |= F_NX;
      } else if (r.is(i, XX)) {
        flags |= F_XX;
      } else if (r.is(i, GT)) {
        flags |= F_GT;
      } else if (r.is(i, LT)) {
        flags |= F_LT;
      } else {
        c.reply.error("ERR Unsupported option " + cString(r, i));
        return -1;
      }
    }
    if ((flags & F_NX) != 0 && (flags & (F_XX | F_GT | F_LT)) != 0) {
      c.reply.errorBytes(NX_INCOMPATIBLE);
      return -1;
    }
    if ((flags & (F_GT | F_LT)) == (F_GT | F_LT)) {
      c.reply.errorBytes(GT_LT_INCOMPATIBLE);
      return -1;
    }
    return flags;
  }

  /** Argument i as Redis prints it with %s: up to the first NUL byte. */
  static String cString(Request r, int i) {
    int len = 0;
    while (len < r.lens[i] && r.bufs[i][r.offs[i] + len] != 0) {
      len++;
    }
    return Bytes.latin1(r.bufs[i], r.offs[i], len);
  }

  /** Redis's expireGenericCommand. {@code base} is added to the (converted) argument. */
  static void expire(Client c, long base, boolean seconds, byte[] invalid) {
    int flags = parseFlagsOrReply(c, 3);
    if (flags < 0 || !Args.longOrReply(c, 2)) {
      return;
    }
    long when = Args.toLong(c.req, 2);
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        c.reply.errorBytes(invalid);
        return;
      }
      when *= 1000;
    }
    if (when > Long.MAX_VALUE - base) {
      c.reply.errorBytes(invalid);
      return;
    }
    when += base;
    Request r = c.req;
    long now = c.server.now();
    Entry e = c.db.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now);
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    if (flags != 0) {
      long current = e.expireAt();
      if (((flags & F_NX) != 0 && current != -1)
          || ((flags & F_XX) != 0 && current == -1)
          || ((flags & F_GT) != 0 && (when <= current || current == -1))
          || ((flags & F_LT) != 0 && current != -1 && when >= current)) {
        c.reply.integer(0);
        return;
      }
    }
    if (when <= now) {
      // Already in the past: the key is deleted as by DEL (not counted as expired).
      c.db.delete(e);
      Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "del");
    } else {
      c.db.setExpire(e, when);
      Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "expire");
    }
    if (base != 0 || seconds || when <= now) {
      Propagate.expireAt(c, e.key(), when); // as PEXPIREAT (or DEL), as Redis
    }
    c.server.keyspace.stats().dirty++;
    c.reply.integer(1);
  }

  /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 if missing, -1 if no TTL; seconds are rounded. */
  static void ttl(Client c, boolean millis, boolean absolute) {
    Entry e = KeyCommands.lookupNoTouch(c, 1);
    if (e == null) {
      c.reply.integer(-2);
      return;
    }
    long expire = e.expireAt();
    if (expire == -1) {
      c.reply.integer(-1);
      return;
    }
    long ttl = absolute ? expire : expire - c.server.now();
    if (ttl < 0) {
      ttl = 0;
    }
    c.reply.integer(millis ? ttl : (ttl + 500) / 1000);
  }

  static void persist(Client c) {
    Request r = c.req;
    Entry e = c.db.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], c.server.now());
    if (e == null || e.expireAt() == -1) {
      c.reply.integer(0);
      return;
    }
    c.db.persist(e);
    c.server.keyspace.stats().dirty++;
    Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "persist");
    c.reply.integer(1);
  }
}
