package io.cinnabar.commands;

import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** CLIENT KILL in its old (address) and new (filter) forms, as Redis's clientKillCommand. */
final class ClientKill {
  private ClientKill() {}

  /** A client's type (getClientType): pubsub while subscribed, else normal (no replicas yet). */
  static String typeOf(Client o) {
    if (o.isReplica()) {
      return "replica";
    }
    io.cinnabar.server.ReplicaLink l = o.server.replicaLink();
    if (l != null && l.isPrimary(o)) {
      return "master";
    }
    return io.cinnabar.server.PubSub.subscribed(o) ? "pubsub" : "normal";
  }

  /** The canonical client type for a name Redis accepts (getClientTypeByName), or null. */
  static String typeName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "normal" -> "normal";
      case "slave", "replica" -> "replica";
      case "pubsub" -> "pubsub";
      case "master" -> "master";
      default -> null;
    };
  }

  private static final byte[] ID = Bytes.ascii("id");
  private static final byte[] TYPE = Bytes.ascii("type");
  private static final byte[] ADDR = Bytes.ascii("addr");
  private static final byte[] LADDR = Bytes.ascii("laddr");
  private static final byte[] USER = Bytes.ascii("user");
  private static final byte[] SKIPME = Bytes.ascii("skipme");
  private static final byte[] YES = Bytes.ascii("yes");
  private static final byte[] NO = Bytes.ascii("no");

  static void kill(Client c) {
    Request r = c.req;
    String addr = null;
    String laddr = null;
    String type = null;
    String user = null;
    long id = 0;
    boolean skipme = true;
    if (r.argc == 3) {
      addr = r.string(2);
      skipme = false;
    } else {
      for (int i = 2; i < r.argc; i += 2) {
        boolean more = i + 1 < r.argc;
        if (r.is(i, ID) && more) {
          long v = Args.isLong(r, i + 1) ? Args.toLong(r, i + 1) : 0;
          if (v < 1) {
            c.reply.error("ERR client-id should be greater than 0");
            return;
          }
          id = v;
        } else if (r.is(i, TYPE) && more) {
          type = typeName(r.string(i + 1));
          if (type == null) {
            c.reply.error("ERR Unknown client type '" + r.string(i + 1) + "'");
            return;
          }
        } else if (r.is(i, ADDR) && more) {
          addr = r.string(i + 1);
        } else if (r.is(i, LADDR) && more) {
          laddr = r.string(i + 1);
        } else if (r.is(i, USER) && more) {
          user = r.string(i + 1);
          if (!user.equals("default")) {
            c.reply.error("ERR No such user '" + user + "'");
            return;
          }
        } else if (r.is(i, SKIPME) && more) {
          if (r.is(i + 1, YES)) {
            skipme = true;
          } else if (r.is(i + 1, NO)) {
            skipme = false;
          } else {
            c.reply.errorBytes(Errors.SYNTAX);
            return;
          }
        } else {
          c.reply.errorBytes(Errors.SYNTAX);
          return;
        }
      }
    }
    List<Client> victims = new ArrayList<>();
    for (Client o : c.server.clients.values()) {
      if ((addr != null && !addr.equals(o.address()))
          || (laddr != null && !laddr.equals(o.localAddress()))
          || (type != null && !type.equals(typeOf(o)))
          || (id != 0 && o.id != id)
          || (user != null && !user.equals(o.user))
          || (o == c && skipme)) {
        continue;
      }
      victims.add(o);
    }
    boolean self = false;
    for (Client o : victims) {
      if (o == c) {
        self = true;
      } else {
        o.close();
      }
    }
    if (r.argc == 3) {
      if (victims.isEmpty()) {
        c.reply.error("ERR No such client");
      } else {
        c.reply.ok();
      }
    } else {
      c.reply.integer(victims.size());
    }
    if (self) {
      c.closeAfterReply();
    }
  }
}
