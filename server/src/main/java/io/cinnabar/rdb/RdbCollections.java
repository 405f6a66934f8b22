package io.cinnabar.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Format-level readers for the set and sorted-set RDB types, for the set/zset {@link ValueCodec}s
 * to build their values from: members (SET, SET_INTSET) and member/score pairs (ZSET, ZSET_2,
 * ZSET_ZIPLIST, ZSET_LISTPACK). Writing needs only {@link RdbOutput} and {@link ListpackCodec}: SET
 * is a count then member strings, SET_INTSET one string of {@link LegacyFormats#encodeIntset},
 * ZSET_LISTPACK one listpack string of member, score (as Redis's d2string text) pairs, ZSET_2 a
 * count then member strings each followed by {@link RdbOutput#writeBinaryDouble} (Redis writes them
 * from the highest score down).
 */
public final class RdbCollections {
  private RdbCollections() {}

  /** One sorted-set element. */
  public record Scored(byte[] member, double score) {}

  /** The members of a set value of RDB type SET or SET_INTSET (integers as decimal text). */
  public static List<byte[]> readSet(RdbInput in, int rdbType) throws RdbException {
    switch (rdbType) {
      case Rdb.TYPE_SET -> {
        int n = in.readCount();
        List<byte[]> out = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
          out.add(in.readString());
        }
        return out;
      }
      case Rdb.TYPE_SET_INTSET -> {
        long[] v = LegacyFormats.intset(in.readString());
        List<byte[]> out = new ArrayList<>(v.length);
        for (long x : v) {
          out.add(ListpackCodec.ascii(x));
        }
        return out;
      }
      default -> throw new RdbException("Unknown set RDB type " + rdbType);
    }
  }

  /** The elements of a sorted-set value of RDB type ZSET, ZSET_2, ZSET_ZIPLIST or ZSET_LISTPACK. */
  public static List<Scored> readZset(RdbInput in, int rdbType) throws RdbException {
    switch (rdbType) {
      case Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2 -> {
        int n = in.readCount();
        List<Scored> out = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
          byte[] m = in.readString();
          double score = rdbType == Rdb.TYPE_ZSET ? in.readTextDouble() : in.readBinaryDouble();
          if (Double.isNaN(score)) {
            throw new RdbException("Zset with NAN score detected");
          }
          out.add(new Scored(m, score));
        }
        return out;
      }
      case Rdb.TYPE_ZSET_ZIPLIST, Rdb.TYPE_ZSET_LISTPACK -> {
        byte[] blob = in.readString();
        List<byte[]> items =
            rdbType == Rdb.TYPE_ZSET_ZIPLIST
                ? LegacyFormats.ziplist(blob)
                : ListpackCodec.decode(blob);
        if (items.size() % 2 != 0) {
          throw new RdbException("Zset listpack has an odd number of elements");
        }
        List<Scored> out = new ArrayList<>(items.size() / 2);
        for (int i = 0; i < items.size(); i += 2) {
          out.add(new Scored(items.get(i), parseScore(items.get(i + 1))));
        }
        return out;
      }
      default -> throw new RdbException("Unknown sorted set RDB type " + rdbType);
    }
  }

  private static double parseScore(byte[] b) throws RdbException {
    String s = new String(b, StandardCharsets.US_ASCII);
    switch (s) {
      case "inf", "+inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        try {
          double d = Double.parseDouble(s);
          if (!Double.isNaN(d)) {
            return d;
          }
        } catch (NumberFormatException e) {
          // below
        }
        throw new RdbException("Bad sorted set score " + s);
      }
    }
  }
}
