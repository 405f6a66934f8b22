package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keynum;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.list.QuickList;
import io.cinnabar.util.Bytes;
import java.util.Arrays;

/** LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP (Redis's t_list.c). */
final class ListEdits {
  private ListEdits() {}

  static void register(CommandTable t) {
    t.add(
        command("linsert", 5)
            .flags("write denyoom")
            .acl("list")
            .keys(single("RW insert", 1))
            .doc(
                "Insert an element before or after another element in a list",
                "2.2.0",
                "list",
                "O(N) where N is the number of elements to traverse before seeing the value pivot."
                    + " This means that inserting somewhere on the left end on the list (head) can"
                    + " be considered O(1) and inserting somewhere on the right end (tail) is"
                    + " O(N).")
            .handler(ListEdits::linsert));
    t.add(
        command("lrem", 4)
            .flags("write")
            .acl("list")
            .keys(single("RW delete", 1))
            .doc(
                "Remove elements from a list",
                "1.0.0",
                "list",
                "O(N+M) where N is the length of the list and M is the number of elements"
                    + " removed.")
            .handler(ListEdits::lrem));
    t.add(
        command("ltrim", 4)
            .flags("write")
            .acl("list")
            .keys(single("RW delete", 1))
            .doc(
                "Trim a list to the specified range",
                "1.0.0",
                "list",
                "O(N) where N is the number of elements to be removed by the operation.")
            .handler(ListEdits::ltrim));
    t.add(
        command("lpos", -3)
            .flags("readonly")
            .acl("list")
            .keys(single("RO access", 1))
            .doc(
                "Return the index of matching elements on a list",
                "6.0.6",
                "list",
                "O(N) where N is the number of elements in the list, for the average case. When"
                    + " searching for elements near the head or the tail of the list, or when the"
                    + " MAXLEN option is provided, the command may run in constant time.")
            .handler(ListEdits::lpos));
    t.add(
        command("lmove", 5)
            .flags("write denyoom")
            .acl("list")
            .keys(single("RW access delete", 1), single("RW insert", 2))
            .doc(
                "Pop an element from a list, push it to another list and return it",
                "6.2.0",
                "list",
                "O(1)")
            .handler(ListEdits::lmove));
    t.add(
        command("rpoplpush", 3)
            .flags("write denyoom")
            .acl("list")
            .keys(single("RW access delete", 1), single("RW insert", 2))
            .doc(
                "Remove the last element in a list, prepend it to another list and return it",
                "1.2.0",
                "list",
                "O(1)")
            .handler(c -> move(c, false, true)));
    t.add(
        command("lmpop", -4)
            .flags("write movablekeys")
            .acl("list")
            .keys(keynum("RW access delete", 1, 0, 1, 1))
            .doc(
                "Pop elements from a list",
                "7.0.0",
                "list",
                "O(N+M) where N is the number of provided keys and M is the number of elements"
                    + " returned.")
            .handler(ListEdits::lmpop));
  }

  private static final byte[] BEFORE = Bytes.ascii("before");
  private static final byte[] AFTER = Bytes.ascii("after");
  private static final byte[] LEFT = Bytes.ascii("left");
  private static final byte[] RIGHT = Bytes.ascii("right");
  private static final byte[] RANK = Bytes.ascii("rank");
  private static final byte[] COUNT = Bytes.ascii("count");
  private static final byte[] MAXLEN = Bytes.ascii("maxlen");

  static void linsert(Client c) {
    Request r = c.req;
    boolean after;
    if (r.is(2, AFTER)) {
      after = true;
    } else if (r.is(2, BEFORE)) {
      after = false;
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    if (ListCommands.wrongType(c, e)) {
      return;
    }
    QuickList q = (QuickList) e.value();
    long before = q.memoryBytes();
    if (!q.insert(r.bufs[3], r.offs[3], r.lens[3], r.copy(4), after)) {
      c.reply.integer(-1);
      return;
    }
    ListCommands.changed(c, e, q, before);
    ListCommands.dirty(c, 1);
    ListCommands.notify(c, e, q, "linsert");
    c.reply.integer(q.size());
  }

  static void lrem(Client c) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long count = Args.toLong(r, 2);
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    if (ListCommands.wrongType(c, e)) {
      return;
    }
    QuickList q = (QuickList) e.value();
    long before = q.memoryBytes();
    long removed = q.remove(r.bufs[3], r.offs[3], r.lens[3], count);
    ListCommands.changed(c, e, q, before);
    ListCommands.dirty(c, removed);
    if (removed > 0) {
      ListCommands.notify(c, e, q, "lrem");
    }
    c.reply.integer(removed);
  }

