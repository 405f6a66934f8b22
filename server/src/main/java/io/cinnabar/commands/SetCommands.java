package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.type.set.SetValue;

/**
 * Set commands (Redis 7.0's t_set.c): single-key reads and writes and SMOVE. The multi-key algebra
 * (SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD) is in {@link SetAlgebra}; SPOP,
 * SRANDMEMBER and SSCAN in {@link SetRandomScan}. Values are {@link SetValue}s; the entry's
 * encoding follows the set's so OBJECT ENCODING matches.
 */
public final class SetCommands {
  private SetCommands() {}

  public static void register(CommandTable t) {
    one(t, "sadd", -3, "write denyoom fast", "RW insert", null, SetCommands::sadd);
    one(t, "srem", -3, "write fast", "RW delete", null, SetCommands::srem);
    one(
        t,
        "smembers",
        2,
        "readonly",
        "RO access",
        "nondeterministic_output_order",
        SetAlgebra::sinter);
    one(t, "sismember", 3, "readonly fast", "RO", null, SetCommands::sismember);
    one(t, "smismember", -3, "readonly fast", "RO access", null, SetCommands::smismember);
    one(t, "scard", 2, "readonly fast", "RO", null, SetCommands::scard);
    t.add(
        command("smove", 4)
            .flags("write fast")
            .acl("set")
            .keys(single("RW access delete", 1), single("RW insert", 2))
            .doc("Move a member from one set to another", "1.0.0", "set", "O(1)")
            .handler(SetCommands::smove));
    SetAlgebra.register(t);
    SetRandomScan.register(t);
  }

  private static void one(
      CommandTable t,
      String name,
      int arity,
      String flags,
      String spec,
      String tips,
      CommandHandler h) {
    var b =
        command(name, arity)
            .flags(flags)
            .acl("set")
            .keys(single(spec, 1))
            .doc(doc(name)[0], doc(name)[1], "set", doc(name)[2])
            .handler(h);
    if (tips != null) {
      b.tips(tips);
    }
    t.add(b);
  }

  private static final String ALL_SETS =
      "O(N) where N is the total number of elements in all given sets.";
  private static final String INTER =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of"
          + " sets.";

