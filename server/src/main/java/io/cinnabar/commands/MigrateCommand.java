package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.keyword;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeyPositions;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Request;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.server.Client;
import io.cinnabar.server.MigrateSockets;
import io.cinnabar.util.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username
 * password] [KEYS key ...], as Redis's migrateCommand: the keys are DUMPed and sent as RESTORE (in
 * cluster mode RESTORE-ASKING) commands, and deleted here once the target acknowledged them (unless
 * COPY), the deletion propagated as DEL. Unlike Redis the keyspace thread never waits for the
 * network: the client is parked until the target answered ({@link MigrateSockets}).
 */
final class MigrateCommand {
  private MigrateCommand() {}

  private static final byte[] COPY = Bytes.ascii("copy");
  private static final byte[] REPLACE = Bytes.ascii("replace");
  private static final byte[] AUTH = Bytes.ascii("auth");
  private static final byte[] AUTH2 = Bytes.ascii("auth2");
  private static final byte[] KEYS = Bytes.ascii("keys");
  private static final byte[] DEL = Bytes.ascii("DEL");

  static void register(CommandTable t) {
    t.add(
        command("migrate", -6)
            .flags("write movablekeys")
            .acl("keyspace write dangerous")
            .tips("nondeterministic_output")
            .keys(
                single("RW access delete", 3),
                keyword("RW access delete incomplete", "KEYS", -2, -1, 1, 0))
            .keysProc(MigrateCommand::keys)
            .doc(
                "Atomically transfer a key from a Redis instance to another one.",
                "2.6.0",
                "generic",
                "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in"
                    + " the target instance. See the pages of these commands for time complexity."
                    + " Also an O(N) data transfer between the two instances is performed.")
            .handler(MigrateCommand::migrate));
  }

  /**
   * Redis's migrateGetKeys: the key argument, or the keys after KEYS (none at all when KEYS comes
   * with a non-empty key argument); option arguments are skipped while looking for KEYS.
   */
  static boolean keys(Request r, KeyPositions out) {
    int first = 3;
    int num = 1;
    if (r.argc > 6) {
      for (int i = 6; i < r.argc; i++) {
        if (r.is(i, KEYS)) {
          if (r.lens[3] > 0) {
            return true;
          }
          first = i + 1;
          num = r.argc - first;
          break;
        } else if (r.is(i, AUTH)) {
          i++;
        } else if (r.is(i, AUTH2)) {
          i += 2;
        }
      }
    }
    for (int i = 0; i < num && first + i < r.argc; i++) {
      out.add(first + i);
    }
    return true;
  }

