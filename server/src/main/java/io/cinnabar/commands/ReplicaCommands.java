package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;
import io.cinnabar.server.Log;
import io.cinnabar.server.ReplicaLink;
import io.cinnabar.server.ServerContext;
import io.cinnabar.util.Numbers;

/** The replica side's commands: REPLICAOF / SLAVEOF (ROLE is in {@link ReplicationCommands}). */
public final class ReplicaCommands {
  private ReplicaCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("replicaof", 3)
            .flags("admin noscript stale no_async_loading")
            .doc(
                "Make the server a replica of another instance, or promote it as master.",
                "5.0.0",
                "server",
                "O(1)")
            .handler(ReplicaCommands::replicaof));
    t.add(
        command("slaveof", 3)
            .flags("admin noscript stale no_async_loading")
            .doc(
                "Make the server a replica of another instance, or promote it as master.",
                "1.0.0",
                "server",
                "O(1)")
            .handler(ReplicaCommands::replicaof));
  }

  private static final byte[] NO = io.cinnabar.util.Bytes.ascii("no");
  private static final byte[] ONE = io.cinnabar.util.Bytes.ascii("one");

  /** Redis's replicaofCommand. */
  static void replicaof(Client c) {
    ServerContext s = c.server;
    if (s.clusterEnabled()) {
      c.reply.error("ERR REPLICAOF not allowed in cluster mode.");
      return;
    }
    if (c.req.is(1, NO) && c.req.is(2, ONE)) {
      if (s.replicaLink() != null) {
        s.replicaOfNoOne();
        Log.notice("MASTER MODE enabled (user request from '" + c.describe() + "')");
      }
      c.reply.ok();
      return;
    }
    long port = Numbers.parseLongOr(c.req.bufs[2], c.req.offs[2], c.req.lens[2], Long.MIN_VALUE);
    if (port < 0 || port > 65535) {
      c.reply.error("ERR Invalid master port");
      return;
    }
    String host = c.req.string(1);
    ReplicaLink l = s.replicaLink();
    if (l != null && l.host().equalsIgnoreCase(host) && l.port() == port) {
      Log.notice(
          "REPLICAOF would result into synchronization with the master we are already"
              + " connected with. No operation performed.");
      c.reply.simple("OK Already connected to specified master");
      return;
    }
    s.replicaOf(host, (int) port);
    Log.notice(
        "REPLICAOF " + host + ":" + port + " enabled (user request from '" + c.describe() + "')");
    c.reply.ok();
  }
}
