package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Request;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.Snapshots;
import io.cinnabar.rdb.ValueCodec;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.Arrays;

/**
 * DUMP, RESTORE, RESTORE-ASKING (Redis's cluster.c), SAVE and BGSAVE (rdb.c), over the RDB codec.
 */
public final class DumpRestoreCommands {
  private DumpRestoreCommands() {}

  private static final String RESTORE_COMPLEXITY =
      "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where"
          + " N is the number of Redis objects composing the value and M their average size. For"
          + " small string values the time complexity is thus O(1)+O(1*M) where M is small, so"
          + " simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because"
          + " inserting values into sorted sets is O(log(N)).";

  private static final byte[] REPLACE = Bytes.ascii("replace");
  private static final byte[] ABSTTL = Bytes.ascii("absttl");
  private static final byte[] IDLETIME = Bytes.ascii("idletime");
  private static final byte[] FREQ = Bytes.ascii("freq");
  private static final byte[] BUSYKEY = Bytes.ascii("BUSYKEY Target key name already exists.");
  private static final byte[] BAD_PAYLOAD =
      Bytes.ascii("ERR DUMP payload version or checksum are wrong");
  private static final byte[] BAD_FORMAT = Bytes.ascii("ERR Bad data format");

  public static void register(CommandTable t) {
    t.add(
        command("dump", 2)
            .flags("readonly")
            .acl("keyspace read")
            .tips("nondeterministic_output")
            .keys(single("RO access", 1))
            .doc(
                "Return a serialized version of the value stored at the specified key.",
                "2.6.0",
                "generic",
                "O(1) to access the key and additional O(N*M) to serialize it, where N is the"
                    + " number of Redis objects composing the value and M their average size. For"
                    + " small string values the time complexity is thus O(1)+O(1*M) where M is"
                    + " small, so simply O(1).")
            .handler(DumpRestoreCommands::dump));
    t.add(
        command("restore", -4)
            .flags("write denyoom")
            .acl("keyspace write dangerous")
            .keys(single("OW update", 1))
            .doc(
                "Create a key using the provided serialized value, previously obtained using"
                    + " DUMP.",
                "2.6.0",
                "generic",
                RESTORE_COMPLEXITY)
            .handler(DumpRestoreCommands::restore));
    t.add(
        command("restore-asking", -4)
            .flags("write denyoom asking")
            .acl("keyspace write dangerous")
            .keys(single("OW update", 1))
            .doc(
                "An internal command for migrating keys in a cluster",
                "3.0.0",
                "server",
                RESTORE_COMPLEXITY)
            .handler(DumpRestoreCommands::restore));
    t.add(
        command("save", 1)
            .flags("admin noscript no_async_loading no_multi")
            .acl("admin dangerous")
            .doc(
                "Synchronously save the dataset to disk",
                "1.0.0",
                "server",
                "O(N) where N is the total number of keys in all databases")
            .handler(DumpRestoreCommands::save));
    t.add(
        command("bgsave", -1)
            .flags("admin noscript no_async_loading")
            .acl("admin dangerous")
            .doc("Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)")
            .handler(DumpRestoreCommands::bgsave));
    MigrateCommand.register(t);
  }

  static void dump(Client c) {
    Request r = c.req;
    Entry e = c.db.lookupRead(r.bufs[1], r.offs[1], r.lens[1], c.server.now(), c.server.lruClock());
    if (e == null) {
      c.reply.nullBulk();
      return;
    }
    try {
      c.reply.bulk(
          DumpPayload.create(
              e.value(), e.type(), e.encoding(), c.server.config.getBool("rdbcompression")));
    } catch (RdbException ex) {
      c.reply.error("ERR " + ex.getMessage());
    }
  }

