package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;

/**
 * ZPOPMIN, ZPOPMAX and ZMPOP (Redis's genericZpopCommand). {@link #popFrom} is the shared core a
 * blocking variant (BZPOPMIN, BZMPOP) calls once it has a non-empty zset.
 */
public final class ZPopCommands {
  private ZPopCommands() {}

  private static final byte[] MUST_BE_POSITIVE =
      Bytes.ascii("ERR value is out of range, must be positive");
  private static final byte[] NUMKEYS = Bytes.ascii("ERR numkeys should be greater than 0");
  private static final byte[] COUNT_POSITIVE = Bytes.ascii("ERR count should be greater than 0");
  private static final byte[] MIN = Bytes.ascii("min");
  private static final byte[] MAX = Bytes.ascii("max");
  private static final byte[] COUNT = Bytes.ascii("count");

  /**
   * Pops up to count members from the lowest (or highest, when max) end of a non-empty zset and
   * replies: elements as [member, score] pairs when nested, else flat; with emitKey, [key,
   * [pairs...]] when nested (ZMPOP, BZMPOP) or the flat [key, member, score...] of BZPOPMIN. Raises
   * zpopmin/zpopmax (and del if emptied) and signals the key.
   */
  public static void popFrom(
      Client c, Entry e, boolean max, long count, boolean emitKey, boolean nested) {
    ZSet z = (ZSet) e.value();
    Reply out = c.reply;
    long n = Math.min(count, z.size());
    long before = z.memoryBytes();
    if (emitKey && nested) {
      out.array(2); // ZMPOP, BZMPOP: [key, [[member, score], ...]]
      out.bulk(e.key());
      out.array(n);
    } else if (emitKey) {
      out.array(1 + 2 * n); // BZPOPMIN, BZPOPMAX: [key, member, score]
      out.bulk(e.key());
    } else {
      out.array(nested ? n : 2 * n);
    }
    long from = max ? z.size() - n : 0;
    long to = max ? z.size() - 1 : n - 1;
    z.range(
        from,
        to,
        max,
        (b, o, l, s) -> {
          if (nested) {
            out.array(2);
          }
          out.bulk(b, o, l);
          SortedSetCommands.score(out, s);
        });
    z.removeRange(from, to, null);
    SortedSetCommands.changed(c, e, z, before, max ? "zpopmax" : "zpopmin", 1);
    c.server.keyspace.stats().dirty += n;
  }

  /** ZPOPMIN / ZPOPMAX key [count]. */
  static void zpop(Client c, boolean max) {
    Request r = c.req;
    if (r.argc > 3) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    long count = 1;
    if (r.argc == 3) {
      count = Args.isLong(r, 2) ? Args.toLong(r, 2) : -1;
      if (count < 0) {
        c.reply.errorBytes(MUST_BE_POSITIVE);
        return;
      }
    }
    Entry e = SortedSetCommands.writeTarget(c, 1);
    if (e == SortedSetCommands.WRONG) {
      return;
    }
    if (e == null || count == 0) {
      c.reply.emptyArray();
      return;
    }
    popFrom(c, e, max, count, false, r.argc == 3 && c.reply.protocol() > 2);
  }

  /**
   * The arguments after numkeys of ZMPOP/BZMPOP: {whereIdx, max (1/0), count}, or null after
   * replying an error. {@code numkeysArg} is where numkeys is; the keys follow it.
   */
  static long[] mpopArgs(Client c, int numkeysArg) {
    Request r = c.req;
    long numkeys = Args.isLong(r, numkeysArg) ? Args.toLong(r, numkeysArg) : 0;
    if (numkeys <= 0) {
      c.reply.errorBytes(NUMKEYS);
      return null;
    }
    if (numkeys >= r.argc - numkeysArg - 1) {
      c.reply.errorBytes(Errors.SYNTAX);
      return null;
    }
    int whereIdx = (int) numkeys + numkeysArg + 1;
    boolean max;
    if (r.is(whereIdx, MIN)) {
      max = false;
    } else if (r.is(whereIdx, MAX)) {
      max = true;
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
      return null;
    }
    long count = -1;
    for (int j = whereIdx + 1; j < r.argc; j++) {
      if (count == -1 && j + 1 < r.argc && r.is(j, COUNT)) {
        count = Args.isLong(r, j + 1) ? Args.toLong(r, j + 1) : 0;
        if (count <= 0) {
          c.reply.errorBytes(COUNT_POSITIVE);
          return null;
        }
        j++;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return null;
      }
    }
    return new long[] {whereIdx, max ? 1 : 0, count == -1 ? 1 : count};
  }

  /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]. */
  static void zmpop(Client c) {
    long[] a = mpopArgs(c, 1);
    if (a == null) {
      return;
    }
    int whereIdx = (int) a[0];
    boolean max = a[1] == 1;
    long count = a[2];
    for (int k = 2; k < whereIdx; k++) {
      Entry e = StringCommands.lookupWrite(c, k);
      if (e == null) {
        continue;
      }
      if (e.type() != ValueType.ZSET) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      popFrom(c, e, max, count, true, true);
      return;
    }
    c.reply.nullArray();
  }
}
