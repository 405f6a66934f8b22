package io.cinnabar.commands;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterReplies;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.bus.ClusterBus;
import io.cinnabar.cluster.bus.ClusterMessage;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The CLUSTER subcommands served from the cluster bus's {@link NodeTable}. Each handler runs its
 * work on the bus thread through {@link ClusterBus#call} while the keyspace thread waits, so it
 * reads and changes the table as its single writer; the reply is written inside that call (the
 * waiting keyspace thread does not touch the client meanwhile, and the call's completion publishes
 * the writes back to it).
 */
final class ClusterNodeCommands {
  private ClusterNodeCommands() {}

  private static void onBus(Client c, java.util.function.Consumer<NodeTable> work) {
    ClusterBus bus = c.server.cluster;
    bus.call(
        () -> {
          work.accept(bus.table());
          return null;
        });
  }

  static void myId(Client c) {
    onBus(c, t -> c.reply.bulk(t.myself.id));
  }

  /** CLUSTER MYSHARDID (7.2): the shard id, which a replica shares with its primary. */
  static void myShardId(Client c) {
    onBus(
        c,
        t -> {
          ClusterNode primary =
              t.myself.is(ClusterNode.FLAG_REPLICA) ? t.primaryOf(t.myself) : null;
          c.reply.bulk(primary != null ? primary.shardId : t.myself.shardId);
        });
  }

  static void nodes(Client c) {
    onBus(c, t -> ClusterReplies.nodes(c.reply, t));
  }

  static ClusterReplies.Endpoint endpoint(Client c) {
    return switch (c.server.config.get("cluster-preferred-endpoint-type")) {
      case "hostname" -> ClusterReplies.Endpoint.HOSTNAME;
      case "unknown-endpoint" -> ClusterReplies.Endpoint.UNKNOWN_ENDPOINT;
      default -> ClusterReplies.Endpoint.IP;
    };
  }

  static void slots(Client c) {
    ClusterReplies.Endpoint e = endpoint(c);
    onBus(c, t -> ClusterReplies.slots(c.reply, t, e));
  }

  static void shards(Client c) {
    ClusterReplies.Endpoint e = endpoint(c);
    onBus(c, t -> ClusterReplies.shards(c.reply, t, e));
  }

  static void replicas(Client c) {
    String id = c.req.string(2);
    onBus(
        c,
        t -> {
          ClusterNode n = t.get(id);
          if (n == null) {
            c.reply.error("ERR Unknown node " + id);
          } else if (!n.is(ClusterNode.FLAG_PRIMARY)) {
            c.reply.error("ERR The specified node is not a master");
          } else {
            ClusterReplies.replicas(c.reply, t, n);
          }
        });
  }

  static void countFailureReports(Client c) {
    String id = c.req.string(2);
    ClusterBus bus = c.server.cluster;
    onBus(
        c,
        t -> {
          ClusterNode n = t.get(id);
          if (n == null) {
            c.reply.error("ERR Unknown node " + id);
          } else {
            c.reply.integer(bus.failureReports(n));
          }
        });
  }

  static void meet(Client c) {
    Request r = c.req;
    if (r.argc != 4 && r.argc != 5) {
      c.reply.error(
          "ERR unknown subcommand or wrong number of arguments for 'meet'. Try CLUSTER HELP.");
      return;
    }
    if (!Args.isLong(r, 3)) {
      c.reply.error("ERR Invalid TCP base port specified: " + r.string(3));
      return;
    }
    long port = Args.toLong(r, 3);
    long cport = port + 10000;
    if (r.argc == 5) {
      if (!Args.isLong(r, 4)) {
        c.reply.error("ERR Invalid TCP bus port specified: " + r.string(4));
        return;
      }
      cport = Args.toLong(r, 4);
    }
    String ip = r.string(2);
    int p = port < 0 || port > 65535 ? -1 : (int) port;
    int cp = cport < 0 || cport > 65535 ? -1 : (int) cport;
    boolean ok = c.server.cluster.call(() -> c.server.cluster.meet(ip, p, cp));
    if (ok) {
      c.reply.ok();
    } else {
      c.reply.error("ERR Invalid node address specified: " + ip + ":" + r.string(3));
    }
  }

  static void forget(Client c) {
    String id = c.req.string(2);
    ClusterBus bus = c.server.cluster;
    onBus(
        c,
        t -> {
          ClusterNode n = t.get(id);
          if (n == null) {
            c.reply.error("ERR Unknown node " + id);
          } else if (n == t.myself) {
            c.reply.error("ERR I tried hard but I can't forget myself...");
          } else if (t.myself.is(ClusterNode.FLAG_REPLICA) && id.equals(t.myself.primaryId)) {
            c.reply.error("ERR Can't forget my master!");
          } else {
            bus.blacklistAdd(id);
            bus.forget(n);
            c.reply.ok();
          }
        });
  }

  /**
   * CLUSTER REPLICATE node-id (Redis's checks and clusterSetMaster): myself becomes a replica of a
   * known primary, which only an empty primary without slots (or a replica) may do; then the
   * replication link to it starts.
   */
  static void replicate(Client c) {
    String id = c.req.string(2);
    ClusterBus bus = c.server.cluster;
    boolean empty = c.server.keyspace.db(0).size() == 0;
    String[] target = new String[1];
    int[] targetPort = new int[1];
    onBus(
        c,
        t -> {
          ClusterNode n = t.get(id);
          if (n == null) {
            c.reply.error("ERR Unknown node " + id);
          } else if (n == t.myself) {
            c.reply.error("ERR Can't replicate myself");
          } else if (n.is(ClusterNode.FLAG_REPLICA)) {
            c.reply.error("ERR I can only replicate a master, not a replica.");
          } else if (t.myself.is(ClusterNode.FLAG_PRIMARY)
              && (bus.slotCount(t.myself) != 0 || !empty)) {
            c.reply.error("ERR To set a master the node must be empty and without assigned slots.");
          } else {
            bus.setMyPrimary(n);
            target[0] = n.ip;
            targetPort[0] = n.port;
            c.reply.ok();
          }
        });
    if (target[0] != null) {
      c.server.replicaOf(target[0], targetPort[0]);
    }
  }

  /**
   * CLUSTER FAILOVER [FORCE|TAKEOVER]: a manual failover of this replica's primary (default: the
   * primary pauses writes until we caught up, then we are elected; FORCE: elected without the
   * primary; TAKEOVER: no election, a new config epoch of our own). Redis's checks and errors.
   */
  static void failover(Client c) {
    Request r = c.req;
    if (r.argc > 3) {
      c.reply.error(
          "ERR unknown subcommand or wrong number of arguments for 'failover'. Try CLUSTER HELP.");
      return;
    }
    boolean force = false;
    boolean takeover = false;
    if (r.argc == 3) {
      String how = r.string(2).toLowerCase(Locale.ROOT);
      if (how.equals("force")) {
        force = true;
      } else if (how.equals("takeover")) {
        force = true;
        takeover = true;
      } else {
        c.reply.error("ERR syntax error");
        return;
      }
    }
    boolean f = force;
    boolean t = takeover;
    ClusterBus bus = c.server.cluster;
    String err = bus.call(() -> bus.manualFailover(f, t));
    if (err == null) {
      c.reply.ok();
    } else {
      c.reply.error(err);
    }
  }

  static void reset(Client c) {
    Request r = c.req;
    boolean hard = false;
    if (r.argc == 3) {
      String how = r.string(2).toLowerCase(Locale.ROOT);
      if (how.equals("hard")) {
        hard = true;
      } else if (!how.equals("soft")) {
        c.reply.error("ERR syntax error");
        return;
      }
    } else if (r.argc > 3) {
      c.reply.error("ERR syntax error");
      return;
    }
    boolean primary =
        c.server.cluster.call(() -> c.server.cluster.table().myself.primaryId == null);
    if (primary && c.server.keyspace.db(0).size() != 0) {
      c.reply.error("ERR CLUSTER RESET can't be called with master nodes containing keys");
      return;
    }
    boolean h = hard;
    onBus(c, t -> c.server.cluster.reset(h));
    if (!primary) {
      // clusterReset: a replica turns into an empty primary.
      c.server.replicaOfNoOne();
      c.server.signalFlushedDb(c.server.keyspace.db(0));
      c.server.keyspace.flushAll();
    }
    c.reply.ok();
  }

  static void saveConfig(Client c) {
    ClusterBus bus = c.server.cluster;
    String err =
        bus.call(
            () -> {
              try {
                bus.save();
                return null;
              } catch (IOException e) {
                return e.getMessage();
              }
            });
    if (err == null) {
      c.reply.ok();
    } else {
      c.reply.error("ERR error saving the cluster node config: " + err);
    }
  }

  static void bumpEpoch(Client c) {
    ClusterBus bus = c.server.cluster;
    onBus(
        c,
        t -> {
          long max = t.maxEpoch();
          ClusterNode me = t.myself;
          if (me.configEpoch == 0 || me.configEpoch != max) {
            t.currentEpoch++;
            me.configEpoch = t.currentEpoch;
            bus.changed();
            c.reply.simple("BUMPED " + Long.toUnsignedString(me.configEpoch));
          } else {
            c.reply.simple("STILL " + Long.toUnsignedString(me.configEpoch));
          }
        });
  }

  static void setConfigEpoch(Client c) {
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long epoch = Args.toLong(c.req, 2);
    ClusterBus bus = c.server.cluster;
    onBus(
        c,
        t -> {
          if (epoch < 0) {
            c.reply.error("ERR Invalid config epoch specified: " + epoch);
          } else if (t.size() > 1) {
            c.reply.error(
                "ERR The user can assign a config epoch only when the node does not know any"
                    + " other node.");
          } else if (t.myself.configEpoch != 0) {
            c.reply.error("ERR Node config epoch is already non-zero");
          } else {
            t.myself.configEpoch = epoch;
            if (Long.compareUnsigned(t.currentEpoch, epoch) < 0) {
              t.currentEpoch = epoch;
            }
            bus.changed();
            c.reply.ok();
          }
        });
  }

  static void links(Client c) {
    ClusterBus bus = c.server.cluster;
    onBus(c, t -> bus.replyLinks(c.reply));
  }

  /** CLUSTER INFO, Redis 7.0's fields in its order. */
  static void info(Client c) {
    ClusterBus bus = c.server.cluster;
    var topo = c.server.topology();
    String text =
        bus.call(
            () -> {
              NodeTable t = bus.table();
              ClusterNode me = t.myself;
              ClusterNode primary = me.is(ClusterNode.FLAG_REPLICA) ? t.primaryOf(me) : me;
              long myEpoch = primary != null ? primary.configEpoch : me.configEpoch;
              int assigned = 0;
              int pfail = 0;
              int fail = 0;
              for (int s = 0; s < ClusterNode.SLOTS; s++) {
                ClusterNode o = t.owner(s);
                if (o != null) {
                  assigned++;
                  if (o.is(ClusterNode.FLAG_FAIL)) {
                    fail++;
                  } else if (o.is(ClusterNode.FLAG_PFAIL)) {
                    pfail++;
                  }
                }
              }
              StringBuilder b = new StringBuilder();
              line(b, "cluster_state", topo.ok() ? "ok" : "fail");
              line(b, "cluster_slots_assigned", assigned);
              line(b, "cluster_slots_ok", assigned - pfail - fail);
              line(b, "cluster_slots_pfail", pfail);
              line(b, "cluster_slots_fail", fail);
              line(b, "cluster_known_nodes", t.size());
              line(b, "cluster_size", topo.size());
              line(b, "cluster_current_epoch", Long.toUnsignedString(t.currentEpoch));
              line(b, "cluster_my_epoch", Long.toUnsignedString(myEpoch));
              counters(b, "sent", bus.stats().sent);
              counters(b, "received", bus.stats().received);
              line(b, "total_cluster_links_buffer_limit_exceeded", 0);
              return b.toString();
            });
    c.reply.verbatim(text);
  }

  private static void counters(StringBuilder b, String what, long[] counts) {
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0) {
        line(b, "cluster_stats_messages_" + ClusterMessage.typeName(i) + "_" + what, counts[i]);
        total += counts[i];
      }
    }
    line(b, "cluster_stats_messages_" + what, total);
  }

  private static void line(StringBuilder b, String name, Object value) {
    b.append(name).append(':').append(value).append("\r\n");
  }

  /**
   * CLUSTER SETSLOT slot MIGRATING|IMPORTING|NODE id, or STABLE (Redis 7.0's checks in order).
   * redis-cli sends six per slot it moves, so the common case is answered here on the keyspace
   * thread from the routing view, which takes the change at once; the bus applies it to the node
   * table, saves nodes.conf and gossips it right after (see {@link #setSlotHere}). Errors and the
   * rare cases with more consequences (a primary giving away its last slot) take the synchronous
   * way through the bus, as every other CLUSTER command does.
   */
  static void setSlot(Client c) {
    Request r = c.req;
    int slot = -1;
    if (Args.isLong(r, 2)) {
      long v = Args.toLong(r, 2);
      slot = v < 0 || v >= ClusterNode.SLOTS ? -1 : (int) v;
    }
    String action = r.string(3).toLowerCase(Locale.ROOT);
    String id = r.argc == 5 ? r.string(4) : null;
    boolean valid =
        (r.argc == 5 && List.of("migrating", "importing", "node").contains(action))
            || (r.argc == 4 && action.equals("stable"));
    long keys = slot < 0 ? 0 : c.server.keyspace.db(0).countKeysInSlot(slot);
    ClusterBus bus = c.server.cluster;
    boolean replicaMigration = c.server.config.getBool("cluster-allow-replica-migration");
    int theSlot = slot;
    if (slot >= 0 && valid && setSlotHere(c, slot, action, id, keys, replicaMigration)) {
      c.reply.ok();
      return;
    }
    ClusterNode[] newPrimary = new ClusterNode[1];
    onBus(
        c,
        t -> {
          if (t.myself.is(ClusterNode.FLAG_REPLICA)) {
            c.reply.error("ERR Please use SETSLOT only with masters.");
          } else if (theSlot < 0) {
            c.reply.errorBytes(ClusterCommands.OUT_OF_RANGE_SLOT);
          } else if (!valid) {
            c.reply.error(
                "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
          } else {
            String err =
                applySetSlot(
                    bus, t, theSlot, action, id, keys, replicaMigration, newPrimary, false);
            if (err == null) {
              c.reply.ok();
            } else {
              c.reply.error(err);
            }
          }
        });
    if (newPrimary[0] != null) {
      c.server.replicaOf(newPrimary[0].ip, newPrimary[0].port);
    }
  }

  /**
   * SETSLOT's fast path: when the cluster is ok and the routing view shows the command succeeds
   * with no consequence beyond the slot's own state, the view takes the change now and the bus
   * applies it to the table afterwards, as of when it was answered (see {@code answered} in {@link
   * #applySetSlot}). False: take the synchronous way. Commands after the reply route with the new
   * view at once; CLUSTER commands that read the table queue behind the change on the bus thread,
   * so they see it too.
   */
  private static boolean setSlotHere(
      Client c, int slot, String action, String id, long keys, boolean replicaMigration) {
    ClusterTopology v = c.server.topology();
    int me = v.myself();
    // Only with the cluster ok: a SETSLOT that covers a slot left uncovered (redis-cli --cluster
    // fix sends DELSLOTS then SETSLOT NODE) changes the state, which only the bus computes.
    if (!v.ok()
        || me == ClusterTopology.NONE
        || v.myPrimary() != ClusterTopology.NONE
        || v.isReplica(me)) {
      return false;
    }
    int n = ClusterTopology.NONE;
    if (id != null) {
      n = v.indexOf(id);
      if (n == ClusterTopology.NONE || v.isReplica(n)) {
        return false;
      }
    }
    int owner = v.owner(slot);
    // Errors, and a primary giving away its last slot (it may become a replica), are the bus's.
    boolean refused =
        switch (action) {
          case "migrating" -> owner != me;
          case "importing" -> owner == me;
          case "stable" -> false;
          default -> owner == me && n != me && (keys != 0 || v.slotCount(me) == 1);
        };
    if (refused) {
      return false;
    }
    long seq = c.server.applyTopology((cur, s) -> withSetSlot(cur, slot, action, id, keys, s));
    ClusterBus bus = c.server.cluster;
    bus.executeSetSlot(
        seq,
        () -> {
          ClusterNode[] newPrimary = new ClusterNode[1];
          String err =
              applySetSlot(
                  bus, bus.table(), slot, action, id, keys, replicaMigration, newPrimary, true);
          if (err != null) {
            io.cinnabar.server.Log.warning(
                "CLUSTER SETSLOT " + slot + " " + action + " answered but not applied: " + err);
          }
          ClusterNode p = newPrimary[0];
          if (p != null) {
            String ip = p.ip;
            int port = p.port;
            c.server.loop().execute(() -> c.server.replicaOf(ip, port));
          }
        });
    return true;
  }

  /**
   * The view {@code cur} with an answered SETSLOT applied. The node is looked up by id in {@code
   * cur}, which may be newer than the view the command was checked against (node indexes change
   * when a node joins or is forgotten), and the slot's other fields are kept as {@code cur} has
   * them.
   */
  private static ClusterTopology withSetSlot(
      ClusterTopology cur, int slot, String action, String id, long keys, long seq) {
    int n = id == null ? ClusterTopology.NONE : cur.indexOf(id);
    int owner = cur.owner(slot);
    int to = cur.migratingTo(slot);
    int from = cur.importingFrom(slot);
    if (n == ClusterTopology.NONE && id != null) {
      return cur.withSlot(slot, owner, to, from, seq); // forgotten meanwhile: the bus decides
    }
    switch (action) {
      case "migrating" -> to = n;
      case "importing" -> from = n;
      case "stable" -> {
        to = ClusterTopology.NONE;
        from = ClusterTopology.NONE;
      }
      default -> {
        if (keys == 0) {
          to = ClusterTopology.NONE;
        }
        if (n == cur.myself()) {
          from = ClusterTopology.NONE;
        }
        owner = n;
      }
    }
    return cur.withSlot(slot, owner, to, from, seq);
  }

  /**
   * SETSLOT's work on the bus thread, its arguments checked: null when done, else the error reply.
   * {@code newPrimary[0]} is set when myself gave away its last slot and follows its new owner (the
   * caller starts replicating). {@code answered}: the keyspace thread already checked the slot's
   * owner in its view and replied; the bus may have handled messages since that moved the slot (a
   * PONG of the importing node overtakes the queued change), and Redis, which ran the command
   * before those messages, would have applied it, so the owner checks are not made again.
   */
  private static String applySetSlot(
      ClusterBus bus,
      NodeTable t,
      int slot,
      String action,
      String id,
      long keys,
      boolean replicaMigration,
      ClusterNode[] newPrimary,
      boolean answered) {
    if (t.myself.is(ClusterNode.FLAG_REPLICA)) {
      return "ERR Please use SETSLOT only with masters.";
    }
    ClusterNode n = id == null ? null : t.get(id);
    switch (action) {
      case "migrating" -> {
        if (!answered && t.owner(slot) != t.myself) {
          return "ERR I'm not the owner of hash slot " + slot;
        } else if (n == null) {
          return "ERR I don't know about node " + id;
        } else if (n.is(ClusterNode.FLAG_REPLICA)) {
          return "ERR Target node is not a master";
        }
        t.setMigratingTo(slot, n);
      }
      case "importing" -> {
        if (!answered && t.owner(slot) == t.myself) {
          return "ERR I'm already the owner of hash slot " + slot;
        } else if (n == null) {
          return "ERR I don't know about node " + id;
        } else if (n.is(ClusterNode.FLAG_REPLICA)) {
          return "ERR Target node is not a master";
        }
        t.setImportingFrom(slot, n);
      }
      case "stable" -> {
        t.setMigratingTo(slot, null);
        t.setImportingFrom(slot, null);
      }
      default -> {
        if (n == null) {
          return "ERR Unknown node " + id;
        } else if (n.is(ClusterNode.FLAG_REPLICA)) {
          return "ERR Target node is not a master";
        } else if (!answered && t.owner(slot) == t.myself && n != t.myself && keys != 0) {
          return "ERR Can't assign hashslot "
              + slot
              + " to a different node while I still hold keys for this hash slot.";
        }
        if (keys == 0 && t.migratingTo(slot) != null) {
          t.setMigratingTo(slot, null);
        }
        boolean wasMine = t.owner(slot) == t.myself;
        t.unassignSlot(slot);
        t.assignSlot(n, slot);
        if (wasMine && n != t.myself && bus.slotCount(t.myself) == 0 && replicaMigration) {
          // A primary left without slots follows the slot's new owner, as Redis 7.0.
          io.cinnabar.server.Log.warning(
              "Configuration change detected. Reconfiguring myself as a replica of " + n.id);
          bus.setMyPrimary(n);
          newPrimary[0] = n;
        }
        if (n == t.myself && t.importingFrom(slot) != null) {
          // clusterBumpConfigEpochWithoutConsensus: the new owner must win the slot.
          if (t.myself.configEpoch == 0 || t.myself.configEpoch != t.maxEpoch()) {
            t.currentEpoch++;
            t.myself.configEpoch = t.currentEpoch;
            io.cinnabar.server.Log.warning("configEpoch updated after importing slot " + slot);
          }
          t.setImportingFrom(slot, null);
          bus.broadcastPong();
        }
      }
    }
    bus.changed();
    return null;
  }
}
