package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.Dispatcher;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.List;

/** CLIENT subcommands (Redis's networking.c clientCommand). */
public final class ClientCommands {
  private ClientCommands() {}

  private static CommandSpec.Builder sub(String name, int arity, String flags) {
    return command(name, arity).flags(flags).acl("connection");
  }

  private static final String NS = "noscript loading stale";
  private static final String ADMIN = "admin noscript loading stale";

  public static void register(CommandTable t) {
    t.add(
        command("client", -2)
            .doc(
                "A container for client connection commands",
                "2.4.0",
                "connection",
                "Depends on subcommand.")
            .sub(
                sub("caching", 3, NS)
                    .doc(
                        "Instruct the server about tracking or not keys in the next request",
                        "6.0.0",
                        "connection",
                        "O(1)")
                    .handler(
                        c ->
                            c.reply.error(
                                "ERR CLIENT CACHING can be called only when the client is in"
                                    + " tracking mode with OPTIN or OPTOUT mode enabled")),
                sub("list", -2, ADMIN)
                    .tips("nondeterministic_output")
                    .doc(
                        "Get the list of client connections",
                        "2.4.0",
                        "connection",
                        "O(N) where N is the number of client connections")
                    .handler(ClientCommands::list),
                sub("pause", -3, ADMIN)
                    .doc(
                        "Stop processing commands from clients for some time",
                        "2.9.50",
                        "connection",
                        "O(1)")
                    .handler(ClientCommands::pause),
                sub("reply", 3, NS)
                    .doc(
                        "Instruct the server whether to reply to commands",
                        "3.2.0",
                        "connection",
                        "O(1)")
                    .handler(ClientCommands::reply),
                sub("trackinginfo", 2, NS)
                    .doc(
                        "Return information about server assisted client side caching for the"
                            + " current connection",
                        "6.2.0",
                        "connection",
                        "O(1)")
                    .handler(ClientCommands::trackingInfo),
                sub("tracking", -3, NS)
                    .doc(
                        "Enable or disable server assisted client side caching support",
                        "6.0.0",
                        "connection",
                        "O(1). Some options may introduce additional complexity.")
                    .handler(ClientCommands::tracking),
                sub("info", 2, NS)
                    .tips("nondeterministic_output")
                    .doc(
                        "Returns information about the current client connection.",
                        "6.2.0",
                        "connection",
                        "O(1)")
                    .handler(c -> c.reply.verbatim(ClientInfo.line(c, c) + "\n")),
                sub("getname", 2, NS)
                    .doc("Get the current connection name", "2.6.9", "connection", "O(1)")
                    .handler(
                        c -> {
                          if (c.name == null) {
                            c.reply.nullBulk();
                          } else {
                            c.reply.bulk(c.name);
                          }
                        }),
                sub("unpause", 2, ADMIN)
                    .doc(
                        "Resume processing of clients that were paused",
                        "6.2.0",
                        "connection",
                        "O(N) Where N is the number of paused clients")
                    .handler(
                        c -> {
                          c.server.pauses.unpause(io.cinnabar.server.Pauses.Purpose.CLIENT);
                          c.reply.ok();
                        }),
                sub("id", 2, NS)
                    .doc(
                        "Returns the client ID for the current connection",
                        "5.0.0",
                        "connection",
                        "O(1)")
                    .handler(c -> c.reply.integer(c.id)),
                sub("getredir", 2, NS)
                    .doc(
                        "Get tracking notifications redirection client ID if any",
                        "6.0.0",
                        "connection",
                        "O(1)")
                    .handler(c -> c.reply.integer(-1)),
                sub("unblock", -3, ADMIN)
                    .doc(
                        "Unblock a client blocked in a blocking command from a different"
                            + " connection",
                        "5.0.0",
                        "connection",
                        "O(log N) where N is the number of client connections")
                    .handler(ClientCommands::unblock),
                sub("no-evict", 3, ADMIN)
                    .doc(
                        "Set client eviction mode for the current connection",
                        "7.0.0",
                        "connection",
                        "O(1)")
                    .handler(ClientCommands::noEvict),
                sub("setname", 3, NS)
                    .doc("Set the current connection name", "2.6.9", "connection", "O(1)")
                    .handler(ClientCommands::setName),
                sub("setinfo", 4, NS)
                    .doc("Set client or connection specific info", "7.2.0", "connection", "O(1)")
                    .handler(ClientCommands::setInfo),
                sub("kill", -3, ADMIN)
                    .doc(
                        "Kill the connection of a client",
                        "2.4.0",
                        "connection",
                        "O(N) where N is the number of client connections")
                    .handler(ClientKill::kill),
                sub("help", 2, "loading stale")
                    .doc(
                        "Show helpful text about the different subcommands",
                        "5.0.0",
                        "connection",
                        "O(1)")
                    .handler(ClientCommands::help)));
  }