  /** COMMAND DOCS summary, since and complexity of the commands declared by name here. */
  static String[] doc(String name) {
    return switch (name) {
      case "sadd" ->
          new String[] {
            "Add one or more members to a set",
            "1.0.0",
            "O(1) for each element added, so O(N) to add N elements when the command is called with"
                + " multiple arguments."
          };
      case "srem" ->
          new String[] {
            "Remove one or more members from a set",
            "1.0.0",
            "O(N) where N is the number of members to be removed."
          };
      case "smembers" ->
          new String[] {
            "Get all the members in a set", "1.0.0", "O(N) where N is the set cardinality."
          };
      case "sismember" ->
          new String[] {"Determine if a given value is a member of a set", "1.0.0", "O(1)"};
      case "smismember" ->
          new String[] {
            "Returns the membership associated with the given elements for a set",
            "6.2.0",
            "O(N) where N is the number of elements being checked for membership"
          };
      case "scard" -> new String[] {"Get the number of members in a set", "1.0.0", "O(1)"};
      case "sinter" -> new String[] {"Intersect multiple sets", "1.0.0", INTER};
      case "sunion" -> new String[] {"Add multiple sets", "1.0.0", ALL_SETS};
      case "sdiff" -> new String[] {"Subtract multiple sets", "1.0.0", ALL_SETS};
      case "sinterstore" ->
          new String[] {
            "Intersect multiple sets and store the resulting set in a key", "1.0.0", INTER
          };
      case "sunionstore" ->
          new String[] {
            "Add multiple sets and store the resulting set in a key", "1.0.0", ALL_SETS
          };
      case "sdiffstore" ->
          new String[] {
            "Subtract multiple sets and store the resulting set in a key", "1.0.0", ALL_SETS
          };
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** An entry that stands for "wrong type, already replied" ({@link #writeTarget}). */
  static final Entry WRONG = TypedLookup.WRONG;

  /** The SetValue at argument i for reading: null after replying (missing or wrong type). */
  static SetValue readOrReply(Client c, int i, Runnable missing) {
    return (SetValue) TypedLookup.readOrReply(c, i, ValueType.SET, missing);
  }

  /** The entry at argument i for writing, null if missing, {@link #WRONG} after WRONGTYPE. */
  static Entry writeTarget(Client c, int i) {
    return TypedLookup.writeTarget(c, i, ValueType.SET);
  }

  static long maxIntset(Client c) {
    return c.server.config.setMaxIntsetEntries;
  }

  /** Accounts a set changed in place: its size change and its (maybe new) encoding. */
  static void changed(Client c, Entry e, SetValue s, long before) {
    c.db.adjustMemory(s.memoryBytes() - before);
    e.setEncoding(s.encoding());
  }

  static void event(Client c, int type, String event, byte[] key) {
    c.server.notifyKeyspaceEvent(type, event, key, c.db.id());
  }

  /**
   * Stores {@code s} under {@code key} as Redis's setKey (overwriting any value and its TTL), or
   * deletes the key when {@code s} is empty. Raises {@code event} or "del" and signals the key.
   */
  static void storeOrDelete(Client c, byte[] key, SetValue s, String event) {
    Database db = c.db;
    Entry e = db.lookupWrite(key, c.server.now());
    if (s.size() > 0) {
      if (e == null) {
        db.add(key, s, ValueType.SET, s.encoding(), c.server.lruClock());
      } else {
        db.overwrite(e, s, ValueType.SET, s.encoding());
        if (e.expireAt() >= 0) {
          db.persist(e);
        }
      }
      c.server.signalModifiedKey(db, key);
      event(c, KeyspaceEvents.SET, event, key);
      c.server.keyspace.stats().dirty++;
    } else if (e != null) {
      db.delete(e);
      c.server.signalModifiedKey(db, key);
      event(c, KeyspaceEvents.GENERIC, "del", key);
      c.server.keyspace.stats().dirty++;
    }
  }

  static void sadd(Client c) {
    Request r = c.req;
    Entry e = writeTarget(c, 1);
    if (e == WRONG) {
      return;
    }
    SetValue s;
    long before = 0;
    if (e == null) {
      s = SetValue.createFor(r.bufs[2], r.offs[2], r.lens[2]);
    } else {
      s = (SetValue) e.value();
      before = s.memoryBytes();
    }
    long max = maxIntset(c);
    int added = 0;
    for (int i = 2; i < r.argc; i++) {
      if (s.add(r.bufs[i], r.offs[i], r.lens[i], max)) {
        added++;
      }
    }
    if (e == null) {
      byte[] key = r.copy(1);
      c.db.add(key, s, ValueType.SET, s.encoding(), c.server.lruClock());
      c.server.signalModifiedKey(c.db, key);
      event(c, KeyspaceEvents.SET, "sadd", key);
    } else {
      changed(c, e, s, before);
      if (added > 0) {
        c.server.signalModifiedKey(c.db, e.key());
        event(c, KeyspaceEvents.SET, "sadd", e.key());
      }
    }
    c.server.keyspace.stats().dirty += added;
    c.reply.integer(added);
  }

  static void srem(Client c) {
    Request r = c.req;
    Entry e = writeTarget(c, 1);
    if (e == WRONG) {
      return;
    }
    if (e == null) {
      c.reply.integer(0);
      return;
    }
    SetValue s = (SetValue) e.value();
    long before = s.memoryBytes();
    int deleted = 0;
    for (int i = 2; i < r.argc; i++) {
      if (s.remove(r.bufs[i], r.offs[i], r.lens[i])) {
        deleted++;
        if (s.size() == 0) {
          break;
        }
      }
    }
    if (deleted > 0) {
      byte[] key = e.key();
      if (s.size() == 0) {
        c.db.delete(e);
      } else {
        changed(c, e, s, before);
      }
      c.server.signalModifiedKey(c.db, key);
      event(c, KeyspaceEvents.SET, "srem", key);
      if (s.size() == 0) {
        event(c, KeyspaceEvents.GENERIC, "del", key);
      }
      c.server.keyspace.stats().dirty += deleted;
    }
    c.reply.integer(deleted);
  }

  static void sismember(Client c) {
    SetValue s = readOrReply(c, 1, () -> c.reply.integer(0));
    if (s != null) {
      Request r = c.req;
      c.reply.integer(s.contains(r.bufs[2], r.offs[2], r.lens[2]) ? 1 : 0);
    }
  }

  static void smismember(Client c) {
    Request r = c.req;
    Entry e = StringCommands.lookupRead(c, 1);
    if (e != null && e.type() != ValueType.SET) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    SetValue s = e == null ? null : (SetValue) e.value();
    c.reply.array(r.argc - 2);
    for (int i = 2; i < r.argc; i++) {
      c.reply.integer(s != null && s.contains(r.bufs[i], r.offs[i], r.lens[i]) ? 1 : 0);
    }
  }

  static void scard(Client c) {
    SetValue s = readOrReply(c, 1, () -> c.reply.integer(0));
    if (s != null) {
      c.reply.integer(s.size());
    }
  }

  static void smove(Client c) {
    Request r = c.req;
    Entry src = StringCommands.lookupWrite(c, 1);
    Entry dst = StringCommands.lookupWrite(c, 2);
    if (src == null) {
      c.reply.integer(0);
      return;
    }
    if (src.type() != ValueType.SET || (dst != null && dst.type() != ValueType.SET)) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    SetValue from = (SetValue) src.value();
    byte[] member = r.copy(3);
    if (src == dst) {
      c.reply.integer(from.contains(member) ? 1 : 0);
      return;
    }
    long before = from.memoryBytes();
    if (!from.remove(member)) {
      c.reply.integer(0);
      return;
    }
    byte[] srcKey = src.key();
    event(c, KeyspaceEvents.SET, "srem", srcKey);
    if (from.size() == 0) {
      c.db.delete(src);
      event(c, KeyspaceEvents.GENERIC, "del", srcKey);
    } else {
      changed(c, src, from, before);
    }
    c.server.signalModifiedKey(c.db, srcKey);
    c.server.keyspace.stats().dirty++;
    SetValue to;
    if (dst == null) {
      to = SetValue.createFor(member, 0, member.length);
      to.add(member, maxIntset(c));
      byte[] dstKey = r.copy(2);
      c.db.add(dstKey, to, ValueType.SET, to.encoding(), c.server.lruClock());
      c.server.keyspace.stats().dirty++;
      c.server.signalModifiedKey(c.db, dstKey);
      event(c, KeyspaceEvents.SET, "sadd", dstKey);
    } else {
      to = (SetValue) dst.value();
      long b2 = to.memoryBytes();
      if (to.add(member, maxIntset(c))) {
        changed(c, dst, to, b2);
        c.server.keyspace.stats().dirty++;
        c.server.signalModifiedKey(c.db, dst.key());
        event(c, KeyspaceEvents.SET, "sadd", dst.key());
      }
    }
    c.reply.integer(1);
  }
}
