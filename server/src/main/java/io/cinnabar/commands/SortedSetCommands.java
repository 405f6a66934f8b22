package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Doubles;

/**
 * Sorted set point commands (Redis's t_zset.c): ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK,
 * ZREVRANK, plus the lookup/commit helpers the other zset families share. Declarations are in
 * {@link ZSetSpecs}; ranges in {@link ZRangeCommands}, set algebra in {@link ZSetAlgebra},
 * ZRANDMEMBER and ZSCAN in {@link ZRandScan}.
 */
public final class SortedSetCommands {
  private SortedSetCommands() {}

  static final byte[] RANGE_NOT_FLOAT = Bytes.ascii("ERR min or max is not a float");
  static final byte[] LEX_RANGE = Bytes.ascii("ERR min or max not valid string range item");
  private static final byte[] NAN_RESULT = Bytes.ascii("ERR resulting score is not a number (NaN)");
  private static final byte[] NX_XX =
      Bytes.ascii("ERR XX and NX options at the same time are not compatible");
  private static final byte[] GT_LT_NX =
      Bytes.ascii("ERR GT, LT, and/or NX options at the same time are not compatible");
  private static final byte[] INCR_PAIR =
      Bytes.ascii("ERR INCR option supports a single increment-element pair");

  private static final byte[] NX = Bytes.ascii("nx");
  private static final byte[] XX = Bytes.ascii("xx");
  private static final byte[] CH = Bytes.ascii("ch");
  private static final byte[] INCR = Bytes.ascii("incr");
  private static final byte[] GT = Bytes.ascii("gt");
  private static final byte[] LT = Bytes.ascii("lt");

  /** Registers every sorted set command. */
  public static void register(CommandTable t) {
    ZSetSpecs.register(t);
    BlockingZSetCommands.register(t);
  }

  /** An entry that stands for "wrong type, already replied" ({@link #writeTarget}). */
  static final Entry WRONG = TypedLookup.WRONG;

  /** The ZSet at argument i for reading: null after replying (missing or wrong type). */
  static ZSet readOrReply(Client c, int i, Runnable missing) {
    return (ZSet) TypedLookup.readOrReply(c, i, ValueType.ZSET, missing);
  }

  /** The entry at argument i for writing, null if missing, {@link #WRONG} after WRONGTYPE. */
  static Entry writeTarget(Client c, int i) {
    return TypedLookup.writeTarget(c, i, ValueType.ZSET);
  }

  static long maxEntries(Client c) {
    return c.server.config.zsetMaxListpackEntries;
  }

  static long maxValue(Client c) {
    return c.server.config.zsetMaxListpackValue;
  }

