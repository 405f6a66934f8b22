package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.list.QuickList;
import io.cinnabar.util.Bytes;

/**
 * List commands (Redis's t_list.c) on {@link QuickList} values: pushes, pops, reads by index and
 * range. Edits in the middle, LPOS, LMOVE and LMPOP live in {@link ListEdits}. An emptied list
 * deletes its key.
 */
public final class ListCommands {
  private ListCommands() {}

  static final String PUSH_COMPLEXITY =
      "O(1) for each element added, so O(N) to add N elements when the command is called with"
          + " multiple arguments.";

  public static void register(CommandTable t) {
    push(t, "lpush", "Prepend one or multiple elements to a list", "1.0.0", true, false);
    push(t, "rpush", "Append one or multiple elements to a list", "1.0.0", false, false);
    push(t, "lpushx", "Prepend an element to a list, only if the list exists", "2.2.0", true, true);
    push(t, "rpushx", "Append an element to a list, only if the list exists", "2.2.0", false, true);
    t.add(
        command("lpop", -2)
            .flags("write fast")
            .acl("list")
            .keys(single("RW access delete", 1))
            .doc(
                "Remove and get the first elements in a list",
                "1.0.0",
                "list",
                "O(N) where N is the number of elements returned")
            .handler(c -> pop(c, true)));
    t.add(
        command("rpop", -2)
            .flags("write fast")
            .acl("list")
            .keys(single("RW access delete", 1))
            .doc(
                "Remove and get the last elements in a list",
                "1.0.0",
                "list",
                "O(N) where N is the number of elements returned")
            .handler(c -> pop(c, false)));
    t.add(
        command("llen", 2)
            .flags("readonly fast")
            .acl("list")
            .keys(single("RO", 1))
            .doc("Get the length of a list", "1.0.0", "list", "O(1)")
            .handler(ListCommands::llen));
    t.add(
        command("lrange", 4)
            .flags("readonly")
            .acl("list")
            .keys(single("RO access", 1))
            .doc(
                "Get a range of elements from a list",
                "1.0.0",
                "list",
                "O(S+N) where S is the distance of start offset from HEAD for small lists, from"
                    + " nearest end (HEAD or TAIL) for large lists; and N is the number of elements"
                    + " in the specified range.")
            .handler(ListCommands::lrange));
    t.add(
        command("lindex", 3)
            .flags("readonly")
            .acl("list")
            .keys(single("RO access", 1))
            .doc(
                "Get an element from a list by its index",
                "1.0.0",
                "list",
                "O(N) where N is the number of elements to traverse to get to the element at"
                    + " index. This makes asking for the first or the last element of the list"
                    + " O(1).")
            .handler(ListCommands::lindex));
    t.add(
        command("lset", 4)
            .flags("write denyoom")
            .acl("list")
            .keys(single("RW update", 1))
            .doc(
                "Set the value of an element in a list by its index",
                "1.0.0",
                "list",
                "O(N) where N is the length of the list. Setting either the first or the last"
                    + " element of the list is O(1).")
            .handler(ListCommands::lset));
    ListEdits.register(t);
    BlockingListCommands.register(t);
  }

  private static void push(
      CommandTable t,
      String name,
      String summary,
      String since,
      boolean head,
      boolean onlyIfExists) {
    t.add(
        command(name, -3)
            .flags("write denyoom fast")
            .acl("list")
            .keys(single("RW insert", 1))
            .doc(summary, since, "list", PUSH_COMPLEXITY)
            .handler(c -> push(c, head, onlyIfExists)));
  }

  /** The fill (list-max-listpack-size) new lists get. */
  static int fill(Client c) {
    long v = c.server.config.listMaxListpackSize;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  /** The list at argument i for writing; replies WRONGTYPE and returns null for other types. */
  static boolean wrongType(Client c, Entry e) {
    if (e != null && e.type() != ValueType.LIST) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return true;
    }
    return false;
  }

  /** Creates an empty list under the key at argument i (absent: the caller looked it up). */
  static Entry create(Client c, int keyArg) {
    return c.db.add(
        c.req.copy(keyArg),
        new QuickList(fill(c)),
        ValueType.LIST,
        ValueType.ENC_QUICKLIST,
        c.server.lruClock());
  }

  /** Accounts a size change of a list in place, deleting the key when it emptied. */
  static void changed(Client c, Entry e, QuickList q, long before) {
    c.db.adjustMemory(q.memoryBytes() - before);
    if (q.size() == 0) {
      c.db.delete(e);
    }
  }

  /** Signals the list's key and raises {@code event}, then "del" if the list emptied. */
  static void notify(Client c, Entry e, QuickList q, String event) {
    Notify.changed(c, e.key(), io.cinnabar.config.KeyspaceEvents.LIST, event);
    if (q.size() == 0) {
      Notify.event(c, e.key(), io.cinnabar.config.KeyspaceEvents.GENERIC, "del");
    }
  }

  static void dirty(Client c, long n) {
    c.server.keyspace.stats().dirty += n;
  }

  /** Pushes of at least this many elements leave no free room in the end nodes. */
  private static final int BULK_PUSH = 32;

