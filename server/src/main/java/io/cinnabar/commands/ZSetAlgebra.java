package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import java.util.Arrays;
import java.util.Comparator;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's zunionInterDiffGenericCommand).
 * Inputs are sorted sets or plain sets, a set read as a sorted set whose scores are all 1 (as
 * Redis's zsetopsrc does).
 */
final class ZSetAlgebra {
  private ZSetAlgebra() {}

  static final int UNION = 0;
  static final int INTER = 1;
  static final int DIFF = 2;

  private static final int SUM = 0;
  private static final int MIN = 1;
  private static final int MAX = 2;

  private static final byte[] WEIGHTS = Bytes.ascii("weights");
  private static final byte[] AGGREGATE = Bytes.ascii("aggregate");
  private static final byte[] WITHSCORES = Bytes.ascii("withscores");
  private static final byte[] LIMIT = Bytes.ascii("limit");
  private static final byte[] SUM_B = Bytes.ascii("sum");
  private static final byte[] MIN_B = Bytes.ascii("min");
  private static final byte[] MAX_B = Bytes.ascii("max");
  private static final byte[] WEIGHT_NOT_FLOAT = Bytes.ascii("ERR weight value is not a float");
  private static final byte[] LIMIT_NEGATIVE = Bytes.ascii("ERR LIMIT can't be negative");

  /**
   * One input: a sorted set, a plain set read in place with every score 1 (as Redis's zui* helpers;
   * not copied into a sorted set), or nothing (a missing key).
   */
  private record Src(ZSet z, SetValue set, double weight) {
    boolean present() {
      return z != null || set != null;
    }

    int size() {
      return z != null ? z.size() : set != null ? set.size() : 0;
    }

    /** The member's score, NaN if absent. */
    double score(byte[] b, int o, int l) {
      if (z != null) {
        return z.score(b, o, l);
      }
      return set != null && set.contains(b, o, l) ? 1.0 : Double.NaN;
    }

    void forEach(io.cinnabar.type.zset.MemberVisitor v) {
      if (z != null) {
        z.forEach(v);
      } else if (set != null) {
        set.forEach((b, o, l) -> v.visit(b, o, l, 1.0));
      }
    }
  }

  /**
   * The generic command: numkeys at numkeysIdx, a destination at argument 1 when store, only the
   * cardinality (ZINTERCARD) when cardOnly.
   */
  static void run(Client c, String name, int numkeysIdx, int op, boolean store, boolean cardOnly) {
    Request r = c.req;
    if (!Args.longOrReply(c, numkeysIdx)) {
      return;
    }
    long numkeys = Args.toLong(r, numkeysIdx);
    if (numkeys < 1) {
      c.reply.error("ERR at least 1 input key is needed for '" + name + "' command");
      return;
    }
    if (numkeys > r.argc - numkeysIdx - 1) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    int n = (int) numkeys;
    ZSet[] sets = new ZSet[n];
    SetValue[] plain = new SetValue[n];
    for (int i = 0; i < n; i++) {
      int k = numkeysIdx + 1 + i;
      Entry e = store ? StringCommands.lookupWrite(c, k) : StringCommands.lookupRead(c, k);
      if (e == null) {
        continue;
      }
      if (e.type() == ValueType.SET) {
        plain[i] = (SetValue) e.value();
      } else if (e.type() == ValueType.ZSET) {
        sets[i] = (ZSet) e.value();
      } else {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
    }
    double[] weights = new double[n];
    Arrays.fill(weights, 1);
    int aggregate = SUM;
    boolean withScores = false;
    long limit = 0;
    int j = numkeysIdx + n + 1;
    int remaining = r.argc - j;
    while (remaining > 0) {
      if (op != DIFF && !cardOnly && remaining >= n + 1 && r.is(j, WEIGHTS)) {
        j++;
        remaining--;
        for (int i = 0; i < n; i++, j++, remaining--) {
          weights[i] = SortedSetCommands.parseScore(r, j);
          if (Double.isNaN(weights[i])) {
            c.reply.errorBytes(WEIGHT_NOT_FLOAT);
            return;
          }
        }
      } else if (op != DIFF && !cardOnly && remaining >= 2 && r.is(j, AGGREGATE)) {
        j++;
        remaining--;
        if (r.is(j, SUM_B)) {
          aggregate = SUM;
        } else if (r.is(j, MIN_B)) {
          aggregate = MIN;
        } else if (r.is(j, MAX_B)) {
          aggregate = MAX;
        } else {
          c.reply.errorBytes(Errors.SYNTAX);
          return;
        }
        j++;
        remaining--;
      } else if (remaining >= 1 && !store && !cardOnly && r.is(j, WITHSCORES)) {
        j++;
        remaining--;
        withScores = true;
      } else if (cardOnly && remaining >= 2 && r.is(j, LIMIT)) {
        j++;
        remaining--;
        limit = Args.isLong(r, j) ? Args.toLong(r, j) : -1;
        if (limit < 0) {
          c.reply.errorBytes(LIMIT_NEGATIVE);
          return;
        }
        j++;
        remaining--;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    Src[] src = new Src[n];
    for (int i = 0; i < n; i++) {
      src[i] = new Src(sets[i], plain[i], weights[i]);
    }
    if (op != DIFF) {
      Arrays.sort(src, Comparator.comparingInt(Src::size));
    }
    if (cardOnly) {
      c.reply.integer(interCard(src, limit));
      return;
    }
    ZSet result = ZSet.skiplist();
    int[] maxLen = {0};
    if (op == UNION) {
      union(src, aggregate, result, maxLen);
    } else if (op == INTER) {
      inter(src, aggregate, result, maxLen);
    } else {
      diff(src, result, maxLen);
    }
    if (!store) {
      ZRangeCommands.reply(c.reply, result, 0, result.size() - 1, false, withScores);
      return;
    }
    if (result.size() == 0) {
      c.reply.integer(0);
      SortedSetCommands.deleteResult(c, 1);
      return;
    }
    result.convertToListpackIfNeeded(
        maxLen[0], SortedSetCommands.maxEntries(c), SortedSetCommands.maxValue(c));
    String event = op == UNION ? "zunionstore" : op == INTER ? "zinterstore" : "zdiffstore";
    SortedSetCommands.storeResult(c, 1, result, event);
    c.reply.integer(result.size());
  }

  private static double weighted(double score, double weight) {
    double v = score * weight;
    return Double.isNaN(v) ? 0 : v;
  }

  private static double aggregate(int how, double target, double v) {
    switch (how) {
      case SUM:
        double s = target + v;
        return Double.isNaN(s) ? 0 : s;
      case MIN:
        return v < target ? v : target;
      default:
        return v > target ? v : target;
    }
  }

  private static void union(Src[] src, int how, ZSet out, int[] maxLen) {
    for (Src s : src) {
      s.forEach(
          (b, o, l, score) -> {
            double v = weighted(score, s.weight);
            double cur = out.score(b, o, l);
            if (Double.isNaN(cur)) {
              out.insertNew(b, o, l, v);
              maxLen[0] = Math.max(maxLen[0], l);
            } else {
              out.add(aggregate(how, cur, v), b, o, l, 0, 0, 0, null);
            }
          });
    }
  }

  private static void inter(Src[] src, int how, ZSet out, int[] maxLen) {
    if (src[0].size() == 0) {
      return;
    }
    src[0].forEach(
        (b, o, l, score) -> {
          double v = weighted(score, src[0].weight);
          for (int i = 1; i < src.length; i++) {
            double other = src[i].score(b, o, l);
            if (Double.isNaN(other)) {
              return;
            }
            v = aggregate(how, v, weighted(other, src[i].weight));
          }
          out.insertNew(b, o, l, v);
          maxLen[0] = Math.max(maxLen[0], l);
        });
  }

  private static long interCard(Src[] src, long limit) {
    if (!src[0].present()) {
      return 0;
    }
    long[] count = {0};
    src[0].forEach(
        (b, o, l, score) -> {
          if (limit > 0 && count[0] >= limit) {
            return;
          }
          for (int i = 1; i < src.length; i++) {
            if (Double.isNaN(src[i].score(b, o, l))) {
              return;
            }
          }
          count[0]++;
        });
    return count[0];
  }

  private static void diff(Src[] src, ZSet out, int[] maxLen) {
    if (!src[0].present()) {
      return;
    }
    src[0].forEach(
        (b, o, l, score) -> {
          for (int i = 1; i < src.length; i++) {
            if (!Double.isNaN(src[i].score(b, o, l))) {
              return;
            }
          }
          out.insertNew(b, o, l, score);
          maxLen[0] = Math.max(maxLen[0], l);
        });
  }
}
