package io.cinnabar.commands;

import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * The options shared by SCAN, HSCAN (and the other *SCAN commands): {@code [MATCH pattern] [COUNT
 * count]} and, for SCAN only, {@code [TYPE type]}, parsed with Redis's rules (any order, repeated
 * options overwrite, COUNT below 1 is a syntax error).
 *
 * @param count how many elements to aim for (10 by default)
 * @param matchArg the argument index of the pattern, or -1
 * @param typeArg the argument index of the type, or -1
 */
record ScanOptions(long count, int matchArg, int typeArg) {
  private static final byte[] COUNT = Bytes.ascii("count");
  private static final byte[] MATCH = Bytes.ascii("match");
  private static final byte[] TYPE = Bytes.ascii("type");

  /** Parses the options from argument {@code from} on; null after replying Redis's error. */
  static ScanOptions parseOrReply(Client c, int from, boolean allowType) {
    Request r = c.req;
    long count = 10;
    int matchArg = -1;
    int typeArg = -1;
    for (int i = from; i < r.argc; ) {
      int remaining = r.argc - i;
      if (r.is(i, COUNT) && remaining >= 2) {
        if (!Args.longOrReply(c, i + 1)) {
          return null;
        }
        count = Args.toLong(r, i + 1);
        if (count < 1) {
          c.reply.errorBytes(Errors.SYNTAX);
          return null;
        }
        i += 2;
      } else if (r.is(i, MATCH) && remaining >= 2) {
        matchArg = i + 1;
        i += 2;
      } else if (allowType && r.is(i, TYPE) && remaining >= 2) {
        typeArg = i + 1;
        i += 2;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return null;
      }
    }
    return new ScanOptions(count, matchArg, typeArg);
  }
}
