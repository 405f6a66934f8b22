package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.Transaction;
import io.cinnabar.util.Bytes;
import java.util.List;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH (Redis's multi.c). Queuing itself happens in the
 * Dispatcher, after the checks that can reject a command; here the queue is run or dropped.
 */
public final class MultiCommands {
  private MultiCommands() {}

  static final byte[] EXECABORT =
      Bytes.ascii("EXECABORT Transaction discarded because of previous errors.");

  public static void register(CommandTable t) {
    t.add(
        command("multi", 1)
            .flags("noscript loading stale fast allow_busy")
            .acl("transaction")
            .doc("Mark the start of a transaction block", "1.2.0", "transactions", "O(1)")
            .handler(MultiCommands::multi));
    t.add(
        command("exec", 1)
            .flags("noscript loading stale skip_slowlog")
            .acl("transaction")
            .doc(
                "Execute all commands issued after MULTI",
                "1.2.0",
                "transactions",
                "Depends on commands in the transaction")
            .handler(MultiCommands::exec));
    t.add(
        command("discard", 1)
            .flags("noscript loading stale fast allow_busy")
            .acl("transaction")
            .doc(
                "Discard all commands issued after MULTI",
                "2.0.0",
                "transactions",
                "O(N), when N is the number of queued commands")
            .handler(MultiCommands::discard));
    t.add(
        command("watch", -2)
            .flags("noscript loading stale fast allow_busy")
            .acl("transaction")
            .keys(range("RO", 1, -1, 1, 0))
            .doc(
                "Watch the given keys to determine execution of the MULTI/EXEC block",
                "2.2.0",
                "transactions",
                "O(1) for every key.")
            .handler(MultiCommands::watch));
    t.add(
        command("unwatch", 1)
            .flags("noscript loading stale fast allow_busy")
            .acl("transaction")
            .doc("Forget about all watched keys", "2.2.0", "transactions", "O(1)")
            .handler(MultiCommands::unwatch));
  }

  static void multi(Client c) {
    if (c.inMulti) {
      c.reply.error("ERR MULTI calls can not be nested");
      return;
    }
    c.transaction().clearQueue();
    c.inMulti = true;
    c.reply.ok();
  }

  static void discard(Client c) {
    if (!c.inMulti) {
      c.reply.error("ERR DISCARD without MULTI");
      return;
    }
    c.discardTransaction();
    c.reply.ok();
  }

  /**
   * Runs the queue as one reply array; each command's own error is an element. A rejected queued
   * command aborts everything (EXECABORT), a modified WATCHed key gives a null array.
   */
  static void exec(Client c) {
    if (!c.inMulti) {
      c.reply.error("ERR EXEC without MULTI");
      return;
    }
    Transaction tx = c.transaction();
    if (tx.dirtyExec) {
      c.reply.errorBytes(EXECABORT);
      c.discardTransaction();
      return;
    }
    if (tx.dirtyCas) {
      c.reply.nullArray();
      c.discardTransaction();
      return;
    }
    c.server.watches.unwatchAll(c);
    List<CommandSpec> cmds = List.copyOf(tx.commands);
    List<byte[][]> args = List.copyOf(tx.args);
    c.reply.array(cmds.size());
    c.inExec = true;
    io.cinnabar.cluster.bus.ClusterBus bus = c.server.cluster;
    boolean hold = bus != null && cmds.stream().anyMatch(s -> s.fullName.startsWith("cluster|"));
    if (hold) {
      bus.hold(); // the transaction's CLUSTER commands see no gossip in between, as in Redis
    }
    try {
      for (int i = 0; i < cmds.size(); i++) {
        c.req.setAll(args.get(i));
        c.server.dispatcher.call(c, cmds.get(i));
      }
    } finally {
      c.inExec = false;
      if (hold) {
        bus.release();
      }
    }
    c.commandFailed = false; // errors inside are the queued commands' failures, not EXEC's
    c.discardTransaction();
  }

  static void watch(Client c) {
    if (c.inMulti) {
      c.reply.error("ERR WATCH inside MULTI is not allowed");
      return;
    }
    if (!c.transaction().dirtyCas) { // no point in watching once a watched key changed
      for (int i = 1; i < c.req.argc; i++) {
        c.server.watches.watch(c, c.db, c.req.copy(i));
      }
    }
    c.reply.ok();
  }

  static void unwatch(Client c) {
    c.server.watches.unwatchAll(c);
    c.transaction().dirtyCas = false;
    c.reply.ok();
  }
}
