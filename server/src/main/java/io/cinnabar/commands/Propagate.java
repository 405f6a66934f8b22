package io.cinnabar.commands;

import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * Commands replicated as their effects rather than as received (Redis's rewriteClientCommandVector
 * and alsoPropagate): relative expiries as absolute times, random and floating-point results as the
 * values chosen, served blocking pops as their non-blocking forms. Each helper does nothing while
 * no replica or backlog wants the stream.
 */
final class Propagate {
  private Propagate() {}

  static final byte[] SET = Bytes.ascii("SET");
  static final byte[] PXAT = Bytes.ascii("PXAT");
  static final byte[] KEEPTTL = Bytes.ascii("KEEPTTL");
  static final byte[] PEXPIREAT = Bytes.ascii("PEXPIREAT");
  static final byte[] PERSIST = Bytes.ascii("PERSIST");
  static final byte[] DEL = Bytes.ascii("DEL");
  static final byte[] HSET = Bytes.ascii("HSET");
  static final byte[] SREM = Bytes.ascii("SREM");
  static final byte[] LPOP = Bytes.ascii("LPOP");
  static final byte[] RPOP = Bytes.ascii("RPOP");
  static final byte[] LMOVE = Bytes.ascii("LMOVE");
  static final byte[] RPOPLPUSH = Bytes.ascii("RPOPLPUSH");
  static final byte[] ZPOPMIN = Bytes.ascii("ZPOPMIN");
  static final byte[] ZPOPMAX = Bytes.ascii("ZPOPMAX");

  static boolean on(Client c) {
    return c.server.primary.active();
  }

  /** Replaces the running command with {@code args} in the stream. */
  static void as(Client c, byte[]... args) {
    c.server.primary.propagateAs(c, args);
  }

  /** Adds {@code args} to what the running command propagates (and not the command itself). */
  static void also(Client c, byte[]... args) {
    if (on(c)) {
      c.server.primary.preventPropagation();
      c.server.primary.alsoPropagate(c.db.id(), args);
    }
  }

  static byte[] arg(Client c, int i) {
    Request r = c.req;
    return r.copy(i);
  }

  static byte[] num(long v) {
    return io.cinnabar.util.Numbers.toBytes(v);
  }

  /** A key's new absolute expiry, or its deletion when the time has already passed. */
  static void expireAt(Client c, byte[] key, long when) {
    if (!on(c)) {
      return;
    }
    if (when <= c.server.now()) {
      as(c, DEL, key);
    } else {
      as(c, PEXPIREAT, key, num(when));
    }
  }
}