  static void migrate(Client c) {
    Request r = c.req;
    boolean copy = false;
    boolean replace = false;
    byte[] user = null;
    byte[] password = null;
    int firstKey = 3;
    int numKeys = 1;
    for (int j = 6; j < r.argc; j++) {
      int more = r.argc - 1 - j;
      if (r.is(j, COPY)) {
        copy = true;
      } else if (r.is(j, REPLACE)) {
        replace = true;
      } else if (r.is(j, AUTH)) {
        if (more == 0) {
          c.reply.errorBytes(Errors.SYNTAX);
          return;
        }
        password = r.copy(++j);
      } else if (r.is(j, AUTH2)) {
        if (more < 2) {
          c.reply.errorBytes(Errors.SYNTAX);
          return;
        }
        user = r.copy(++j);
        password = r.copy(++j);
      } else if (r.is(j, KEYS)) {
        if (r.lens[3] != 0) {
          c.reply.error(
              "ERR When using MIGRATE KEYS option, the key argument must be set to the empty"
                  + " string");
          return;
        }
        firstKey = j + 1;
        numKeys = r.argc - j - 1;
        break;
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    }
    if (!Args.longOrReply(c, 5) || !Args.longOrReply(c, 4)) {
      return;
    }
    long timeout = Args.toLong(r, 5);
    long dbid = Args.toLong(r, 4);
    if (timeout <= 0) {
      timeout = 1000;
    }
    long now = c.server.now();
    List<byte[]> keys = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (int j = 0; j < numKeys; j++) {
      int k = firstKey + j;
      Entry e = c.db.lookupRead(r.bufs[k], r.offs[k], r.lens[k], now, c.server.lruClock());
      if (e != null) {
        keys.add(r.copy(k));
        entries.add(e);
      }
    }
    if (keys.isEmpty()) {
      c.reply.simple("NOKEY");
      return;
    }
    if (c.inExec) {
      // The client cannot be parked inside EXEC (Redis would block the whole server here).
      c.reply.error("ERR MIGRATE is not supported inside MULTI/EXEC");
      return;
    }
    boolean cluster = c.server.clusterEnabled();
    boolean compress = c.server.config.getBool("rdbcompression");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<byte[]> sent = new ArrayList<>();
    for (int j = 0; j < keys.size(); j++) {
      Entry e = entries.get(j);
      long ttl = 0;
      if (e.expireAt() >= 0) {
        ttl = e.expireAt() - now;
        if (ttl < 0) {
          continue;
        }
        ttl = Math.max(ttl, 1);
      }
      byte[] payload;
      try {
        payload = DumpPayload.create(e.value(), e.type(), e.encoding(), compress);
      } catch (RdbException ex) {
        c.reply.error("ERR " + ex.getMessage());
        return;
      }
      byte[] key = keys.get(j);
      bulkCount(out, replace ? 5 : 4);
      bulk(out, Bytes.ascii(cluster ? "RESTORE-ASKING" : "RESTORE"));
      bulk(out, key);
      bulk(out, Bytes.ascii(Long.toString(ttl)));
      bulk(out, payload);
      if (replace) {
        bulk(out, Bytes.ascii("REPLACE"));
      }
      sent.add(key);
    }
    byte[] auth = null;
    if (password != null) {
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      bulkCount(a, user != null ? 3 : 2);
      bulk(a, Bytes.ascii("AUTH"));
      if (user != null) {
        bulk(a, user);
      }
      bulk(a, password);
      auth = a.toByteArray();
    }
    String host = r.string(1);
    int port = atoi(r.string(2));
    CommandSpec cmd = c.server.commands.lookup(r.bufs[0], r.offs[0], r.lens[0]);
    Database db = c.db;
    boolean keep = copy;
    long start = System.nanoTime();
    c.server.migrate.reserve(db.id(), sent);
    c.block();
    c.server.migrate.send(
        host,
        port,
        new MigrateSockets.Transfer(
            auth,
            dbid,
            out.toByteArray(),
            sent.size(),
            timeout,
            // Always a later loop task, never inside this handler (a failure may be immediate).
            res ->
                c.server
                    .loop()
                    .execute(
                        () -> {
                          done(c, cmd, db, sent, keep, res, start);
                          c.server.migrate.release(db.id(), sent);
                        })));
  }

  /** The target answered (or failed): deletes what it acknowledged and replies, as Redis. */
  private static void done(
      Client c,
      CommandSpec cmd,
      Database db,
      List<byte[]> keys,
      boolean copy,
      MigrateSockets.Result res,
      long start) {
    c.server.updateClock();
    boolean authError = res.authReply() != null && res.authReply().startsWith("-");
    boolean selectError = res.selectReply() != null && res.selectReply().startsWith("-");
    String targetError = authError ? res.authReply() : selectError ? res.selectReply() : null;
    List<byte[]> deleted = new ArrayList<>();
    deleted.add(DEL);
    List<String> replies = res.restoreReplies();
    for (int j = 0; j < replies.size() && j < keys.size(); j++) {
      String line = replies.get(j);
      if (authError || selectError || line.startsWith("-")) {
        if (targetError == null) {
          targetError = line;
        }
      } else if (!copy) {
        byte[] key = keys.get(j);
        if (db.delete(key, 0, key.length)) {
          c.server.signalModifiedKey(db, key);
          c.server.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key, db.id());
          c.server.keyspace.stats().dirty++;
          deleted.add(key);
        }
      }
    }
    if (deleted.size() > 1) {
      c.server.primary.alsoPropagate(db.id(), deleted.toArray(new byte[0][]));
      c.writeOffset = c.server.primary.source.offset();
    }
    if (c.isClosed()) {
      return;
    }
    c.ensureOutput();
    if (targetError != null) {
      c.reply.error(
          "ERR Target instance replied with error: "
              + targetError.substring(1).replace('\r', ' ').replace('\n', ' '));
    } else if (res.failure() == MigrateSockets.Failure.CONNECT) {
      c.reply.error("IOERR error or timeout connecting to the client");
    } else if (res.failure() == MigrateSockets.Failure.WRITE) {
      c.reply.error("IOERR error or timeout writing to target instance");
    } else if (res.failure() == MigrateSockets.Failure.READ) {
      c.reply.error("IOERR error or timeout reading to target instance");
    } else {
      c.reply.ok();
    }
    if (cmd != null) {
      c.server.dispatcher.account(c, cmd, (System.nanoTime() - start) / 1000);
    }
    c.unblock();
  }

  private static void bulkCount(ByteArrayOutputStream out, int n) {
    out.writeBytes(("*" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void bulk(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(b);
    out.writeBytes(new byte[] {'\r', '\n'});
  }

  /** C's atoi, as Redis reads MIGRATE's port: leading digits, else 0. */
  static int atoi(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = i < s.length() && s.charAt(i) == '-';
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    long v = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE) {
      v = v * 10 + (s.charAt(i++) - '0');
    }
    return (int) (neg ? -v : v);
  }
}
