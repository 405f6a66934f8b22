package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.command.CommandHandler;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.List;

/**
 * CLUSTER (Redis 7.0's container, declared as COMMAND INFO shows it), READONLY and READWRITE. Each
 * subcommand is one {@link #sub} declaration and a handler; handlers run only in cluster mode
 * (otherwise Redis's "cluster support disabled" error).
 */
public final class ClusterCommands {
  private ClusterCommands() {}

  private static final String ADMIN = "admin stale no_async_loading";

  static final byte[] DISABLED = Bytes.ascii("ERR This instance has cluster support disabled");
  static final byte[] INVALID_SLOT = Bytes.ascii("ERR Invalid slot");
  static final byte[] INVALID_SLOT_OR_COUNT = Bytes.ascii("ERR Invalid slot or number of keys");
  static final byte[] OUT_OF_RANGE_SLOT = Bytes.ascii("ERR Invalid or out of range slot");

  static void register(CommandTable t) {
    t.add(
        command("cluster", -2)
            .doc("A container for cluster commands", "3.0.0", "cluster", "Depends on subcommand.")
            .sub(
                sub(
                    "addslots",
                    -3,
                    ADMIN,
                    "",
                    "Assign new hash slots to receiving node",
                    "3.0.0",
                    "O(N) where N is the total number of hash slot arguments",
                    c -> changeSlots(c, false, false)),
                sub(
                    "addslotsrange",
                    -4,
                    ADMIN,
                    "",
                    "Assign new hash slots to receiving node",
                    "7.0.0",
                    RANGE_COMPLEXITY,
                    c -> changeSlots(c, false, true)),
                sub(
                    "countkeysinslot",
                    3,
                    "stale",
                    "",
                    "Return the number of local keys in the specified hash slot",
                    "3.0.0",
                    "O(1)",
                    ClusterCommands::countKeysInSlot),
                sub(
                    "delslots",
                    -3,
                    ADMIN,
                    "",
                    "Set hash slots as unbound in receiving node",
                    "3.0.0",
                    "O(N) where N is the total number of hash slot arguments",
                    c -> changeSlots(c, true, false)),
                sub(
                    "delslotsrange",
                    -4,
                    ADMIN,
                    "",
                    "Set hash slots as unbound in receiving node",
                    "7.0.0",
                    RANGE_COMPLEXITY,
                    c -> changeSlots(c, true, true)),
                sub(
                    "flushslots",
                    2,
                    ADMIN,
                    "",
                    "Delete a node's own slots information",
                    "3.0.0",
                    "O(1)",
                    ClusterCommands::flushSlots),
                sub(
                    "getkeysinslot",
                    4,
                    "stale",
                    "nondeterministic_output",
                    "Return local key names in the specified hash slot",
                    "3.0.0",
                    "O(log(N)) where N is the number of requested keys",
                    ClusterCommands::getKeysInSlot),
                sub(
                    "help",
                    2,
                    "loading stale",
                    "",
                    "Show helpful text about the different subcommands",
                    "5.0.0",
                    "O(1)",
                    ClusterHelp::help),
                sub(
                    "info",
                    2,
                    "stale",
                    "nondeterministic_output",
                    "Provides info about Redis Cluster node state",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::info),
                sub(
                    "keyslot",
                    3,
                    "stale",
                    "",
                    "Returns the hash slot of the specified key",
                    "3.0.0",
                    "O(N) where N is the number of bytes in the key",
                    ClusterCommands::keySlot),
                // Served from the cluster bus's node table (ClusterNodeCommands).
                sub(
                    "bumpepoch",
                    2,
                    ADMIN,
                    "nondeterministic_output",
                    "Advance the cluster config epoch",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::bumpEpoch),
                sub(
                    "count-failure-reports",
                    3,
                    "admin stale",
                    "nondeterministic_output",
                    "Return the number of failure reports active for a given node",
                    "3.0.0",
                    "O(N) where N is the number of failure reports",
                    ClusterNodeCommands::countFailureReports),
                sub(
                    "failover",
                    -2,
                    ADMIN,
                    "",
                    "Forces a replica to perform a manual failover of its master.",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::failover),
                sub(
                    "forget",
                    3,
                    ADMIN,
                    "",
                    "Remove a node from the nodes table",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::forget),
                sub(
                    "links",
                    2,
                    "stale",
                    "nondeterministic_output",
                    "Returns a list of all TCP links to and from peer nodes in cluster",
                    "7.0.0",
                    "O(N) where N is the total number of Cluster nodes",
                    ClusterNodeCommands::links),
                sub(
                    "meet",
                    -4,
                    ADMIN,
                    "",
                    "Force a node cluster to handshake with another node",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::meet),
                sub(
                    "nodes",
                    2,
                    "stale",
                    "nondeterministic_output",
                    "Get Cluster config for the node",
                    "3.0.0",
                    "O(N) where N is the total number of Cluster nodes",
                    ClusterNodeCommands::nodes),
                sub(
                    "replicas",
                    3,
                    "admin stale",
                    "nondeterministic_output",
                    "List replica nodes of the specified master node",
                    "5.0.0",
                    "O(1)",
                    ClusterNodeCommands::replicas),
                sub(
                    "replicate",
                    3,
                    ADMIN,
                    "",
                    "Reconfigure a node as a replica of the specified master node",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::replicate),
                sub(
                    "reset",
                    -2,
                    "admin noscript stale",
                    "",
                    "Reset a Redis Cluster node",
                    "3.0.0",
                    "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.",
                    ClusterNodeCommands::reset),
                sub(
                    "saveconfig",
                    2,
                    ADMIN,
                    "",
                    "Forces the node to save cluster state on disk",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::saveConfig),
                sub(
                    "set-config-epoch",
                    3,
                    ADMIN,
                    "",
                    "Set the configuration epoch in a new node",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::setConfigEpoch),
                sub(
                    "setslot",
                    -4,
                    ADMIN,
                    "",
                    "Bind a hash slot to a specific node",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::setSlot),
                sub(
                    "shards",
                    2,
                    "stale",
                    "nondeterministic_output",
                    "Get array of cluster slots to node mappings",
                    "7.0.0",
                    "O(N) where N is the total number of cluster nodes",
                    ClusterNodeCommands::shards),
                sub(
                    "slaves",
                    3,
                    "admin stale",
                    "nondeterministic_output",
                    "List replica nodes of the specified master node",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::replicas),
                sub(
                    "slots",
                    2,
                    "stale",
                    "nondeterministic_output",
                    "Get array of Cluster slot to node mappings",
                    "3.0.0",
                    "O(N) where N is the total number of Cluster nodes",
                    ClusterNodeCommands::slots),
                sub(
                    "myid",
                    2,
                    "stale",
                    "",
                    "Return the node id",
                    "3.0.0",
                    "O(1)",
                    ClusterNodeCommands::myId),
                // Redis 7.2's subcommand (7.0 lacks it), declared as 7.2 declares it.
                sub(
                    "myshardid",
                    2,
                    "loading stale",
                    "nondeterministic_output",
                    "Returns the shard ID of a node.",
                    "7.2.0",
                    "O(1)",
                    ClusterNodeCommands::myShardId)));
    t.add(
        command("readonly", 1)
            .flags("loading stale fast")
            .acl("connection")
            .doc(
                "Enables read queries for a connection to a cluster replica node",
                "3.0.0",
                "cluster",
                "O(1)")
            .handler(enabled(c -> setReadOnly(c, true))));
    t.add(
        command("readwrite", 1)
            .flags("loading stale fast")
            .acl("connection")
            .doc(
                "Disables read queries for a connection to a cluster replica node",
                "3.0.0",
                "cluster",
                "O(1)")
            .handler(enabled(c -> setReadOnly(c, false))));
  }

