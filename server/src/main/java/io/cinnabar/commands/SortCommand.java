package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeyPositions;
import io.cinnabar.command.KeySpec;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.list.QuickList;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * SORT and SORT_RO (Redis 7.0's sort.c): options parsed with Redis's rules, elements collected per
 * type, scored by themselves or a BY pattern, sorted, then LIMITed and replied or STOREd as a list,
 * with GET patterns applied per element. Pattern lookups are in {@link SortPatterns}.
 */
public final class SortCommand {
  private SortCommand() {}

  private static final byte[] ASC = Bytes.ascii("asc");
  private static final byte[] DESC = Bytes.ascii("desc");
  private static final byte[] ALPHA = Bytes.ascii("alpha");
  private static final byte[] LIMIT = Bytes.ascii("limit");
  private static final byte[] STORE = Bytes.ascii("store");
  private static final byte[] BY = Bytes.ascii("by");
  private static final byte[] GET = Bytes.ascii("get");
  private static final byte[] NOT_DOUBLE =
      Bytes.ascii("ERR One or more scores can't be converted into double");
  private static final byte[] BY_CLUSTER =
      Bytes.ascii("ERR BY option of SORT denied in Cluster mode.");
  private static final byte[] GET_CLUSTER =
      Bytes.ascii("ERR GET option of SORT denied in Cluster mode.");

  private static final String BY_GET_NOTES =
      "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from"
          + " the content of the key we sort";
  private static final String STORE_NOTES =
      "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear"
          + " anywhere in the argument array";
  private static final String COMPLEXITY =
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the"
          + " number of returned elements. When the elements are not sorted, complexity is O(N).";

  public static void register(CommandTable t) {
    t.add(
        command("sort", -2)
            .flags("write denyoom movablekeys")
            .acl("set sortedset list dangerous")
            .keys(
                single("RO access", 1),
                KeySpec.unknown("RO access", BY_GET_NOTES, null),
                KeySpec.unknown("OW update", STORE_NOTES, SortCommand::storeKey))
            .doc("Sort the elements in a list, set or sorted set", "1.0.0", "generic", COMPLEXITY)
            .handler(c -> sort(c, false)));
    t.add(
        command("sort_ro", -2)
            .flags("readonly movablekeys")
            .acl("set sortedset list dangerous")
            .keys(single("RO access", 1), KeySpec.unknown("RO access", BY_GET_NOTES, null))
            .doc(
                "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
                "7.0.0",
                "generic",
                COMPLEXITY)
            .handler(c -> sort(c, true)));
  }

  /** Redis's sortGetKeys: the last STORE destination (skipping LIMIT/GET/BY arguments). */
  static boolean storeKey(Request r, KeyPositions out) {
    int found = -1;
    for (int i = 2; i < r.argc; i++) {
      if (r.is(i, LIMIT)) {
        i += 2;
      } else if (r.is(i, GET) || r.is(i, BY)) {
        i += 1;
      } else if (r.is(i, STORE) && i + 1 < r.argc) {
        found = i + 1;
      }
    }
    if (found >= 0) {
      out.add(found);
    }
    return true;
  }

  /** One element being sorted: the element, its numeric score or its BY value for ALPHA. */
  private static final class Item {
    final byte[] obj;
    double score;
    byte[] cmp;

    Item(byte[] obj) {
      this.obj = obj;
    }
  }

  static void sort(Client c, boolean readonly) {
    Request r = c.req;
    boolean desc = false;
    boolean alpha = false;
    boolean dontsort = false;
    long limitStart = 0;
    long limitCount = -1;
    int sortBy = -1;
    int storeKey = -1;
    List<Integer> gets = new ArrayList<>();
    boolean cluster = c.server.clusterEnabled();
    for (int j = 2; j < r.argc; j++) {
      int left = r.argc - j - 1;
      if (r.is(j, ASC)) {
        desc = false;
      } else if (r.is(j, DESC)) {
        desc = true;
      } else if (r.is(j, ALPHA)) {
        alpha = true;
      } else if (r.is(j, LIMIT) && left >= 2) {
        if (!Args.longOrReply(c, j + 1) || !Args.longOrReply(c, j + 2)) {
          return;
        }
        limitStart = Args.toLong(r, j + 1);
        limitCount = Args.toLong(r, j + 2);
        j += 2;
      } else if (!readonly && r.is(j, STORE) && left >= 1) {
        storeKey = j + 1;
        j++;
      } else if (r.is(j, BY) && left >= 1) {
        sortBy = j + 1;
        if (!SortPatterns.hasStar(r, sortBy)) {
          dontsort = true;
        } else if (cluster) {
          c.reply.errorBytes(BY_CLUSTER);
          return;
        }
        j++;
      } else if (r.is(j, GET) && left >= 1) {
        if (cluster) {
          c.reply.errorBytes(GET_CLUSTER);
          return;
        }
        gets.add(j + 1);
        j++;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    Entry e = StringCommands.lookupRead(c, 1);
    byte type = e == null ? ValueType.LIST : e.type();
    if (type != ValueType.SET && type != ValueType.LIST && type != ValueType.ZSET) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    // A set has no order of its own: when storing, sort it so the result is reproducible.
    if (dontsort && type == ValueType.SET && storeKey >= 0) {
      dontsort = false;
      alpha = true;
      sortBy = -1;
    }
    List<Item> vector = elements(e, type, dontsort && desc);
    int len = vector.size();
    long start = Math.min(Math.max(limitStart, 0), len);
    long count = Math.min(Math.max(limitCount, -1), len);
    long end = count < 0 ? len - 1 : start + count - 1;
    if (start >= len) {
      start = len - 1;
      end = len - 2;
    }
    if (end >= len) {
      end = len - 1;
    }
    boolean notDouble = false;
    if (!dontsort) {
      notDouble = score(c, vector, sortBy, alpha);
      vector.sort(comparator(alpha, sortBy >= 0, desc));
    }
    long outLen = (gets.isEmpty() ? 1 : gets.size()) * (end - start + 1);
    if (notDouble) {
      c.reply.errorBytes(NOT_DOUBLE);
    } else if (storeKey < 0) {
      reply(c, vector, (int) start, (int) end, gets, outLen);
    } else {
      store(c, vector, (int) start, (int) end, gets, storeKey, outLen);
    }
  }

  /**
   * The elements to sort, in the key's own order (a missing key is an empty list). For a list that
   * will not be sorted, DESC reverses it here, as Redis reads it from the tail.
   */
  private static List<Item> elements(Entry e, byte type, boolean reverse) {
    List<Item> v = new ArrayList<>();
    if (e == null) {
      return v;
    }
    switch (type) {
      case ValueType.LIST -> listElements((QuickList) e.value(), v);
      case ValueType.SET -> setElements((SetValue) e.value(), v);
      case ValueType.ZSET -> zsetElements((ZSet) e.value(), v);
      default -> throw new IllegalStateException("bad SORT type " + type);
    }
    if (reverse && type != ValueType.SET) {
      Collections.reverse(v);
    }
    return v;
  }

  private static void listElements(QuickList q, List<Item> v) {
    q.forEach(
        (b, o, l) -> {
          v.add(new Item(java.util.Arrays.copyOfRange(b, o, o + l)));
          return true;
        });
  }

  private static void setElements(SetValue s, List<Item> v) {
    s.forEach((b, o, l) -> v.add(new Item(java.util.Arrays.copyOfRange(b, o, o + l))));
  }

  /** A sorted set's members in score order (Redis keeps that order under BY nosort). */
  private static void zsetElements(ZSet z, List<Item> v) {
    z.forEach((b, o, l, score) -> v.add(new Item(java.util.Arrays.copyOfRange(b, o, o + l))));
  }

  /** Fills scores (or ALPHA compare values); true if some score is not a valid double. */
  private static boolean score(Client c, List<Item> vector, int sortBy, boolean alpha) {
    boolean bad = false;
    for (Item it : vector) {
      byte[] by;
      if (sortBy >= 0) {
        by = SortPatterns.lookup(c, sortBy, it.obj);
        if (by == null) {
          continue;
        }
      } else {
        by = it.obj;
      }
      if (alpha) {
        if (sortBy >= 0) {
          it.cmp = by;
        }
      } else {
        double d = SortPatterns.strtod(by);
        if (Double.isNaN(d)) {
          bad = true;
        } else {
          it.score = d;
        }
      }
    }
    return bad;
  }

  /** Redis's sortCompare. */
  private static java.util.Comparator<Item> comparator(
      boolean alpha, boolean byPattern, boolean desc) {
    java.util.Comparator<Item> cmp;
    if (!alpha) {
      cmp =
          (a, b) -> {
            if (a.score > b.score) {
              return 1;
            }
            if (a.score < b.score) {
              return -1;
            }
            return Bytes.compare(a.obj, b.obj);
          };
    } else if (byPattern) {
      cmp =
          (a, b) -> {
            if (a.cmp == null || b.cmp == null) {
              return a.cmp == b.cmp ? 0 : a.cmp == null ? -1 : 1;
            }
            return Bytes.compare(a.cmp, b.cmp);
          };
    } else {
      cmp = (a, b) -> Bytes.compare(a.obj, b.obj);
    }
    return desc ? cmp.reversed() : cmp;
  }

  private static void reply(
      Client c, List<Item> vector, int start, int end, List<Integer> gets, long outLen) {
    Reply out = c.reply;
    out.array(outLen);
    for (int j = start; j <= end; j++) {
      byte[] obj = vector.get(j).obj;
      if (gets.isEmpty()) {
        out.bulk(obj);
      }
      for (int g : gets) {
        byte[] v = SortPatterns.lookup(c, g, obj);
        if (v == null) {
          out.nullBulk();
        } else {
          out.bulk(v);
        }
      }
    }
  }

  private static void store(
      Client c,
      List<Item> vector,
      int start,
      int end,
      List<Integer> gets,
      int keyArg,
      long outLen) {
    QuickList list = new QuickList(ListCommands.fill(c));
    for (int j = start; j <= end; j++) {
      byte[] obj = vector.get(j).obj;
      if (gets.isEmpty()) {
        list.pushTail(obj, 0, obj.length);
      }
      for (int g : gets) {
        byte[] v = SortPatterns.lookup(c, g, obj);
        if (v == null) {
          v = Bytes.EMPTY;
        }
        list.pushTail(v, 0, v.length);
      }
    }
    byte[] key = c.req.copy(keyArg);
    Entry dst = c.db.lookupWrite(key, c.server.now());
    if (outLen > 0) {
      if (dst == null) {
        c.db.add(key, list, ValueType.LIST, ValueType.ENC_QUICKLIST, c.server.lruClock());
      } else {
        c.db.overwrite(dst, list, ValueType.LIST, ValueType.ENC_QUICKLIST);
        if (dst.expireAt() >= 0) {
          c.db.persist(dst);
        }
      }
      c.server.signalModifiedKey(c.db, key);
      c.server.notifyKeyspaceEvent(KeyspaceEvents.LIST, "sortstore", key, c.db.id());
      c.server.keyspace.stats().dirty += outLen;
    } else if (dst != null) {
      c.db.delete(dst);
      c.server.signalModifiedKey(c.db, key);
      c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db.id());
      c.server.keyspace.stats().dirty++;
    }
    c.reply.integer(outLen);
  }
}
