package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keynum;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeySpec;

/** The declarations of the sorted set commands, as Redis 7.0.15's COMMAND INFO reports them. */
final class ZSetSpecs {
  private ZSetSpecs() {}

  private static final String RANGE_CX =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of"
          + " elements being returned. If M is constant (e.g. always asking for the first 10"
          + " elements with LIMIT), you can consider it O(log(N)).";
  private static final String REMOVED_CX =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of"
          + " elements removed by the operation.";
  private static final String UNION_CX =
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being"
          + " the number of elements in the resulting sorted set.";
  private static final String INTER_CX =
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the"
          + " number of input sorted sets and M being the number of elements in the resulting"
          + " sorted set.";
  private static final String DIFF_CX =
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N"
          + " is the size of the first set, and K is the size of the result set.";

  private static void add(
      CommandTable t,
      String name,
      int arity,
      String flags,
      String summary,
      String since,
      String complexity,
      CommandHandler h,
      KeySpec... keys) {
    add(t, name, arity, flags, null, summary, since, complexity, h, keys);
  }

  private static void add(
      CommandTable t,
      String name,
      int arity,
      String flags,
      String tips,
      String summary,
      String since,
      String complexity,
      CommandHandler h,
      KeySpec... keys) {
    CommandSpec.Builder b =
        command(name, arity)
            .flags(flags)
            .acl("sortedset")
            .keys(keys)
            .doc(summary, since, "sorted_set", complexity)
            .handler(h);
    if (tips != null) {
      b.tips(tips);
    }
    t.add(b);
  }

  private static KeySpec ro() {
    return single("RO access", 1);
  }

  private static KeySpec rw(String flags) {
    return single(flags, 1);
  }

  static void register(CommandTable t) {
    add(
        t,
        "zadd",
        -4,
        "write denyoom fast",
        "Add one or more members to a sorted set, or update its score if it already exists",
        "1.2.0",
        "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        c -> SortedSetCommands.zadd(c, false),
        rw("RW update"));
    add(
        t,
        "zincrby",
        4,
        "write denyoom fast",
        "Increment the score of a member in a sorted set",
        "1.2.0",
        "O(log(N)) where N is the number of elements in the sorted set.",
        c -> SortedSetCommands.zadd(c, true),
        rw("RW access update"));
    add(
        t,
        "zrem",
        -3,
        "write fast",
        "Remove one or more members from a sorted set",
        "1.2.0",
        "O(M*log(N)) with N being the number of elements in the sorted set and M the number of"
            + " elements to be removed.",
        SortedSetCommands::zrem,
        rw("RW delete"));
    add(
        t,
        "zcard",
        2,
        "readonly fast",
        "Get the number of members in a sorted set",
        "1.2.0",
        "O(1)",
        SortedSetCommands::zcard,
        single("RO", 1));
    add(
        t,
        "zscore",
        3,
        "readonly fast",
        "Get the score associated with the given member in a sorted set",
        "1.2.0",
        "O(1)",
        SortedSetCommands::zscore,
        ro());
    add(
        t,
        "zmscore",
        -3,
        "readonly fast",
        "Get the score associated with the given members in a sorted set",
        "6.2.0",
        "O(N) where N is the number of members being requested.",
        SortedSetCommands::zmscore,
        ro());
    add(
        t,
        "zrank",
        3,
        "readonly fast",
        "Determine the index of a member in a sorted set",
        "2.0.0",
        "O(log(N))",
        c -> SortedSetCommands.zrank(c, false),
        ro());
    add(
        t,
        "zrevrank",
        3,
        "readonly fast",
        "Determine the index of a member in a sorted set, with scores ordered from high to low",
        "2.0.0",
        "O(log(N))",
        c -> SortedSetCommands.zrank(c, true),
        ro());
    add(
        t,
        "zcount",
        4,
        "readonly fast",
        "Count the members in a sorted set with scores within the given values",
        "2.0.0",
        "O(log(N)) with N being the number of elements in the sorted set.",
        c -> ZRangeCommands.zcount(c, false),
        ro());
    add(
        t,
        "zlexcount",
        4,
        "readonly fast",
        "Count the number of members in a sorted set between a given lexicographical range",
        "2.8.9",
        "O(log(N)) with N being the number of elements in the sorted set.",
        c -> ZRangeCommands.zcount(c, true),
        ro());
    registerRanges(t);
    registerPopsAndAlgebra(t);
  }