  static void push(Client c, boolean head, boolean onlyIfExists) {
    Request r = c.req;
    Entry e = StringCommands.lookupWrite(c, 1);
    if (wrongType(c, e)) {
      return;
    }
    if (e == null) {
      if (onlyIfExists) {
        c.reply.integer(0);
        return;
      }
      e = create(c, 1);
    }
    QuickList q = (QuickList) e.value();
    long before = q.memoryBytes();
    for (int i = 2; i < r.argc; i++) {
      if (head) {
        q.pushHead(r.bufs[i], r.offs[i], r.lens[i]);
      } else {
        q.pushTail(r.bufs[i], r.offs[i], r.lens[i]);
      }
    }
    if (r.argc - 2 >= BULK_PUSH) {
      q.trimEnds(); // a bulk load: the cost of one copy is small next to the push
    }
    changed(c, e, q, before);
    dirty(c, r.argc - 2);
    notify(c, e, q, head ? "lpush" : "rpush");
    c.reply.integer(q.size());
  }

  static final byte[] NOT_POSITIVE = Bytes.ascii("ERR value is out of range, must be positive");

  static void pop(Client c, boolean head) {
    Request r = c.req;
    if (r.argc > 3) {
      c.reply.error("ERR wrong number of arguments for '" + (head ? "lpop" : "rpop") + "' command");
      return;
    }
    boolean hasCount = r.argc == 3;
    long count = 1;
    if (hasCount) {
      count = Args.isLong(r, 2) ? Args.toLong(r, 2) : -1;
      if (count < 0) {
        c.reply.errorBytes(NOT_POSITIVE);
        return;
      }
    }
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e == null) {
      if (hasCount) {
        c.reply.nullArray();
      } else {
        c.reply.nullBulk();
      }
      return;
    }
    if (wrongType(c, e)) {
      return;
    }
    QuickList q = (QuickList) e.value();
    if (!hasCount) {
      popOne(c, e, q, head);
      return;
    }
    if (count == 0) {
      c.reply.emptyArray();
      return;
    }
    popCount(c, e, q, head, count);
  }

  /** Pops one element and replies it as a bulk (LPOP, RPOP, and BLPOP, BRPOP once served). */
  static void popOne(Client c, Entry e, QuickList q, boolean head) {
    long before = q.memoryBytes();
    c.reply.bulk(q.pop(head));
    changed(c, e, q, before);
    dirty(c, 1);
    notify(c, e, q, head ? "lpop" : "rpop");
  }

  /** Pops up to count elements and replies them as an array. */
  static void popCount(Client c, Entry e, QuickList q, boolean head, long count) {
    long before = q.memoryBytes();
    long n = Math.min(count, q.size());
    c.reply.array(n);
    for (long i = 0; i < n; i++) {
      c.reply.bulk(q.pop(head));
    }
    changed(c, e, q, before);
    dirty(c, n);
    notify(c, e, q, head ? "lpop" : "rpop");
  }

  /** The key at argument i for reading, or null after replying WRONGTYPE or {@code missing}. */
  static QuickList readList(Client c, int i, Runnable missing) {
    Entry e = StringCommands.lookupRead(c, i);
    if (e == null) {
      missing.run();
      return null;
    }
    if (wrongType(c, e)) {
      return null;
    }
    return (QuickList) e.value();
  }

  static void llen(Client c) {
    QuickList q = readList(c, 1, () -> c.reply.integer(0));
    if (q != null) {
      c.reply.integer(q.size());
    }
  }

  static void lrange(Client c) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2) || !Args.longOrReply(c, 3)) {
      return;
    }
    long start = Args.toLong(r, 2);
    long end = Args.toLong(r, 3);
    QuickList q = readList(c, 1, c.reply::emptyArray);
    if (q == null) {
      return;
    }
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
    if (start > end || start >= len) {
      c.reply.emptyArray();
      return;
    }
    if (end >= len) {
      end = len - 1;
    }
    long[] left = {end - start + 1};
    c.reply.array(left[0]);
    q.walk(
        start,
        false,
        (b, off, l) -> {
          c.reply.bulk(b, off, l);
          return --left[0] > 0;
        });
  }

  static void lindex(Client c) {
    QuickList q = readList(c, 1, c.reply::nullBulk);
    if (q == null || !Args.longOrReply(c, 2)) {
      return;
    }
    long i = Args.toLong(c.req, 2);
    if (i < 0) {
      i += q.size();
    }
    byte[] v = q.get(i);
    if (v == null) {
      c.reply.nullBulk();
    } else {
      c.reply.bulk(v);
    }
  }

  static void lset(Client c) {
    Entry e = StringCommands.lookupWrite(c, 1);
    if (e == null) {
      c.reply.errorBytes(Errors.NO_SUCH_KEY);
      return;
    }
    if (wrongType(c, e) || !Args.longOrReply(c, 2)) {
      return;
    }
    QuickList q = (QuickList) e.value();
    long i = Args.toLong(c.req, 2);
    if (i < 0) {
      i += q.size();
    }
    long before = q.memoryBytes();
    if (!q.set(i, c.req.copy(3))) {
      c.reply.errorBytes(Errors.OUT_OF_RANGE);
      return;
    }
    changed(c, e, q, before);
    dirty(c, 1);
    notify(c, e, q, "lset");
    c.reply.ok();
  }
}
