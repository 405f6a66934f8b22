package io.cinnabar.commands;

import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Numbers;

/** Reading typed arguments from the current request without allocating. */
public final class Args {
  private Args() {}

  public static boolean isLong(Request r, int i) {
    return Numbers.isLong(r.bufs[i], r.offs[i], r.lens[i]);
  }

  /** The argument as a long; call only after {@link #isLong}. */
  public static long toLong(Request r, int i) {
    return Numbers.parseLongOr(r.bufs[i], r.offs[i], r.lens[i], 0);
  }

  /**
   * Parses argument i as a long, replying Redis's "not an integer" error if it isn't one. Returns
   * false when it replied.
   */
  public static boolean longOrReply(Client c, int i) {
    if (isLong(c.req, i)) {
      return true;
    }
    c.reply.errorBytes(Errors.NOT_INTEGER);
    return false;
  }
}