  private static void registerRanges(CommandTable t) {
    add(
        t,
        "zrange",
        -4,
        "readonly",
        "Return a range of members in a sorted set",
        "1.2.0",
        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of"
            + " elements returned.",
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.AUTO, 0),
        ro());
    add(
        t,
        "zrangebyscore",
        -4,
        "readonly",
        "Return a range of members in a sorted set, by score",
        "1.0.5",
        RANGE_CX,
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.SCORE, 1),
        ro());
    add(
        t,
        "zrevrangebyscore",
        -4,
        "readonly",
        "Return a range of members in a sorted set, by score, with scores ordered from high to"
            + " low",
        "2.2.0",
        RANGE_CX,
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.SCORE, -1),
        ro());
    add(
        t,
        "zrangebylex",
        -4,
        "readonly",
        "Return a range of members in a sorted set, by lexicographical range",
        "2.8.9",
        RANGE_CX,
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.LEX, 1),
        ro());
    add(
        t,
        "zrevrangebylex",
        -4,
        "readonly",
        "Return a range of members in a sorted set, by lexicographical range, ordered from higher"
            + " to lower strings.",
        "2.8.9",
        RANGE_CX,
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.LEX, -1),
        ro());
    add(
        t,
        "zrevrange",
        -4,
        "readonly",
        "Return a range of members in a sorted set, by index, with scores ordered from high to"
            + " low",
        "1.2.0",
        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of"
            + " elements returned.",
        c -> ZRangeCommands.zrange(c, 1, false, ZRangeCommands.RANK, -1),
        ro());
    add(
        t,
        "zrangestore",
        -5,
        "write denyoom",
        "Store a range of members from sorted set into another key",
        "6.2.0",
        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of"
            + " elements stored into the destination key.",
        c -> ZRangeCommands.zrange(c, 2, true, ZRangeCommands.AUTO, 0),
        single("OW update", 1),
        single("RO access", 2));
    add(
        t,
        "zremrangebyrank",
        4,
        "write",
        "Remove all members in a sorted set within the given indexes",
        "2.0.0",
        REMOVED_CX,
        c -> ZRangeCommands.zremrange(c, ZRangeCommands.RANK),
        rw("RW delete"));
    add(
        t,
        "zremrangebyscore",
        4,
        "write",
        "Remove all members in a sorted set within the given scores",
        "1.2.0",
        REMOVED_CX,
        c -> ZRangeCommands.zremrange(c, ZRangeCommands.SCORE),
        rw("RW delete"));
    add(
        t,
        "zremrangebylex",
        4,
        "write",
        "Remove all members in a sorted set between the given lexicographical range",
        "2.8.9",
        REMOVED_CX,
        c -> ZRangeCommands.zremrange(c, ZRangeCommands.LEX),
        rw("RW delete"));
  }

  private static void registerPopsAndAlgebra(CommandTable t) {
    add(
        t,
        "zpopmin",
        -2,
        "write fast",
        "Remove and return members with the lowest scores in a sorted set",
        "5.0.0",
        "O(log(N)*M) with N being the number of elements in the sorted set, and M being the"
            + " number of elements popped.",
        c -> ZPopCommands.zpop(c, false),
        rw("RW access delete"));
    add(
        t,
        "zpopmax",
        -2,
        "write fast",
        "Remove and return members with the highest scores in a sorted set",
        "5.0.0",
        "O(log(N)*M) with N being the number of elements in the sorted set, and M being the"
            + " number of elements popped.",
        c -> ZPopCommands.zpop(c, true),
        rw("RW access delete"));
    add(
        t,
        "zmpop",
        -4,
        "write movablekeys",
        "Remove and return members with scores in a sorted set",
        "7.0.0",
        "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of"
            + " elements in the sorted set, and M being the number of elements popped.",
        ZPopCommands::zmpop,
        keynum("RW access delete", 1, 0, 1, 1));
    readAlgebra(t, "zunion", "Add multiple sorted sets", UNION_CX, ZSetAlgebra.UNION);
    readAlgebra(t, "zinter", "Intersect multiple sorted sets", INTER_CX, ZSetAlgebra.INTER);
    readAlgebra(t, "zdiff", "Subtract multiple sorted sets", DIFF_CX, ZSetAlgebra.DIFF);
    storeAlgebra(
        t,
        "zunionstore",
        "Add multiple sorted sets and store the resulting sorted set in a new key",
        "2.0.0",
        UNION_CX,
        ZSetAlgebra.UNION);
    storeAlgebra(
        t,
        "zinterstore",
        "Intersect multiple sorted sets and store the resulting sorted set in a new key",
        "2.0.0",
        INTER_CX,
        ZSetAlgebra.INTER);
    storeAlgebra(
        t,
        "zdiffstore",
        "Subtract multiple sorted sets and store the resulting sorted set in a new key",
        "6.2.0",
        DIFF_CX,
        ZSetAlgebra.DIFF);
    add(
        t,
        "zintercard",
        -3,
        "readonly movablekeys",
        "Intersect multiple sorted sets and return the cardinality of the result",
        "7.0.0",
        "O(N*K) worst case with N being the smallest input sorted set, K being the number of"
            + " input sorted sets.",
        c -> ZSetAlgebra.run(c, "zintercard", 1, ZSetAlgebra.INTER, false, true),
        keynum("RO access", 1, 0, 1, 1));
    add(
        t,
        "zrandmember",
        -2,
        "readonly",
        "nondeterministic_output",
        "Get one or multiple random elements from a sorted set",
        "6.2.0",
        "O(N) where N is the number of elements returned",
        ZRandScan::zrandmember,
        ro());
    add(
        t,
        "zscan",
        -3,
        "readonly",
        "nondeterministic_output",
        "Incrementally iterate sorted sets elements and associated scores",
        "2.8.0",
        "O(1) for every call. O(N) for a complete iteration, including enough command calls for"
            + " the cursor to return back to 0. N is the number of elements inside the"
            + " collection..",
        ZRandScan::zscan,
        ro());
  }

  private static void readAlgebra(
      CommandTable t, String name, String summary, String complexity, int op) {
    add(
        t,
        name,
        -3,
        "readonly movablekeys",
        summary,
        "6.2.0",
        complexity,
        c -> ZSetAlgebra.run(c, name, 1, op, false, false),
        keynum("RO access", 1, 0, 1, 1));
  }

  private static void storeAlgebra(
      CommandTable t, String name, String summary, String since, String complexity, int op) {
    add(
        t,
        name,
        -4,
        "write denyoom movablekeys",
        summary,
        since,
        complexity,
        c -> ZSetAlgebra.run(c, name, 2, op, true, false),
        single("OW update", 1),
        keynum("RO access", 2, 0, 1, 1));
  }
}