  static void restore(Client c) {
    Request r = c.req;
    boolean replace = false;
    boolean absttl = false;
    long idle = -1;
    long freq = -1;
    for (int j = 4; j < r.argc; j++) {
      boolean more = j + 1 < r.argc;
      if (r.is(j, REPLACE)) {
        replace = true;
      } else if (r.is(j, ABSTTL)) {
        absttl = true;
      } else if (r.is(j, IDLETIME) && more && freq == -1) {
        if (!Args.longOrReply(c, j + 1)) {
          return;
        }
        idle = Args.toLong(r, ++j);
        if (idle < 0) {
          c.reply.error("ERR Invalid IDLETIME value, must be >= 0");
          return;
        }
      } else if (r.is(j, FREQ) && more && idle == -1) {
        if (!Args.longOrReply(c, j + 1)) {
          return;
        }
        freq = Args.toLong(r, ++j);
        if (freq < 0 || freq > 255) {
          c.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
          return;
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    long now = c.server.now();
    Entry old = c.db.lookupWrite(r.bufs[1], r.offs[1], r.lens[1], now);
    if (!replace && old != null) {
      c.reply.errorBytes(BUSYKEY);
      return;
    }
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long ttl = Args.toLong(r, 2);
    if (ttl < 0) {
      c.reply.error("ERR Invalid TTL value, must be >= 0");
      return;
    }
    if (!DumpPayload.verify(r.bufs[3], r.offs[3], r.lens[3])) {
      c.reply.errorBytes(BAD_PAYLOAD);
      return;
    }
    ValueCodec.Loaded v;
    try {
      v = DumpPayload.load(r.bufs[3], r.offs[3], r.lens[3], c.server.config);
    } catch (RdbException | RuntimeException ex) {
      v = null; // any malformed value is "Bad data format", never a server error
    }
    if (v == null) {
      c.reply.errorBytes(BAD_FORMAT);
      return;
    }
    byte[] key = Arrays.copyOfRange(r.bufs[1], r.offs[1], r.offs[1] + r.lens[1]);
    boolean deleted = false;
    if (replace && old != null) {
      c.db.delete(old);
      deleted = true;
    }
    if (ttl != 0 && !absttl) {
      ttl += now; // may wrap negative, as in Redis: then it counts as already expired
    }
    if (ttl != 0 && ttl <= now) {
      // Already expired: nothing is created (a replaced key is just deleted).
      if (deleted) {
        c.server.signalModifiedKey(c.db, key);
        c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, c.db.id());
        c.server.keyspace.stats().dirty++;
      }
      c.reply.ok();
      return;
    }
    Entry e = c.db.add(key, v.value(), v.type(), v.encoding(), c.server.lruClock());
    if (ttl != 0) {
      e = c.db.setExpire(e, ttl);
    }
    setLruOrLfu(c, e, idle, freq);
    c.server.signalModifiedKey(c.db, key);
    c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "restore", key, c.db.id());
    c.server.keyspace.stats().dirty++;
    c.reply.ok();
  }

  /** Redis's objectSetLRUOrLFU for RESTORE's IDLETIME / FREQ. */
  private static void setLruOrLfu(Client c, Entry e, long idle, long freq) {
    boolean lfu = c.server.config.get("maxmemory-policy").endsWith("-lfu");
    if (freq >= 0 && lfu) {
      long minutes = (c.server.now() / 1000 / 60) & 0xFFFF;
      e.setLru((int) ((minutes << 8) | freq));
    } else if (idle >= 0 && !lfu) {
      long then = c.server.lruClock() - idle;
      e.setLru((int) (then & 0xFFFFFF));
    }
  }

  private static final byte[] SCHEDULE = Bytes.ascii("schedule");

  static void save(Client c) {
    if (c.server.persistence.bgsaveInProgress()) {
      c.reply.error("ERR Background save already in progress");
      return;
    }
    if (Snapshots.save(c.server)) {
      c.reply.ok();
    } else {
      c.reply.error("ERR");
    }
  }

  /** BGSAVE [SCHEDULE] (Redis's bgsaveCommand replies). */
  static void bgsave(Client c) {
    Request r = c.req;
    boolean schedule = false;
    if (r.argc > 1) {
      if (r.argc == 2 && r.is(1, SCHEDULE)) {
        schedule = true;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    if (c.server.persistence.bgsaveInProgress()) {
      if (schedule) {
        c.server.persistence.bgsaveScheduled = true;
        c.reply.simple("Background saving scheduled");
      } else {
        c.reply.error("ERR Background save already in progress");
      }
      return;
    }
    if (Snapshots.bgsave(c.server)) {
      c.reply.simple("Background saving started");
    } else {
      c.reply.error("ERR");
    }
  }
}
