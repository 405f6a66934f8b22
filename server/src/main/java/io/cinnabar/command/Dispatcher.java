package io.cinnabar.command;

import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.ServerContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs one request: command lookup (no String built), subcommand lookup, arity, authentication,
 * client pause, then the handler, with statistics. The checks and their error strings follow
 * Redis's processCommand.
 */
public final class Dispatcher {
  /** {@link Client#replyMode} values. */
  public static final int REPLY_ON = 0;

  public static final int REPLY_OFF = 1;
  public static final int REPLY_SKIP_NEXT = 2;
  public static final int REPLY_SKIP = 3;

  private static final byte[] NOAUTH =
      "NOAUTH Authentication required.".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] READONLY =
      "READONLY You can't write against a read only replica.".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MASTERDOWN =
      ("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
          .getBytes(StandardCharsets.US_ASCII);

  /** The commands a RESP2 client may run while subscribed. */
  private static final java.util.Set<String> PUBSUB_CONTEXT =
      java.util.Set.of(
          "ping",
          "subscribe",
          "ssubscribe",
          "unsubscribe",
          "sunsubscribe",
          "psubscribe",
          "punsubscribe",
          "quit",
          "reset");

  /** The commands run, not queued, inside MULTI (Redis's processCommand list). */
  private static final java.util.Set<String> TRANSACTION_CONTROL =
      java.util.Set.of("exec", "discard", "multi", "watch", "quit", "reset");

  private final ServerContext server;
  private final CommandTable table;
  private final SlotRouter router = new SlotRouter();

  public Dispatcher(ServerContext server) {
    this.server = server;
    this.table = server.commands;
  }

  public void dispatch(Client c) {
    run(c);
    if (c.asking != 0 && !c.isBlocked()) {
      // Redis's resetClient: ASKING lasts for the next command (the whole MULTI ... EXEC); a
      // command that blocked keeps it for when it runs again (BLPOP served while importing).
      if (c.asking == 2) {
        c.asking = 1;
      } else if (!c.inMulti) {
        c.asking = 0;
      }
    }
  }

  private void run(Client c) {
    Request r = c.req;
    CommandSpec cmd = table.lookup(r.bufs[0], r.offs[0], r.lens[0]);
    if (cmd == null) {
      flagTransaction(c);
      c.reply.error(unknownCommand(r));
      return;
    }
    if (cmd.isContainer() && r.argc >= 2) {
      CommandSpec sub = CommandTable.lookupSub(cmd, r.bufs[1], r.offs[1], r.lens[1]);
      if (sub == null) {
        flagTransaction(c);
        c.reply.error(
            "ERR unknown subcommand '"
                + truncate(r.string(1), 128)
                + "'. Try "
                + cmd.name.toUpperCase(Locale.ROOT)
                + " HELP.");
        return;
      }
      cmd = sub;
    }
    if (!cmd.arityOk(r.argc)) {
      cmd.stats.rejectedCalls++;
      reject(c, cmd, "wrong number of arguments for '" + cmd.fullName + "' command");
      return;
    }
    if (!c.authenticated && !cmd.has(CommandFlag.NO_AUTH)) {
      cmd.stats.rejectedCalls++;
      if ("exec".equals(cmd.fullName)) {
        flagTransaction(c);
        c.discardTransaction();
        c.reply.error(
            "EXECABORT Transaction discarded because of: NOAUTH Authentication required.");
      } else {
        flagTransaction(c);
        c.reply.errorBytes(NOAUTH);
      }
      return;
    }
    if (c.inMulti && cmd.has(CommandFlag.NO_MULTI)) {
      cmd.stats.rejectedCalls++;
      flagTransaction(c);
      c.reply.error("ERR Command not allowed inside a transaction");
      return;
    }
    io.cinnabar.server.ReplicaLink link = server.replicaLink();
    // A slot import stream (atomic slot migration) is obeyed like the primary's stream.
    boolean obey = (link != null && link.isPrimary(c)) || c.slotImport != null;
    // The primary's stream is applied whatever the slot (Redis skips redirection for it).
    if (server.clusterEnabled() && !obey && !route(c, cmd)) {
      cmd.stats.rejectedCalls++;
      return;
    }
    if (link != null && !obey && replicaRejects(c, cmd, link, true)) {
      return;
    }
    if (c.reply.protocol() == 2
        && io.cinnabar.server.PubSub.subscribed(c)
        && !PUBSUB_CONTEXT.contains(cmd.fullName)) {
      cmd.stats.rejectedCalls++;
      reject(
          c,
          cmd,
          "Can't execute '"
              + cmd.fullName
              + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in"
              + " this context");
      return;
    }
    if (link != null && !obey && replicaRejects(c, cmd, link, false)) {
      return;
    }
    if (link == null && server.config.minReplicasToWrite > 0 && !minReplicasOk(c, cmd)) {
      cmd.stats.rejectedCalls++;
      flagTransaction(c);
      if ("exec".equals(cmd.fullName)) {
        c.discardTransaction();
      }
      c.reply.errorBytes(NOREPLICAS);
      return;
    }
    if (c.inMulti && !TRANSACTION_CONTROL.contains(cmd.fullName)) {
      c.transaction().commands.add(cmd);
      c.transaction().args.add(r.copyAll());
      c.lastCommand = cmd.fullName;
      c.reply.simple("QUEUED");
      return;
    }
    if (server.migrate.anyReserved() && touchesReserved(c, cmd)) {
      server.migrate.park(c); // runs again once MIGRATE has moved (or kept) the key
      return;
    }
    server.updateClock();
    if (server.pauseEndMs > 0 && !obey && isPaused(c, cmd)) {
      c.blockAndRetry();
      server.pausedClients.add(c);
      return;
    }
    if (!obey && server.slotMigrations.holds(c, cmd)) {
      return; // a write to a big key whose chunks are being migrated runs after them
    }
    call(c, cmd);
    if (server.blocking.hasReadyKeys()) {
      server.blocking.serveReadyKeys(); // after the whole command (all of EXEC), as Redis
    }
  }

  private final KeyPositions reservedKeys = new KeyPositions();

  /** True when the command (or a command queued for EXEC) uses a key MIGRATE is transferring. */
  private boolean touchesReserved(Client c, CommandSpec cmd) {
    if (!c.inMulti || !"exec".equals(cmd.fullName)) {
      return usesReserved(c, cmd, c.req);
    }
    io.cinnabar.server.Transaction tx = c.transaction();
    byte[][] exec = c.req.copyAll();
    boolean found = false;
    for (int i = 0; i < tx.commands.size() && !found; i++) {
      c.req.setAll(tx.args.get(i));
      found = usesReserved(c, tx.commands.get(i), c.req);
    }
    c.req.setAll(exec);
    return found;
  }

  private boolean usesReserved(Client c, CommandSpec cmd, Request r) {
    if (cmd.keySpecs.isEmpty() || !cmd.keys(r, reservedKeys, false)) {
      return false;
    }
    for (int i = 0; i < reservedKeys.size(); i++) {
      int k = reservedKeys.get(i);
      if (server.migrate.isReserved(c.db.id(), r.bufs[k], r.offs[k], r.lens[k])) {
        return true;
      }
    }
    return false;
  }

  /**
   * Redis's rejectCommandFormat: an "ERR" error that flags the transaction; EXEC itself rejected
   * discards it and answers EXECABORT with the reason.
   */
  private static void reject(Client c, CommandSpec cmd, String message) {
    flagTransaction(c);
    if ("exec".equals(cmd.fullName)) {
      c.discardTransaction();
      c.reply.error("EXECABORT Transaction discarded because of: " + message);
    } else {
      c.reply.error("ERR " + message);
    }
  }

  /** Redis's flagTransaction: a command rejected while queuing makes EXEC fail. */
  private static void flagTransaction(Client c) {
    if (c.inMulti) {
      c.transaction().dirtyExec = true;
    }
  }

  /**
   * Cluster routing; EXEC is routed by the keys of all queued commands, and a transaction that
   * cannot run here is discarded (Redis's getNodeByQuery for EXEC).
   */
  private boolean route(Client c, CommandSpec cmd) {
    if (!c.inMulti || !"exec".equals(cmd.fullName)) {
      boolean ok = router.route(c, cmd, server.topology(), server.config);
      if (!ok) {
        flagTransaction(c);
      }
      return ok;
    }
    io.cinnabar.server.Transaction tx = c.transaction();
    byte[][] exec = c.req.copyAll();
    boolean ok = router.routeAll(c, tx.commands, tx.args, server.topology(), server.config);
    c.req.setAll(exec);
    if (!ok) {
      c.discardTransaction();
    }
    return ok;
  }

  /**
   * A replica's checks of Redis's processCommand: writes are refused while replica-read-only
   * ({@code readOnly} pass), data commands while the link is down and replica-serve-stale-data is
   * off (the other pass, after the pub/sub context check as in Redis).
   */
  private boolean replicaRejects(
      Client c, CommandSpec cmd, io.cinnabar.server.ReplicaLink link, boolean readOnly) {
    boolean exec = c.inMulti && "exec".equals(cmd.fullName);
    if (readOnly) {
      boolean write =
          cmd.has(CommandFlag.WRITE) || (exec && c.transaction().anyHas(CommandFlag.WRITE));
      if (!write || !server.config.getBool("replica-read-only")) {
        return false;
      }
      cmd.stats.rejectedCalls++;
      flagTransaction(c);
      c.reply.errorBytes(READONLY);
      return true;
    }
    if (link.linkUp() || server.config.getBool("replica-serve-stale-data")) {
      return false;
    }
    if (cmd.has(CommandFlag.STALE)) {
      return false;
    }
    cmd.stats.rejectedCalls++;
    flagTransaction(c);
    c.reply.errorBytes(MASTERDOWN);
    return true;
  }

  private static final byte[] NOREPLICAS =
      "NOREPLICAS Not enough good replicas to write.".getBytes(StandardCharsets.US_ASCII);

  /** min-replicas-to-write: writes need that many replicas acked within min-replicas-max-lag. */
  private boolean minReplicasOk(Client c, CommandSpec cmd) {
    boolean write =
        cmd.has(CommandFlag.WRITE)
            || (c.inMulti
                && "exec".equals(cmd.fullName)
                && c.transaction().anyHas(CommandFlag.WRITE));
    return !write
        || server.config.getLong("min-replicas-max-lag") == 0
        || server.primary.goodReplicas() >= server.config.minReplicasToWrite;
  }

  private boolean isPaused(Client c, CommandSpec cmd) {
    if (server.now() >= server.pauseEndMs) {
      return false;
    }
    if (!server.pauseWritesOnly) {
      return true;
    }
    if (c.inMulti && "exec".equals(cmd.fullName)) {
      io.cinnabar.server.Transaction tx = c.transaction();
      return tx.anyHas(CommandFlag.WRITE) || tx.anyHas(CommandFlag.MAY_REPLICATE);
    }
    return cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.MAY_REPLICATE);
  }

  /** Runs the handler with statistics and CLIENT REPLY handling. */
  public void call(Client c, CommandSpec cmd) {
    c.commandFailed = false;
    if (!c.inExec) {
      c.lastCommand = cmd.fullName; // CLIENT LIST shows EXEC while the queue runs, as Redis
    }
    // Replication (one field test without a backlog): what the command changed is propagated. A
    // replica's backlog is fed the primary's stream as received (ReplicaLink), never from here.
    io.cinnabar.server.Primary primary = server.primary;
    boolean propagating = primary.active() && server.replicaLink() == null;
    long dirtyBefore = propagating ? server.keyspace.stats().dirty : 0;
    boolean outerPrevent = propagating && primary.enterCall();
    long start = System.nanoTime();
    io.netty.buffer.ByteBuf out = c.reply.target();
    int mark = out == null ? 0 : out.writerIndex();
    try {
      cmd.handler.execute(c);
    } catch (RuntimeException | StackOverflowError e) {
      // A bug in one command must not take the server down or leave half a reply on the wire:
      // drop what the handler wrote, answer with an error, and log it for us to fix.
      if (out != null && c.reply.target() == out) {
        out.writerIndex(mark);
      }
      io.cinnabar.server.Log.warning("Internal error in '" + cmd.fullName + "': " + stackTrace(e));
      c.reply.error("ERR internal error in '" + cmd.fullName + "': " + e);
    }
    if (propagating) {
      primary.exitCall(c, cmd, dirtyBefore, outerPrevent);
    }
    long micros = (System.nanoTime() - start) / 1000;
    if (c.isBlocked()) {
      return; // counted once, when the wait ends (served, timed out or unblocked), as Redis
    }
    account(c, cmd, micros);
  }

  /** Statistics and CLIENT REPLY SKIP bookkeeping of a finished command. */
  public void account(Client c, CommandSpec cmd, long micros) {
    CommandStats s = cmd.stats;
    s.calls++;
    s.micros += micros;
    if (c.commandFailed) {
      s.failedCalls++;
    }
    server.stats.commandsProcessed++;
    if (c.inExec) {
      return; // CLIENT REPLY SKIP inside EXEC takes effect after EXEC, as Redis
    }
    if (c.replyMode == REPLY_SKIP) {
      c.replyMode = REPLY_ON;
      c.reply.mute(false);
    } else if (c.replyMode == REPLY_SKIP_NEXT) {
      c.replyMode = REPLY_SKIP;
      c.reply.mute(true);
    }
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /** Redis's "unknown command" text: the name and the first arguments, 128 characters at most. */
  static String unknownCommand(Request r) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < r.argc && args.length() < 128; i++) {
      int room = 128 - args.length(); // measured before the quote, as Redis's sdscatprintf
      args.append('\'').append(truncate(r.string(i), room)).append("' ");
    }
    return "ERR unknown command '"
        + truncate(r.string(0), 128)
        + "', with args beginning with: "
        + args;
  }

  /** Redis's "%.*s" of an argument: at most {@code max} characters, and none after a NUL. */
  private static String truncate(String s, int max) {
    int nul = s.indexOf('\0');
    if (nul >= 0 && nul < max) {
      max = nul;
    }
    return s.length() <= max ? s : s.substring(0, max);
  }
}