  /**
   * A client name may not contain spaces, newlines or special characters (Redis's
   * validateClientName); replies the error and returns false if it does.
   */
  static boolean validName(Client c, byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        c.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return false;
      }
    }
    return true;
  }

  static void setName(Client c) {
    byte[] name = c.req.copy(2);
    if (!validName(c, name)) {
      return;
    }
    c.name = name.length == 0 ? null : name;
    c.reply.ok();
  }

  private static final byte[] LIB_NAME = Bytes.ascii("lib-name");
  private static final byte[] LIB_VER = Bytes.ascii("lib-ver");

  /** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
  static void setInfo(Client c) {
    Request r = c.req;
    boolean name = r.is(2, LIB_NAME);
    if (!name && !r.is(2, LIB_VER)) {
      c.reply.error("ERR Unrecognized option '" + r.string(2) + "'");
      return;
    }
    byte[] v = r.copy(3);
    for (byte b : v) {
      if (b < '!' || b > '~') {
        c.reply.error(
            "ERR "
                + (name ? "lib-name" : "lib-ver")
                + " cannot contain spaces, newlines or special characters.");
        return;
      }
    }
    if (name) {
      c.libName = v.length == 0 ? null : v;
    } else {
      c.libVersion = v.length == 0 ? null : v;
    }
    c.reply.ok();
  }

  private static final byte[] TYPE = Bytes.ascii("type");
  private static final byte[] ID = Bytes.ascii("id");

  /** CLIENT LIST [TYPE type] | [ID id ...]. */
  static void list(Client c) {
    Request r = c.req;
    List<Client> out = new ArrayList<>();
    if (r.argc == 4 && r.is(2, TYPE)) {
      String type = ClientKill.typeName(r.string(3));
      if (type == null) {
        c.reply.error("ERR Unknown client type '" + r.string(3) + "'");
        return;
      }
      for (Client o : c.server.clients.values()) {
        if (type.equals(ClientKill.typeOf(o))) {
          out.add(o);
        }
      }
    } else if (r.argc > 3 && r.is(2, ID)) {
      for (int i = 3; i < r.argc; i++) {
        if (!Args.isLong(r, i)) {
          c.reply.error("ERR Invalid client ID");
          return;
        }
      }
      for (int i = 3; i < r.argc; i++) {
        Client found = c.server.clients.get(Args.toLong(r, i));
        if (found != null) {
          out.add(found);
        }
      }
    } else if (r.argc != 2) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    } else {
      out.addAll(c.server.clients.values());
    }
    StringBuilder sb = new StringBuilder();
    for (Client o : out) {
      sb.append(ClientInfo.line(o, c)).append('\n');
    }
    c.reply.verbatim(sb.toString());
  }

  private static final byte[] WRITE = Bytes.ascii("write");
  private static final byte[] ALL = Bytes.ascii("all");

  /** CLIENT PAUSE timeout [WRITE|ALL]. */
  static void pause(Client c) {
    Request r = c.req;
    if (r.argc > 4) {
      Errors.subcommandSyntax(c);
      return;
    }
    if (!Args.isLong(r, 2)) {
      c.reply.error("ERR timeout is not an integer or out of range");
      return;
    }
    long ms = Args.toLong(r, 2);
    if (ms < 0) {
      c.reply.error("ERR timeout is negative");
      return;
    }
    boolean writesOnly = false;
    if (r.argc == 4) {
      if (r.is(3, WRITE)) {
        writesOnly = true;
      } else if (!r.is(3, ALL)) {
        c.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
        return;
      }
    }
    c.server.pauses.pause(
        io.cinnabar.server.Pauses.Purpose.CLIENT, System.currentTimeMillis() + ms, writesOnly);
    c.reply.ok();
  }

  private static final byte[] ON = Bytes.ascii("on");
  private static final byte[] OFF = Bytes.ascii("off");
  private static final byte[] SKIP = Bytes.ascii("skip");

  /** CLIENT REPLY ON|OFF|SKIP, using the dispatcher's reply modes. */
  static void reply(Client c) {
    Request r = c.req;
    if (r.is(2, ON)) {
      c.replyMode = Dispatcher.REPLY_ON;
      c.reply.mute(false);
      c.reply.ok();
    } else if (r.is(2, OFF)) {
      c.replyMode = Dispatcher.REPLY_OFF;
      c.reply.mute(true);
    } else if (r.is(2, SKIP)) {
      if (c.replyMode != Dispatcher.REPLY_OFF) {
        c.replyMode = Dispatcher.REPLY_SKIP_NEXT;
      }
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
    }
  }

  static void noEvict(Client c) {
    if (c.req.is(2, ON)) {
      c.noEvict = true;
    } else if (c.req.is(2, OFF)) {
      c.noEvict = false;
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    c.reply.ok();
  }

  private static final byte[] TIMEOUT = Bytes.ascii("timeout");
  private static final byte[] ERROR = Bytes.ascii("error");

  /**
   * CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a wait on keys with the command's timeout reply or an
   * UNBLOCKED error; 0 if the client is not blocked on keys. The reason is checked first, as Redis.
   */
  static void unblock(Client c) {
    Request r = c.req;
    if (r.argc > 4) {
      Errors.subcommandSyntax(c);
      return;
    }
    if (r.argc == 4 && !r.is(3, TIMEOUT) && !r.is(3, ERROR)) {
      c.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    Client target = c.server.clients.get(Args.toLong(r, 2));
    boolean done =
        target != null && c.server.blocking.unblock(target, r.argc == 4 && r.is(3, ERROR));
    c.reply.integer(done ? 1 : 0);
  }

  /** CLIENT TRACKING: only OFF is supported until client-side caching exists. */
  static void tracking(Client c) {
    if (c.req.is(2, OFF) && c.req.argc == 3) {
      c.reply.ok();
    } else if (c.req.is(2, ON) || c.req.is(2, OFF)) {
      c.reply.error("ERR client-side caching (CLIENT TRACKING) is not supported");
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
    }
  }

  static void trackingInfo(Client c) {
    c.reply.map(3);
    c.reply.bulk("flags");
    c.reply.set(1);
    c.reply.bulk("off");
    c.reply.bulk("redirect");
    c.reply.integer(-1);
    c.reply.bulk("prefixes");
    c.reply.emptyArray();
  }

  static void help(Client c) {
    CommandCommands.helpReply(
        c,
        "CLIENT",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.");
  }
}
