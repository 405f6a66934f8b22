package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keynum;
import static io.cinnabar.command.KeySpec.range;

import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Blocking;
import io.cinnabar.server.Client;

/**
 * BZPOPMIN BZPOPMAX BZMPOP (Redis 7.0's t_zset.c): a non-empty sorted set pops with ZPOPMIN's code;
 * otherwise the client waits through {@link Blocking} until a sorted set is added under one of its
 * keys. In MULTI they do not wait. Every unserved wait answers a null array.
 */
final class BlockingZSetCommands {
  private BlockingZSetCommands() {}

  static void register(CommandTable t) {
    t.add(
        command("bzpopmin", -3)
            .flags("write noscript blocking fast")
            .acl("sortedset")
            .keys(range("RW access delete", 1, -2, 1, 0))
            .doc(
                "Remove and return the member with the lowest score from one or more sorted sets,"
                    + " or block until one is available",
                "5.0.0",
                "sorted_set",
                "O(log(N)) with N being the number of elements in the sorted set.")
            .handler(c -> bzpop(c, false)));
    t.add(
        command("bzpopmax", -3)
            .flags("write noscript blocking fast")
            .acl("sortedset")
            .keys(range("RW access delete", 1, -2, 1, 0))
            .doc(
                "Remove and return the member with the highest score from one or more sorted sets,"
                    + " or block until one is available",
                "5.0.0",
                "sorted_set",
                "O(log(N)) with N being the number of elements in the sorted set.")
            .handler(c -> bzpop(c, true)));
    t.add(
        command("bzmpop", -5)
            .flags("write blocking movablekeys")
            .acl("sortedset")
            .keys(keynum("RW access delete", 2, 0, 1, 1))
            .doc(
                "Remove and return members with scores in a sorted set or block until one is"
                    + " available",
                "7.0.0",
                "sorted_set",
                "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of"
                    + " elements in the sorted set, and M being the number of elements popped.")
            .handler(BlockingZSetCommands::bzmpop));
  }

  private static final Blocking.TimeoutReply NULL_ARRAY = c -> c.reply.nullArray();

  /** BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty key. */
  static void bzpop(Client c, boolean max) {
    Request r = c.req;
    long deadline = Blocking.deadlineOrReply(c, r.argc - 1);
    if (deadline < 0) {
      return;
    }
    if (popFirst(c, 1, r.argc - 1, max, 1, false)) {
      return;
    }
    waitOrNull(c, 1, r.argc - 1, deadline);
  }

  /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
  static void bzmpop(Client c) {
    long[] a = ZPopCommands.mpopArgs(c, 2);
    if (a == null) {
      return;
    }
    long deadline = Blocking.deadlineOrReply(c, 1);
    if (deadline < 0) {
      return;
    }
    int whereIdx = (int) a[0];
    if (popFirst(c, 3, whereIdx, a[1] == 1, a[2], true)) {
      return;
    }
    waitOrNull(c, 3, whereIdx, deadline);
  }

  /** Pops from the first key in [from, to) holding a sorted set; false if none does (or error). */
  private static boolean popFirst(
      Client c, int from, int to, boolean max, long count, boolean mpop) {
    Request r = c.req;
    byte[] served = c.server.blocking.servedKey(c);
    for (int k = from; k < to; k++) {
      if (!BlockingListCommands.mayPop(r, k, served)) {
        continue;
      }
      Entry e = StringCommands.lookupWrite(c, k);
      if (e == null) {
        continue;
      }
      if (e.type() != ValueType.ZSET) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return true;
      }
      if (Propagate.on(c)) {
        byte[] op = max ? Propagate.ZPOPMAX : Propagate.ZPOPMIN;
        if (mpop) {
          Propagate.as(c, op, r.copy(k), Propagate.num(count));
        } else {
          Propagate.as(c, op, r.copy(k));
        }
      }
      ZPopCommands.popFrom(c, e, max, count, true, mpop);
      return true;
    }
    return false;
  }

  private static void waitOrNull(Client c, int from, int to, long deadline) {
    if (c.inExec) {
      c.reply.nullArray();
      return;
    }
    c.server.blocking.block(c, from, to, ValueType.ZSET, deadline, NULL_ARRAY);
  }
}
