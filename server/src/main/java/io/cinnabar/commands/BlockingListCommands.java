package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keynum;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Blocking;
import io.cinnabar.server.Client;
import io.cinnabar.type.list.QuickList;
import java.util.Arrays;

/**
 * BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (Redis 7.0's t_list.c): when a key has elements they pop
 * with the non-blocking commands' code; otherwise the client waits through {@link Blocking}, which
 * runs the command again once a list is pushed. In MULTI they do not wait.
 */
final class BlockingListCommands {
  private BlockingListCommands() {}

  static void register(CommandTable t) {
    t.add(
        command("blpop", -3)
            .flags("write noscript blocking")
            .acl("list")
            .keys(range("RW access delete", 1, -2, 1, 0))
            .doc(
                "Remove and get the first element in a list, or block until one is available",
                "2.0.0",
                "list",
                "O(N) where N is the number of provided keys.")
            .handler(c -> bpop(c, true)));
    t.add(
        command("brpop", -3)
            .flags("write noscript blocking")
            .acl("list")
            .keys(range("RW access delete", 1, -2, 1, 0))
            .doc(
                "Remove and get the last element in a list, or block until one is available",
                "2.0.0",
                "list",
                "O(N) where N is the number of provided keys.")
            .handler(c -> bpop(c, false)));
    t.add(
        command("blmove", 6)
            .flags("write denyoom noscript blocking")
            .acl("list")
            .keys(single("RW access delete", 1), single("RW insert", 2))
            .doc(
                "Pop an element from a list, push it to another list and return it; or block until"
                    + " one is available",
                "6.2.0",
                "list",
                "O(1)")
            .handler(BlockingListCommands::blmove));
    t.add(
        command("brpoplpush", 4)
            .flags("write denyoom noscript blocking")
            .acl("list")
            .keys(single("RW access delete", 1), single("RW insert", 2))
            .doc(
                "Pop an element from a list, push it to another list and return it; or block until"
                    + " one is available",
                "2.2.0",
                "list",
                "O(1)")
            .handler(c -> bmove(c, 3, false, true)));
    t.add(
        command("blmpop", -5)
            .flags("write blocking movablekeys")
            .acl("list")
            .keys(keynum("RW access delete", 2, 0, 1, 1))
            .doc(
                "Pop elements from a list, or block until one is available",
                "7.0.0",
                "list",
                "O(N+M) where N is the number of provided keys and M is the number of elements"
                    + " returned.")
            .handler(BlockingListCommands::blmpop));
  }

  /** Redis 7.0 answers every unserved list wait (timeout, CLIENT UNBLOCK) with a null array. */
  private static final Blocking.TimeoutReply NULL_ARRAY = c -> c.reply.nullArray();

  /** True if argument i is the key being served (or no key is: any key may pop). */
  static boolean mayPop(Request r, int i, byte[] served) {
    return served == null
        || Arrays.equals(r.bufs[i], r.offs[i], r.offs[i] + r.lens[i], served, 0, served.length);
  }

  /** BLPOP/BRPOP key [key ...] timeout: pops from the first key holding a list. */
  static void bpop(Client c, boolean head) {
    Request r = c.req;
    long deadline = Blocking.deadlineOrReply(c, r.argc - 1);
    if (deadline < 0) {
      return;
    }
    byte[] served = c.server.blocking.servedKey(c);
    for (int k = 1; k < r.argc - 1; k++) {
      if (!mayPop(r, k, served)) {
        continue;
      }
      Entry e = StringCommands.lookupWrite(c, k);
      if (e == null) {
        continue;
      }
      if (ListCommands.wrongType(c, e)) {
        return;
      }
      c.reply.array(2);
      c.reply.bulk(r.bufs[k], r.offs[k], r.lens[k]);
      if (Propagate.on(c)) {
        Propagate.as(c, head ? Propagate.LPOP : Propagate.RPOP, r.copy(k));
      }
      ListCommands.popOne(c, e, (QuickList) e.value(), head);
      return;
    }
    if (c.inExec) {
      c.reply.nullArray();
      return;
    }
    c.server.blocking.block(c, 1, r.argc - 1, ValueType.LIST, deadline, NULL_ARRAY);
  }

  static void blmove(Client c) {
    int from = ListEdits.where(c, 3);
    if (from < 0) {
      return;
    }
    int to = ListEdits.where(c, 4);
    if (to < 0) {
      return;
    }
    bmove(c, 5, from == 1, to == 1);
  }

  /** BLMOVE/BRPOPLPUSH: LMOVE from argument 1 to 2 once the source holds a list. */
  static void bmove(Client c, int timeoutArg, boolean fromHead, boolean toHead) {
    long deadline = Blocking.deadlineOrReply(c, timeoutArg);
    if (deadline < 0) {
      return;
    }
    Entry src = StringCommands.lookupWrite(c, 1);
    if (ListCommands.wrongType(c, src)) {
      return;
    }
    if (src != null) {
      long dirty = c.server.keyspace.stats().dirty;
      ListEdits.move(c, fromHead, toHead); // checks the destination's type
      if (Propagate.on(c) && c.server.keyspace.stats().dirty != dirty) {
        Request r = c.req;
        if (timeoutArg == 3) {
          Propagate.as(c, Propagate.RPOPLPUSH, r.copy(1), r.copy(2));
        } else {
          Propagate.as(c, Propagate.LMOVE, r.copy(1), r.copy(2), r.copy(3), r.copy(4));
        }
      }
      return;
    }
    if (c.inExec) {
      c.reply.nullBulk();
      return;
    }
    c.server.blocking.block(c, 1, 2, ValueType.LIST, deadline, NULL_ARRAY);
  }

  /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: arguments, then timeout. */
  static void blmpop(Client c) {
    long[] a = ListEdits.mpopArgs(c, 2);
    if (a == null) {
      return;
    }
    Request r = c.req;
    int whereIdx = (int) a[0];
    int where = (int) a[1];
    long count = a[2];
    long deadline = Blocking.deadlineOrReply(c, 1);
    if (deadline < 0) {
      return;
    }
    byte[] served = c.server.blocking.servedKey(c);
    for (int k = 3; k < whereIdx; k++) {
      if (!mayPop(r, k, served)) {
        continue;
      }
      Entry e = StringCommands.lookupWrite(c, k);
      if (e == null) {
        continue;
      }
      if (ListCommands.wrongType(c, e)) {
        return;
      }
      c.reply.array(2);
      c.reply.bulk(r.bufs[k], r.offs[k], r.lens[k]);
      if (Propagate.on(c)) {
        byte[] op = where == 1 ? Propagate.LPOP : Propagate.RPOP;
        Propagate.as(c, op, r.copy(k), Propagate.num(count));
      }
      ListCommands.popCount(c, e, (QuickList) e.value(), where == 1, count);
      return;
    }
    if (c.inExec) {
      c.reply.nullArray();
      return;
    }
    c.server.blocking.block(c, 3, whereIdx, ValueType.LIST, deadline, NULL_ARRAY);
  }
}