  static void ltrim(Client c) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2) || !Args.longOrReply(c, 3)) {
      return;
    }
    long start = Args.toLong(r, 2);
    long end = Args.toLong(r, 3);
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e == null) {
      c.reply.ok();
      return;
    }
    if (ListCommands.wrongType(c, e)) {
      return;
    }
    QuickList q = (QuickList) e.value();
    long len = q.size();
    if (start < 0) {
      start += len;
    }
    if (end < 0) {
      end += len;
    }
    if (start < 0) {
      start = 0;
    }
    long ltrim;
    long rtrim;
    if (start > end || start >= len) {
      ltrim = len;
      rtrim = 0;
    } else {
      if (end >= len) {
        end = len - 1;
      }
      ltrim = start;
      rtrim = len - end - 1;
    }
    long before = q.memoryBytes();
    q.removeHead(ltrim);
    q.removeTail(rtrim);
    ListCommands.changed(c, e, q, before);
    ListCommands.dirty(c, ltrim + rtrim);
    ListCommands.notify(c, e, q, "ltrim");
    c.reply.ok();
  }

  private static final byte[] RANK_ZERO =
      Bytes.ascii(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or"
              + " use negative to start from the end of the list");
  private static final byte[] COUNT_NEGATIVE = Bytes.ascii("ERR COUNT can't be negative");
  private static final byte[] MAXLEN_NEGATIVE = Bytes.ascii("ERR MAXLEN can't be negative");

  /** Parses a non-negative long at i, replying {@code err} otherwise; -1 when it replied. */
  private static long nonNegative(Client c, int i, byte[] err) {
    long v = Args.isLong(c.req, i) ? Args.toLong(c.req, i) : -1;
    if (v < 0) {
      c.reply.errorBytes(err);
    }
    return v;
  }

  /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
  static void lpos(Client c) {
    Request r = c.req;
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int j = 3; j < r.argc; j++) {
      boolean more = j + 1 < r.argc;
      if (r.is(j, RANK) && more) {
        j++;
        if (!Args.longOrReply(c, j)) {
          return;
        }
        rank = Args.toLong(r, j);
        if (rank == 0) {
          c.reply.errorBytes(RANK_ZERO);
          return;
        }
      } else if (r.is(j, COUNT) && more) {
        j++;
        count = nonNegative(c, j, COUNT_NEGATIVE);
        if (count < 0) {
          return;
        }
      } else if (r.is(j, MAXLEN) && more) {
        j++;
        maxlen = nonNegative(c, j, MAXLEN_NEGATIVE);
        if (maxlen < 0) {
          return;
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    boolean multi = count >= 0;
    QuickList q =
        ListCommands.readList(
            c,
            1,
            () -> {
              if (multi) {
                c.reply.emptyArray();
              } else {
                c.reply.nullBulk();
              }
            });
    if (q == null) {
      return;
    }
    boolean reverse = rank < 0;
    if (reverse) {
      rank = -rank; // wraps for LONG_MIN as in Redis; then every match qualifies
    }
    long len = q.size();
    long wantRank = rank;
    long wantCount = count;
    long limit = maxlen;
    long[][] found = {new long[8]};
    int[] nfound = {0};
    long[] state = {0, 0}; // index walked, matches seen
    byte[] ele = r.bufs[2];
    int eoff = r.offs[2];
    int elen = r.lens[2];
    q.walk(
        reverse ? len - 1 : 0,
        reverse,
        (b, off, l) -> {
          if (limit != 0 && state[0] >= limit) {
            return false;
          }
          long index = state[0]++;
          if (l == elen && Arrays.equals(b, off, off + l, ele, eoff, eoff + elen)) {
            state[1]++;
            if (state[1] >= wantRank) {
              if (nfound[0] == found[0].length) {
                found[0] = Arrays.copyOf(found[0], nfound[0] * 2);
              }
              found[0][nfound[0]++] = reverse ? len - index - 1 : index;
              return multi && (wantCount == 0 || state[1] - wantRank + 1 < wantCount);
            }
          }
          return true;
        });
    reply(c, multi, found[0], nfound[0]);
  }

  private static void reply(Client c, boolean multi, long[] found, int n) {
    if (!multi) {
      if (n == 0) {
        c.reply.nullBulk();
      } else {
        c.reply.integer(found[0]);
      }
      return;
    }
    c.reply.array(n);
    for (int i = 0; i < n; i++) {
      c.reply.integer(found[i]);
    }
  }

  private static final int WHERE_ERROR = -1;

  /** LEFT = 1 (head), RIGHT = 0 (tail), else replies a syntax error and returns -1. */
  static int where(Client c, int i) {
    if (c.req.is(i, LEFT)) {
      return 1;
    }
    if (c.req.is(i, RIGHT)) {
      return 0;
    }
    c.reply.errorBytes(Errors.SYNTAX);
    return WHERE_ERROR;
  }

  static void lmove(Client c) {
    int from = where(c, 3);
    if (from < 0) {
      return;
    }
    int to = where(c, 4);
    if (to < 0) {
      return;
    }
    move(c, from == 1, to == 1);
  }

  /** Pops from the list at argument 1 and pushes onto the one at argument 2. */
  static void move(Client c, boolean fromHead, boolean toHead) {
    Entry src = StringCommands.lookupWrite(c, 1);
    if (src == null) {
      c.reply.nullBulk();
      return;
    }
    if (ListCommands.wrongType(c, src)) {
      return;
    }
    Entry dst = StringCommands.lookupWrite(c, 2);
    if (ListCommands.wrongType(c, dst)) {
      return;
    }
    QuickList sq = (QuickList) src.value();
    if (dst == src) {
      long before = sq.memoryBytes();
      byte[] v = sq.pop(fromHead);
      sq.push(toHead, v);
      ListCommands.changed(c, src, sq, before);
      ListCommands.dirty(c, 1);
      ListCommands.notify(c, src, sq, toHead ? "lpush" : "rpush");
      ListCommands.notify(c, src, sq, fromHead ? "lpop" : "rpop");
      c.reply.bulk(v);
      return;
    }
    long sBefore = sq.memoryBytes();
    byte[] v = sq.pop(fromHead);
    ListCommands.changed(c, src, sq, sBefore);
    if (dst == null) {
      dst = ListCommands.create(c, 2);
    }
    QuickList dq = (QuickList) dst.value();
    long dBefore = dq.memoryBytes();
    dq.push(toHead, v);
    ListCommands.changed(c, dst, dq, dBefore);
    ListCommands.dirty(c, 1);
    ListCommands.notify(c, dst, dq, toHead ? "lpush" : "rpush");
    ListCommands.notify(c, src, sq, fromHead ? "lpop" : "rpop");
    c.reply.bulk(v);
  }

  private static final byte[] NUMKEYS = Bytes.ascii("ERR numkeys should be greater than 0");
  private static final byte[] COUNT_POSITIVE = Bytes.ascii("ERR count should be greater than 0");

  /**
   * The arguments after numkeys of LMPOP/BLMPOP: {whereIdx, where (1 LEFT, 0 RIGHT), count}, or
   * null after replying an error. {@code numkeysArg} is where numkeys is; the keys follow it.
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
    int where = where(c, whereIdx);
    if (where < 0) {
      return null;
    }
    long count = -1;
    for (int j = whereIdx + 1; j < r.argc; j++) {
      if (count == -1 && r.is(j, COUNT) && j + 1 < r.argc) {
        j++;
        count = Args.isLong(r, j) ? Args.toLong(r, j) : 0;
        if (count <= 0) {
          c.reply.errorBytes(COUNT_POSITIVE);
          return null;
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return null;
      }
    }
    return new long[] {whereIdx, where, count == -1 ? 1 : count};
  }

  /** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
  static void lmpop(Client c) {
    long[] a = mpopArgs(c, 1);
    if (a == null) {
      return;
    }
    Request r = c.req;
    int whereIdx = (int) a[0];
    int where = (int) a[1];
    long count = a[2];
    for (int k = 2; k < whereIdx; k++) {
      Entry e = StringCommands.lookupWrite(c, k);
      if (e == null) {
        continue;
      }
      if (e.type() != ValueType.LIST) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      c.reply.array(2);
      c.reply.bulk(r.bufs[k], r.offs[k], r.lens[k]);
      ListCommands.popCount(c, e, (QuickList) e.value(), where == 1, count);
      return;
    }
    c.reply.nullArray();
  }
}