  private static final String RANGE_COMPLEXITY =
      "O(N) where N is the total number of the slots between the start slot and end slot"
          + " arguments.";

  /** One CLUSTER subcommand: its declaration and a handler that runs only in cluster mode. */
  private static CommandSpec.Builder sub(
      String name,
      int arity,
      String flags,
      String tips,
      String summary,
      String since,
      String complexity,
      CommandHandler h) {
    return command(name, arity)
        .flags(flags)
        .tips(tips)
        .doc(summary, since, "cluster", complexity)
        .handler(enabled(h));
  }

  private static CommandHandler enabled(CommandHandler h) {
    return c -> {
      if (c.server.cluster == null) {
        c.reply.errorBytes(DISABLED);
      } else {
        h.execute(c);
      }
    };
  }

  /** A subcommand declared (COMMAND INFO matches Redis) but not implemented yet. */
  static void notYet(Client c) {
    c.reply.error(
        "ERR CLUSTER "
            + c.req.string(1).toUpperCase(java.util.Locale.ROOT)
            + " is not supported yet");
  }

  private static void setReadOnly(Client c, boolean on) {
    c.clusterReadOnly = on;
    c.reply.ok();
  }

  static void keySlot(Client c) {
    Request r = c.req;
    c.reply.integer(SlotHash.slot(r.bufs[2], r.offs[2], r.lens[2]));
  }

