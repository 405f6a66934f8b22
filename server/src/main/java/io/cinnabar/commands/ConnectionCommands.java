package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.ServerContext;
import io.cinnabar.util.Bytes;

/** Connection commands: PING, ECHO, QUIT, SELECT, HELLO (Redis's networking.c / server.c). */
public final class ConnectionCommands {
  private ConnectionCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("ping", -1)
            .flags("fast")
            .acl("connection")
            .tips("request_policy:all_shards response_policy:all_succeeded")
            .doc("Ping the server", "1.0.0", "connection", "O(1)")
            .handler(ConnectionCommands::ping));
    t.add(
        command("echo", 2)
            .flags("loading stale fast")
            .acl("connection")
            .doc("Echo the given string", "1.0.0", "connection", "O(1)")
            .handler(c -> c.reply.bulk(c.req.bufs[1], c.req.offs[1], c.req.lens[1])));
    t.add(
        command("quit", -1)
            .flags("noscript loading stale fast no_auth allow_busy")
            .acl("connection")
            .doc("Close the connection", "1.0.0", "connection", "O(1)")
            .handler(
                c -> {
                  c.reply.ok();
                  c.closeAfterReply();
                }));
    t.add(
        command("select", 2)
            .flags("loading stale fast")
            .acl("connection")
            .doc(
                "Change the selected database for the current connection",
                "1.0.0",
                "connection",
                "O(1)")
            .handler(ConnectionCommands::select));
    t.add(
        command("reset", 1)
            .flags("noscript loading stale fast no_auth allow_busy")
            .acl("connection")
            .doc("Reset the connection", "6.2.0", "connection", "O(1)")
            .handler(ConnectionCommands::reset));
    t.add(
        command("auth", -2)
            .flags("noscript loading stale fast no_auth allow_busy")
            .acl("connection")
            .doc(
                "Authenticate to the server",
                "1.0.0",
                "connection",
                "O(N) where N is the number of passwords defined for the user")
            .handler(ConnectionCommands::auth));
    t.add(
        command("hello", -1)
            .flags("noscript loading stale fast no_auth allow_busy")
            .acl("connection")
            .doc("Handshake with Redis", "6.0.0", "connection", "O(1)")
            .handler(ConnectionCommands::hello));
  }

  static void ping(Client c) {
    Request r = c.req;
    if (r.argc > 2) {
      c.reply.error("ERR wrong number of arguments for 'ping' command");
      return;
    }
    if (c.reply.protocol() == 2 && io.cinnabar.server.PubSub.subscribed(c)) {
      c.reply.array(2); // subscribed RESP2 clients get a multibulk reply
      c.reply.bulk("pong");
      if (r.argc == 1) {
        c.reply.bulk("");
      } else {
        c.reply.bulk(r.bufs[1], r.offs[1], r.lens[1]);
      }
    } else if (r.argc == 1) {
      c.reply.raw(Reply.PONG);
    } else {
      c.reply.bulk(r.bufs[1], r.offs[1], r.lens[1]);
    }
  }

  static void select(Client c) {
    Request r = c.req;
    if (!Args.isLong(r, 1)) {
      c.reply.errorBytes(Errors.NOT_INTEGER);
      return;
    }
    long idx = Args.toLong(r, 1);
    if (c.server.config.getBool("cluster-enabled") && idx != 0) {
      c.reply.error("ERR SELECT is not allowed in cluster mode");
      return;
    }
    if (idx < 0 || idx >= c.server.keyspace.databases()) {
      c.reply.errorBytes(Errors.DB_INDEX);
      return;
    }
    c.select((int) idx);
    c.reply.ok();
  }

  /** RESET: the connection state back to a fresh connection's (Redis's resetCommand). */
  static void reset(Client c) {
    c.resetState();
    c.reply.simple("RESET");
  }

  /** AUTH [username] password. */
  static void auth(Client c) {
    Request r = c.req;
    if (r.argc > 3) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    if (r.argc == 2) {
      if (!Auth.passwordRequired(c)) {
        c.reply.error(
            "ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?");
        return;
      }
      if (Auth.check(c, "default", r.string(1))) {
        c.reply.ok();
      }
      return;
    }
    if (Auth.check(c, r.string(1), r.string(2))) {
      c.reply.ok();
    }
  }

  private static final byte[] AUTH = Bytes.ascii("auth");
  private static final byte[] SETNAME = Bytes.ascii("setname");

  /** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
  static void hello(Client c) {
    Request r = c.req;
    int ver = 0;
    int next = 1;
    if (r.argc >= 2) {
      if (!Args.isLong(r, 1)) {
        c.reply.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      long v = Args.toLong(r, 1);
      next = 2;
      if (v < 2 || v > 3) {
        c.reply.error("NOPROTO unsupported protocol version");
        return;
      }
      ver = (int) v;
    }
    String user = null;
    String pass = null;
    byte[] setName = null;
    for (int i = next; i < r.argc; i++) {
      int more = r.argc - i - 1;
      if (r.is(i, AUTH) && more >= 2) {
        user = r.string(i + 1);
        pass = r.string(i + 2);
        i += 2;
      } else if (r.is(i, SETNAME) && more >= 1) {
        setName = r.copy(i + 1);
        i += 1;
      } else {
        c.reply.error("ERR Syntax error in HELLO option '" + r.string(i) + "'");
        return;
      }
    }
    if (user != null && !Auth.check(c, user, pass)) {
      return;
    }
    if (!c.authenticated) {
      c.reply.error(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the"
              + " HELLO AUTH <user> <pass> option can be used to authenticate the client"
              + " and select the RESP protocol version at the same time");
      return;
    }
    if (setName != null && !ClientCommands.validName(c, setName)) {
      return;
    }
    if (setName != null) {
      c.name = setName.length == 0 ? null : setName;
    }
    if (ver != 0) {
      c.reply.setProtocol(ver);
    }
    c.reply.map(7);
    c.reply.bulk("server");
    c.reply.bulk("redis");
    c.reply.bulk("version");
    c.reply.bulk(ServerContext.REDIS_VERSION);
    c.reply.bulk("proto");
    c.reply.integer(c.reply.protocol());
    c.reply.bulk("id");
    c.reply.integer(c.id);
    c.reply.bulk("mode");
    c.reply.bulk(c.server.config.getBool("cluster-enabled") ? "cluster" : "standalone");
    c.reply.bulk("role");
    c.reply.bulk("master");
    c.reply.bulk("modules");
    c.reply.emptyArray();
  }
}
