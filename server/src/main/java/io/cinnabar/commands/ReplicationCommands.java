package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.Primary;
import java.util.List;
import java.util.Locale;

/** The primary's replication commands: REPLCONF, PSYNC, SYNC, WAIT, ROLE. */
public final class ReplicationCommands {
  private ReplicationCommands() {}

  private static final byte[] WAIT = io.cinnabar.util.Bytes.ascii("wait");

  public static void register(CommandTable t) {
    t.add(
        command("replconf", -1)
            .flags("admin noscript loading stale allow_busy")
            .doc(
                "An internal command for configuring the replication stream",
                "3.0.0",
                "server",
                "O(1)")
            .handler(ReplicationCommands::replconf));
    t.add(
        command("psync", -3)
            .flags("admin noscript no_async_loading no_multi")
            .doc("Internal command used for replication", "2.8.0", "server", "undefined")
            .handler(ReplicationCommands::psync));
    t.add(
        command("sync", 1)
            .flags("admin noscript no_async_loading no_multi")
            .doc("Internal command used for replication", "1.0.0", "server", "undefined")
            .handler(c -> Primary.sync(c, "?", -1, true)));
    t.add(
        command("wait", 3)
            .flags("noscript")
            .acl("connection")
            .tips("request_policy:all_shards response_policy:agg_min")
            .doc(
                "Wait for the synchronous replication of all the write commands sent in the context"
                    + " of the current connection",
                "3.0.0",
                "generic",
                "O(1)")
            .handler(ReplicationCommands::waitCommand));
    t.add(
        command("role", 1)
            .flags("noscript loading stale fast")
            .acl("admin dangerous")
            .doc(
                "Return the role of the instance in the context of replication",
                "2.8.12",
                "server",
                "O(1)")
            .handler(ReplicationCommands::role));
  }

  static void replconf(Client c) {
    Request r = c.req;
    if (r.argc % 2 == 0) {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    for (int j = 1; j < r.argc; j += 2) {
      String opt = r.string(j).toLowerCase(Locale.ROOT);
      switch (opt) {
        case "listening-port" -> {
          if (!Args.isLong(r, j + 1)) {
            c.reply.errorBytes(Errors.NOT_INTEGER);
            return;
          }
          Primary.link(c).listeningPort = (int) Args.toLong(r, j + 1);
        }
        case "ip-address" -> {
          String ip = r.string(j + 1);
          if (ip.length() >= 256) {
            c.reply.error(
                "ERR REPLCONF ip-address provided by replica instance is too long: "
                    + ip.length()
                    + " bytes");
            return;
          }
          Primary.link(c).announcedIp = ip;
        }
        case "capa" -> {
          String capa = r.string(j + 1).toLowerCase(Locale.ROOT);
          if (capa.equals("eof")) {
            Primary.link(c).capaEof = true;
          } else if (capa.equals("psync2")) {
            Primary.link(c).capaPsync2 = true;
          }
        }
        case "ack" -> {
          // From a replica: record its offset; never a reply (replicas get none).
          if (c.isReplica() && Args.isLong(r, j + 1)) {
            c.server.primary.ack(c, Args.toLong(r, j + 1));
          }
          return;
        }
        case "getack" -> {
          return; // only a replica answers it (on its link to its primary)
        }
        case "rdb-only" -> {
          if (!Args.isLong(r, j + 1)) {
            c.reply.errorBytes(Errors.NOT_INTEGER);
            return;
          }
          long v = Args.toLong(r, j + 1);
          if (v < 0 || v > 1) {
            c.reply.error("ERR value is out of range, value must between 0 and 1");
            return;
          }
        }
        default -> {
          c.reply.error("ERR Unrecognized REPLCONF option: " + r.string(j));
          return;
        }
      }
    }
    c.reply.ok();
  }

  static void psync(Client c) {
    Request r = c.req;
    if (!Args.isLong(r, 2)) {
      c.reply.errorBytes(Errors.NOT_INTEGER);
      return;
    }
    Primary.sync(c, r.string(1), Args.toLong(r, 2), false);
  }

  static void waitCommand(Client c) {
    Request r = c.req;
    if (!Args.isLong(r, 1)) {
      c.reply.errorBytes(Errors.NOT_INTEGER);
      return;
    }
    long wanted = Args.toLong(r, 1);
    if (!Args.isLong(r, 2)) {
      c.reply.error("ERR timeout is not an integer or out of range");
      return;
    }
    long timeout = Args.toLong(r, 2);
    if (timeout < 0) {
      c.reply.error("ERR timeout is negative");
      return;
    }
    Primary p = c.server.primary;
    int acked = p.replicasAcked(c.writeOffset);
    if (acked >= wanted || c.inExec) {
      c.reply.integer(acked);
      return;
    }
    long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
    p.blockWait(
        c, c.server.commands.lookup(WAIT, 0, WAIT.length), c.writeOffset, (int) wanted, deadline);
  }

  /** ROLE: the replica form while following a primary, else the master form with replicas. */
  static void role(Client c) {
    io.cinnabar.server.ReplicaLink link = c.server.replicaLink();
    if (link != null) {
      c.reply.array(5);
      c.reply.bulk("slave");
      c.reply.bulk(link.host());
      c.reply.integer(link.port());
      c.reply.bulk(link.roleState());
      c.reply.integer(link.linkUp() ? link.offset() : -1);
      return;
    }
    Primary p = c.server.primary;
    List<Primary.Link> replicas = p.replicas();
    c.reply.array(3);
    c.reply.bulk("master");
    c.reply.integer(p.source.offset());
    c.reply.array(replicas.size());
    for (Primary.Link l : replicas) {
      c.reply.array(3);
      c.reply.bulk(l.ip());
      c.reply.bulk(Integer.toString(l.listeningPort));
      c.reply.bulk(Long.toString(l.ackOffset));
    }
  }
}