  /**
   * After a zset at argument keyArg changed: deletes the key if the set is empty (with a "del"
   * event after {@code event}), else accounts its size; signals the key and notifies.
   */
  static void changed(Client c, Entry e, ZSet z, long before, String event, int keyArg) {
    byte[] key = e.key();
    if (z.size() == 0) {
      c.db.delete(e);
      c.server.notifyKeyspaceEvent(KeyspaceEvents.ZSET, event, key, c.db.id());
      c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db.id());
    } else {
      c.db.adjustMemory(z.memoryBytes() - before);
      e.setEncoding(z.encoding());
      c.server.notifyKeyspaceEvent(KeyspaceEvents.ZSET, event, key, c.db.id());
    }
    c.server.signalModifiedKey(c.db, key);
  }

  /** Replies a score: a RESP3 double or a RESP2 bulk string, formatted as Redis 7.0 does. */
  static void score(Reply out, double d) {
    out.doubleFormatted(Doubles.format(d));
  }

  static double parseScore(Request r, int i) {
    return Doubles.parse(r.bufs[i], r.offs[i], r.lens[i]);
  }

  /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...; ZINCRBY is ZADD INCR. */
  static void zadd(Client c, boolean zincrby) {
    Request r = c.req;
    int flags = zincrby ? ZSet.INCR : 0;
    boolean ch = false;
    int i = 2;
    for (; i < r.argc; i++) {
      if (r.is(i, NX)) {
        flags |= ZSet.NX;
      } else if (r.is(i, XX)) {
        flags |= ZSet.XX;
      } else if (r.is(i, CH)) {
        ch = true;
      } else if (r.is(i, INCR)) {
        flags |= ZSet.INCR;
      } else if (r.is(i, GT)) {
        flags |= ZSet.GT;
      } else if (r.is(i, LT)) {
        flags |= ZSet.LT;
      } else {
        break;
      }
    }
    int first = i;
    int elements = r.argc - first;
    if (elements % 2 != 0 || elements == 0) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    elements /= 2;
    boolean nx = (flags & ZSet.NX) != 0;
    boolean gt = (flags & ZSet.GT) != 0;
    boolean lt = (flags & ZSet.LT) != 0;
    boolean incr = (flags & ZSet.INCR) != 0;
    if (nx && (flags & ZSet.XX) != 0) {
      c.reply.errorBytes(NX_XX);
      return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      c.reply.errorBytes(GT_LT_NX);
      return;
    }
    if (incr && elements > 1) {
      c.reply.errorBytes(INCR_PAIR);
      return;
    }
    double[] scores = new double[elements];
    for (int k = 0; k < elements; k++) {
      scores[k] = parseScore(r, first + 2 * k);
      if (Double.isNaN(scores[k])) {
        c.reply.errorBytes(Errors.NOT_FLOAT);
        return;
      }
    }
    Entry e = writeTarget(c, 1);
    if (e == WRONG) {
      return;
    }
    if (e == null && (flags & ZSet.XX) != 0) {
      if (incr) {
        c.reply.nullBulk();
      } else {
        c.reply.integer(0);
      }
      return;
    }
    long maxEntries = maxEntries(c);
    long maxValue = maxValue(c);
    ZSet z = e != null ? (ZSet) e.value() : newForAdd(maxEntries, maxValue, r.lens[first + 1]);
    long before = e == null ? 0 : z.memoryBytes();
    int added = 0;
    int updated = 0;
    int processed = 0;
    double[] newScore = new double[1];
    boolean nan = false;
    for (int k = 0; k < elements; k++) {
      int m = first + 2 * k + 1;
      int out =
          z.add(scores[k], r.bufs[m], r.offs[m], r.lens[m], flags, maxEntries, maxValue, newScore);
      if ((out & ZSet.OUT_NAN) != 0) {
        c.reply.errorBytes(NAN_RESULT);
        nan = true;
        break;
      }
      if ((out & ZSet.OUT_ADDED) != 0) {
        added++;
      }
      if ((out & ZSet.OUT_UPDATED) != 0) {
        updated++;
      }
      if ((out & ZSet.OUT_NOP) == 0) {
        processed++;
      }
    }
    if (e == null && z.size() > 0) {
      e = c.db.add(r.copy(1), z, ValueType.ZSET, z.encoding(), c.server.lruClock());
      before = z.memoryBytes();
    }
    if (added + updated > 0) {
      c.db.adjustMemory(z.memoryBytes() - before);
      e.setEncoding(z.encoding());
      c.server.signalModifiedKey(c.db, e.key());
      c.server.notifyKeyspaceEvent(
          KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", e.key(), c.db.id());
      c.server.keyspace.stats().dirty += added + updated;
    }
    if (nan) {
      return;
    }
    if (incr) {
      if (processed > 0) {
        score(c.reply, newScore[0]);
      } else {
        c.reply.nullBulk();
      }
    } else {
      c.reply.integer(ch ? added + updated : added);
    }
  }

  /** The encoding ZADD creates a key with in 7.0: judged on the first member only. */
  private static ZSet newForAdd(long maxEntries, long maxValue, int firstLen) {
    return maxEntries == 0 || maxValue < firstLen ? ZSet.skiplist() : ZSet.listpack();
  }

  /**
   * Redis's setKey for a zset result at argument keyArg: adds or overwrites the key (dropping any
   * TTL), signals it and raises {@code event}.
   */
  static void storeResult(Client c, int keyArg, ZSet z, String event) {
    Request r = c.req;
    Entry e = c.db.lookupWrite(r.bufs[keyArg], r.offs[keyArg], r.lens[keyArg], c.server.now());
    if (e == null) {
      e = c.db.add(r.copy(keyArg), z, ValueType.ZSET, z.encoding(), c.server.lruClock());
    } else {
      c.db.overwrite(e, z, ValueType.ZSET, z.encoding());
      if (e.expireAt() >= 0) {
        e = c.db.persist(e);
      }
    }
    c.server.signalModifiedKey(c.db, e.key());
    c.server.notifyKeyspaceEvent(KeyspaceEvents.ZSET, event, e.key(), c.db.id());
    c.server.keyspace.stats().dirty++;
  }

  /** An empty result deletes the destination at argument keyArg, if it existed. */
  static void deleteResult(Client c, int keyArg) {
    Request r = c.req;
    Entry e = c.db.lookupWrite(r.bufs[keyArg], r.offs[keyArg], r.lens[keyArg], c.server.now());
    if (e != null) {
      c.db.delete(e);
      c.server.signalModifiedKey(c.db, e.key());
      c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", e.key(), c.db.id());
      c.server.keyspace.stats().dirty++;
    }
  }

  static void zrem(Client c) {
    Request r = c.req;
    Entry e = writeTarget(c, 1);
    if (e == WRONG) {
      return;
    }
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    ZSet z = (ZSet) e.value();
    long before = z.memoryBytes();
    int deleted = 0;
    for (int i = 2; i < r.argc && z.size() > 0; i++) {
      if (z.remove(r.bufs[i], r.offs[i], r.lens[i])) {
        deleted++;
      }
    }
    if (deleted > 0) {
      changed(c, e, z, before, "zrem", 1);
      c.server.keyspace.stats().dirty += deleted;
    }
    c.reply.integer(deleted);
  }

  static void zcard(Client c) {
    ZSet z = readOrReply(c, 1, () -> c.reply.integer(0));
    if (z != null) {
      c.reply.integer(z.size());
    }
  }

  static void zscore(Client c) {
    ZSet z = readOrReply(c, 1, c.reply::nullBulk);
    if (z == null) {
      return;
    }
    Request r = c.req;
    double s = z.score(r.bufs[2], r.offs[2], r.lens[2]);
    if (Double.isNaN(s)) {
      c.reply.nullBulk();
    } else {
      score(c.reply, s);
    }
  }

  static void zmscore(Client c) {
    Request r = c.req;
    Entry e = StringCommands.lookupRead(c, 1);
    if (e != null && e.type() != ValueType.ZSET) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    ZSet z = e == null ? null : (ZSet) e.value();
    c.reply.array(r.argc - 2);
    for (int i = 2; i < r.argc; i++) {
      double s = z == null ? Double.NaN : z.score(r.bufs[i], r.offs[i], r.lens[i]);
      if (Double.isNaN(s)) {
        c.reply.nullBulk();
      } else {
        score(c.reply, s);
      }
    }
  }

  static void zrank(Client c, boolean rev) {
    ZSet z = readOrReply(c, 1, c.reply::nullBulk);
    if (z == null) {
      return;
    }
    Request r = c.req;
    long rank = z.rank(r.bufs[2], r.offs[2], r.lens[2]);
    if (rank < 0) {
      c.reply.nullBulk();
    } else {
      c.reply.integer(rev ? z.size() - 1 - rank : rank);
    }
  }
}