  static void countKeysInSlot(Client c) {
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long slot = Args.toLong(c.req, 2);
    if (slot < 0 || slot >= SlotHash.SLOTS) {
      c.reply.errorBytes(INVALID_SLOT);
      return;
    }
    c.reply.integer(c.db.countKeysInSlot((int) slot));
  }

  static void getKeysInSlot(Client c) {
    if (!Args.longOrReply(c, 2) || !Args.longOrReply(c, 3)) {
      return;
    }
    long slot = Args.toLong(c.req, 2);
    long count = Args.toLong(c.req, 3);
    if (count < 0 || slot < 0 || slot >= SlotHash.SLOTS) {
      c.reply.errorBytes(INVALID_SLOT_OR_COUNT);
      return;
    }
    List<byte[]> keys = c.db.keysInSlot((int) slot, (int) Math.min(count, Integer.MAX_VALUE));
    c.reply.array(keys.size());
    for (byte[] k : keys) {
      c.reply.bulk(k);
    }
  }

  /** Redis's getSlotOrReply: a slot number argument, or an error reply and -1. */
  static int slotOrReply(Client c, int i) {
    Request r = c.req;
    if (!Args.isLong(r, i)) {
      c.reply.errorBytes(OUT_OF_RANGE_SLOT);
      return -1;
    }
    long v = Args.toLong(r, i);
    if (v < 0 || v >= SlotHash.SLOTS) {
      c.reply.errorBytes(OUT_OF_RANGE_SLOT);
      return -1;
    }
    return (int) v;
  }

  /**
   * ADDSLOTS, DELSLOTS and their RANGE forms: every slot is validated first (Redis's
   * checkSlotAssignmentsOrReply, same errors in the same order), then all are applied at once.
   */
  static void changeSlots(Client c, boolean del, boolean range) {
    Request r = c.req;
    if (range && r.argc % 2 == 1) {
      c.reply.error(
          "ERR wrong number of arguments for 'cluster|"
              + r.string(1).toLowerCase(java.util.Locale.ROOT)
              + "' command");
      return;
    }
    c.server.cluster.call(() -> applySlots(c, del, range));
  }

  /** Runs on the bus thread: validates against the node table, then changes it. */
  private static Void applySlots(Client c, boolean del, boolean range) {
    Request r = c.req;
    NodeTable t = c.server.cluster.table();
    byte[] seen = new byte[SlotHash.SLOTS];
    for (int j = 2; j < r.argc; j += range ? 2 : 1) {
      int start = slotOrReply(c, j);
      if (start < 0) {
        return null;
      }
      int end = start;
      if (range) {
        end = slotOrReply(c, j + 1);
        if (end < 0) {
          return null;
        }
        if (start > end) {
          c.reply.error(
              "ERR start slot number " + start + " is greater than end slot number " + end);
          return null;
        }
      }
      for (int s = start; s <= end; s++) {
        boolean assigned = t.owner(s) != null;
        if (del && !assigned) {
          c.reply.error("ERR Slot " + s + " is already unassigned");
          return null;
        } else if (!del && assigned) {
          c.reply.error("ERR Slot " + s + " is already busy");
          return null;
        }
        if (seen[s]++ == 1) {
          c.reply.error("ERR Slot " + s + " specified multiple times");
          return null;
        }
      }
    }
    for (int s = 0; s < SlotHash.SLOTS; s++) {
      if (seen[s] != 0) {
        if (del) {
          t.unassignSlot(s);
        } else {
          t.assignSlot(t.myself, s);
        }
        if (t.importingFrom(s) != null) {
          t.setImportingFrom(s, null); // as clusterAddSlot/clusterDelSlot callers do
        }
      }
    }
    c.server.cluster.changed();
    c.reply.ok();
    return null;
  }

  static void flushSlots(Client c) {
    if (c.server.keyspace.db(0).size() != 0) {
      c.reply.error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
      return;
    }
    c.server.cluster.call(
        () -> {
          NodeTable t = c.server.cluster.table();
          for (int s = 0; s < SlotHash.SLOTS; s++) {
            if (t.owner(s) == t.myself) {
              t.unassignSlot(s);
            }
          }
          c.server.cluster.changed();
          return null;
        });
    c.reply.ok();
  }
}
