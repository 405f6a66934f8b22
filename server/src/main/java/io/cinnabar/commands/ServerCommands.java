package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.Log;
import io.cinnabar.util.Bytes;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN, INFO. */
public final class ServerCommands {
  private ServerCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("dbsize", 1)
            .flags("readonly fast")
            .acl("keyspace")
            .tips("request_policy:all_shards response_policy:agg_sum")
            .doc("Return the number of keys in the selected database", "1.0.0", "server", "O(1)")
            .handler(c -> c.reply.integer(c.server.slotMigrations.visibleSize(c.db))));
    t.add(
        command("flushdb", -1)
            .flags("write")
            .acl("keyspace dangerous")
            .tips("request_policy:all_shards response_policy:all_succeeded")
            .doc(
                "Remove all keys from the current database",
                "1.0.0",
                "server",
                "O(N) where N is the number of keys in the selected database")
            .handler(c -> flush(c, false)));
    t.add(
        command("flushall", -1)
            .flags("write")
            .acl("keyspace dangerous")
            .tips("request_policy:all_shards response_policy:all_succeeded")
            .doc(
                "Remove all keys from all databases",
                "1.0.0",
                "server",
                "O(N) where N is the total number of keys in all databases")
            .handler(c -> flush(c, true)));
    t.add(
        command("swapdb", 3)
            .flags("write fast")
            .acl("keyspace dangerous")
            .doc(
                "Swaps two Redis databases",
                "4.0.0",
                "server",
                "O(N) where N is the count of clients watching or blocking on keys from both"
                    + " databases.")
            .handler(ServerCommands::swapdb));
    t.add(
        command("time", 1)
            .flags("loading stale fast")
            .tips("nondeterministic_output")
            .doc("Return the current server time", "2.6.0", "server", "O(1)")
            .handler(ServerCommands::time));
    t.add(
        command("lastsave", 1)
            .flags("loading stale fast")
            .acl("admin dangerous")
            .tips("nondeterministic_output")
            .doc(
                "Get the UNIX time stamp of the last successful save to disk",
                "1.0.0",
                "server",
                "O(1)")
            .handler(c -> c.reply.integer(c.server.lastSaveSeconds)));
    t.add(
        command("shutdown", -1)
            .flags("admin noscript loading stale no_multi allow_busy")
            .doc(
                "Synchronously save the dataset to disk and then shut down the server",
                "1.0.0",
                "server",
                "O(N) when saving, where N is the total number of keys in all databases when"
                    + " saving data, otherwise O(1)")
            .handler(ServerCommands::shutdown));
    t.add(
        command("info", -1)
            .flags("loading stale")
            .acl("dangerous")
            .tips("nondeterministic_output request_policy:all_shards response_policy:special")
            .doc("Get information and statistics about the server", "1.0.0", "server", "O(1)")
            .handler(InfoCommand::info));
  }

  private static final byte[] SYNC = Bytes.ascii("sync");
  private static final byte[] ASYNC = Bytes.ascii("async");

  /** FLUSHDB / FLUSHALL [SYNC|ASYNC]: both modes free synchronously (the old tables go to GC). */
  static void flush(Client c, boolean all) {
    Request r = c.req;
    if (r.argc > 2 || (r.argc == 2 && !r.is(1, SYNC) && !r.is(1, ASYNC))) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    var stats = c.server.keyspace.stats();
    if (all) {
      for (int i = 0; i < c.server.keyspace.databases(); i++) {
        c.server.signalFlushedDb(c.server.keyspace.db(i));
      }
      stats.dirty += c.server.keyspace.flushAll() + 1;
    } else {
      c.server.signalFlushedDb(c.db);
      stats.dirty += c.db.flush();
    }
    c.server.primary.forcePropagation(); // replicated even when already empty, as Redis 7.0
    c.reply.ok();
  }

  static void swapdb(Client c) {
    if (c.server.config.getBool("cluster-enabled")) {
      c.reply.error("ERR SWAPDB is not allowed in cluster mode");
      return;
    }
    Request r = c.req;
    long a = intArg(r, 1);
    if (a == Long.MIN_VALUE) {
      c.reply.error("ERR invalid first DB index");
      return;
    }
    long b = intArg(r, 2);
    if (b == Long.MIN_VALUE) {
      c.reply.error("ERR invalid second DB index");
      return;
    }
    int n = c.server.keyspace.databases();
    if (a < 0 || a >= n || b < 0 || b >= n) {
      c.reply.errorBytes(Errors.DB_INDEX);
      return;
    }
    if (a != b) {
      c.server.signalSwappedDbs((int) a, (int) b);
      c.server.keyspace.swap((int) a, (int) b);
    }
    c.server.keyspace.stats().dirty++;
    // Clients blocked in either database may now find their keys (Redis's
    // scanDatabaseForReadyKeys).
    c.server.blocking.swapped(c.server.keyspace.db((int) a), c.server.keyspace.db((int) b));
    c.reply.ok();
  }

  /** Argument i as a 32-bit int (Redis's getIntFromObject), or Long.MIN_VALUE. */
  private static long intArg(Request r, int i) {
    if (!Args.isLong(r, i)) {
      return Long.MIN_VALUE;
    }
    long v = Args.toLong(r, i);
    return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? Long.MIN_VALUE : v;
  }

  static void time(Client c) {
    long us = InfoCommand.nowMicros();
    c.reply.array(2);
    c.reply.bulkLong(us / 1_000_000);
    c.reply.bulkLong(us % 1_000_000);
  }

  private static final byte[] NOSAVE = Bytes.ascii("nosave");
  private static final byte[] SAVE = Bytes.ascii("save");
  private static final byte[] NOW = Bytes.ascii("now");
  private static final byte[] FORCE = Bytes.ascii("force");
  private static final byte[] ABORT = Bytes.ascii("abort");

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Saves the snapshot first with SAVE, or when save
   * points are configured and NOSAVE is not given (as Redis); a failed save cancels the shutdown
   * unless FORCE. The server stops and the client sees the close.
   */
  static void shutdown(Client c) {
    Request r = c.req;
    boolean nosave = false;
    boolean save = false;
    boolean abort = false;
    boolean other = false;
    boolean force = false;
    boolean now = false;
    for (int i = 1; i < r.argc; i++) {
      if (r.is(i, NOSAVE)) {
        nosave = true;
      } else if (r.is(i, SAVE)) {
        save = true;
      } else if (r.is(i, NOW) || r.is(i, FORCE)) {
        other = true;
        force |= r.is(i, FORCE);
        now |= r.is(i, NOW);
      } else if (r.is(i, ABORT)) {
        abort = true;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    if ((abort && (nosave || save || other)) || (nosave && save)) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    if (abort) {
      if (c.server.abortHandover()) {
        c.reply.ok();
        return;
      }
      c.reply.error("ERR No shutdown in progress.");
      return;
    }
    c.block();
    boolean saveIt = save || (!nosave && !c.server.config.get("save").isBlank());
    boolean forced = force;
    if (now) {
      finishShutdown(c, saveIt, forced);
    } else {
      // Cinnabar (as Valkey): a cluster primary first hands its slots to its best replica.
      c.server.handOverSlotsThen(
          () -> finishShutdown(c, saveIt, forced),
          () -> {
            c.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
            c.unblock();
          });
    }
  }

  private static void finishShutdown(Client c, boolean save, boolean force) {
    Log.warning("User requested shutdown...");
    if (save) {
      Log.notice("Saving the final RDB snapshot before exiting.");
      if (!io.cinnabar.rdb.Snapshots.save(c.server) && !force) {
        Log.warning("Error trying to save the DB, can't exit.");
        c.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
        c.unblock();
        return;
      }
    }
    c.server.requestShutdown();
  }
}
