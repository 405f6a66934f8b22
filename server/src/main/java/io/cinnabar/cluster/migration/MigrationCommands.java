package io.cinnabar.cluster.migration;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.cluster.bus.ClusterBus;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Numbers;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * CLUSTER MIGRATESLOTS, GETSLOTMIGRATIONS and CANCELSLOTMIGRATIONS (Valkey 9.0's front-end), and
 * the internal CLUSTER SYNCSLOTS START|END the source sends the target.
 */
public final class MigrationCommands {
  private MigrationCommands() {}

  private static final byte[] SLOTSRANGE = Bytes.ascii("slotsrange");
  private static final byte[] NODE = Bytes.ascii("node");
  private static final byte[] START = Bytes.ascii("start");
  private static final byte[] END = Bytes.ascii("end");
  private static final byte[] PING = Bytes.ascii("ping");
  private static final byte[] ESTABLISH = Bytes.ascii("establish");
  private static final byte[] FINISH = Bytes.ascii("finish");

  private record Block(BitSet slots, String nodeId) {}

  /** Tests: the target takes the slots at END but drops the connection instead of answering. */
  static volatile boolean dropEndAnswerForTests;

  /** CLUSTER MIGRATESLOTS SLOTSRANGE start end [start end ...] NODE id [SLOTSRANGE ...]. */
  public static void migrateSlots(Client c) {
    Request r = c.req;
    List<Block> blocks = new ArrayList<>();
    BitSet all = new BitSet(SlotHash.SLOTS);
    int i = 2;
    while (i < r.argc) {
      if (!r.is(i, SLOTSRANGE)) {
        c.reply.error("ERR syntax error");
        return;
      }
      i++;
      BitSet slots = new BitSet(SlotHash.SLOTS);
      while (i < r.argc && !r.is(i, NODE)) {
        if (i + 1 >= r.argc) {
          c.reply.error("ERR syntax error");
          return;
        }
        int start = slot(c, i);
        int end = start < 0 ? -1 : slot(c, i + 1);
        if (end < 0) {
          return;
        }
        if (start > end) {
          c.reply.error(
              "ERR start slot number " + start + " is greater than end slot number " + end);
          return;
        }
        for (int s = start; s <= end; s++) {
          if (all.get(s)) {
            c.reply.error("ERR Slot " + s + " specified multiple times");
            return;
          }
          all.set(s);
          slots.set(s);
        }
        i += 2;
      }
      if (slots.isEmpty() || i + 1 >= r.argc) {
        c.reply.error("ERR syntax error");
        return;
      }
      blocks.add(new Block(slots, r.string(i + 1)));
      i += 2;
    }
    if (blocks.isEmpty()) {
      c.reply.error("ERR syntax error");
      return;
    }
    SlotMigrations m = c.server.slotMigrations;
    for (int s = all.nextSetBit(0); s >= 0; s = all.nextSetBit(s + 1)) {
      if (m.busy.get(s) || m.cleaning.get(s)) {
        c.reply.error("ERR Slot " + s + " is already being migrated");
        return;
      }
    }
    ClusterBus bus = c.server.cluster;
    List<String[]> targets = new ArrayList<>(); // id, myId, host, port
    String err =
        bus.call(
            () -> {
              NodeTable t = bus.table();
              if (t.myself.is(ClusterNode.FLAG_REPLICA)) {
                return "ERR Please use MIGRATESLOTS only with primaries.";
              }
              for (int s = all.nextSetBit(0); s >= 0; s = all.nextSetBit(s + 1)) {
                if (t.owner(s) != t.myself) {
                  return "ERR I'm not the owner of hash slot " + s;
                }
                if (t.migratingTo(s) != null || t.importingFrom(s) != null) {
                  return "ERR Slot " + s + " has an open migration (SETSLOT MIGRATING/IMPORTING)";
                }
              }
              for (Block b : blocks) {
                ClusterNode n = t.get(b.nodeId);
                if (n == null) {
                  return "ERR Unknown node " + b.nodeId;
                } else if (n == t.myself) {
                  return "ERR Target node is myself";
                } else if (!n.is(ClusterNode.FLAG_PRIMARY) || n.is(ClusterNode.FLAG_REPLICA)) {
                  return "ERR Target node is not a primary";
                } else if (n.is(ClusterNode.FLAG_FAIL | ClusterNode.FLAG_PFAIL)
                    || n.port == 0
                    || n.ip.isEmpty()) {
                  return "ERR Target node " + b.nodeId + " is not reachable";
                }
                targets.add(new String[] {n.id, t.myself.id, n.ip, Integer.toString(n.port)});
              }
              return null;
            });
    if (err != null) {
      c.reply.error(err);
      return;
    }
    for (int k = 0; k < blocks.size(); k++) {
      String[] tg = targets.get(k);
      ExportJob j =
          new ExportJob(
              m,
              c.server,
              m.newName(),
              blocks.get(k).slots,
              tg[1],
              tg[0],
              tg[2],
              Integer.parseInt(tg[3]));
      m.jobs.add(j);
      m.busy.or(j.slots);
      j.start();
    }
    c.reply.ok();
  }

  private static int slot(Client c, int i) {
    Request r = c.req;
    long v = Numbers.parseLongOr(r.bufs[i], r.offs[i], r.lens[i], -1);
    if (!Numbers.isLong(r.bufs[i], r.offs[i], r.lens[i]) || v < 0 || v >= SlotHash.SLOTS) {
      c.reply.error("ERR Invalid or out of range slot");
      return -1;
    }
    return (int) v;
  }

  /** CLUSTER GETSLOTMIGRATIONS: every job this node knows, oldest first. */
  public static void getSlotMigrations(Client c) {
    List<MigrationJob> jobs = c.server.slotMigrations.jobs;
    c.reply.array(jobs.size());
    for (MigrationJob j : jobs) {
      j.render(c.reply);
    }
  }

  /** CLUSTER CANCELSLOTMIGRATIONS: stops every active job on this node (the source keeps all). */
  public static void cancelSlotMigrations(Client c) {
    SlotMigrations m = c.server.slotMigrations;
    for (MigrationJob j : new ArrayList<>(m.jobs)) {
      if (j instanceof ExportJob e) {
        e.cancel();
      } else if (j instanceof ImportJob im
          && im.active()
          && !im.state.equals(MigrationJob.FINISHING)) {
        im.setState(MigrationJob.CANCELLED, "cancelled");
        im.client.slotImport = null;
        im.client.close();
        m.rollBack(im);
      }
    }
    c.reply.ok();
  }

  /**
   * CLUSTER SYNCSLOTS START name source-id start end [...]: this connection becomes the import
   * stream (replies muted from here). CLUSTER SYNCSLOTS END name: take the slots, answer.
   */
  public static void syncSlots(Client c) {
    Request r = c.req;
    SlotMigrations m = c.server.slotMigrations;
    if (r.is(2, START) && r.argc >= 7 && r.argc % 2 == 1) {
      if (c.slotImport != null) {
        c.reply.error("ERR this connection already streams an import");
        return;
      }
      BitSet slots = new BitSet(SlotHash.SLOTS);
      for (int i = 5; i < r.argc; i += 2) {
        int start = slot(c, i);
        int end = start < 0 ? -1 : slot(c, i + 1);
        if (end < 0) {
          return;
        }
        slots.set(start, end + 1);
      }
      for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
        if (m.busy.get(s) || m.cleaning.get(s)) {
          c.reply.error("ERR Slot " + s + " is already being migrated");
          return;
        }
        if (c.db.countKeysInSlot(s) != 0) {
          // Keys here that the source lacks would appear in the cluster after the hand-over.
          c.reply.error("ERR Slot " + s + " is not empty on the target");
          return;
        }
      }
      ClusterBus bus = c.server.cluster;
      String[] myId = new String[1];
      String err =
          bus.call(
              () -> {
                NodeTable t = bus.table();
                myId[0] = t.myself.id;
                if (t.myself.is(ClusterNode.FLAG_REPLICA)) {
                  return "ERR Please use SYNCSLOTS only with primaries.";
                }
                for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
                  if (t.owner(s) == t.myself) {
                    return "ERR I'm already the owner of hash slot " + s;
                  }
                }
                return null;
              });
      if (err != null) {
        c.reply.error(err);
        return;
      }
      ImportJob j = new ImportJob(r.string(3), slots, r.string(4), myId[0], c);
      m.jobs.add(j);
      m.busy.or(slots);
      m.importing.or(slots);
      byte[][] args = new byte[r.argc][];
      for (int i = 0; i < r.argc; i++) {
        args[i] = r.copy(i);
      }
      m.establishOnReplicas(args);
      c.slotImport = j;
      ImportPacer.install(c.channel);
      c.reply.ok();
      c.reply.mute(true);
      return;
    }
    if (c.primaryStream && r.is(2, ESTABLISH) && r.argc >= 7 && r.argc % 2 == 1) {
      // This replica's primary imports these slots: their keys stay hidden here until FINISH.
      BitSet slots = new BitSet(SlotHash.SLOTS);
      try {
        for (int i = 5; i + 1 < r.argc; i += 2) {
          int start = Math.max(0, Integer.parseInt(r.string(i)));
          int end = Math.min(SlotHash.SLOTS - 1, Integer.parseInt(r.string(i + 1)));
          if (start <= end) {
            slots.set(start, end + 1);
          }
        }
      } catch (NumberFormatException e) {
        c.reply.error("ERR Invalid or out of range slot");
        return;
      }
      m.replicaEstablish(r.string(3), slots);
      c.reply.ok();
      return;
    }
    if (c.primaryStream && r.is(2, FINISH) && r.argc == 4) {
      m.replicaFinish(r.string(3));
      c.reply.ok();
      return;
    }
    if (r.is(2, PING) && r.argc == 4) {
      // The source's catch-up probe: answered even though the stream's replies are muted.
      boolean muted = c.reply.muted();
      c.reply.mute(false);
      c.reply.simple("PONG");
      c.reply.mute(muted);
      return;
    }
    if (r.is(2, END) && r.argc == 4) {
      ImportJob j = c.slotImport;
      if (j == null || !j.name.equals(r.string(3))) {
        c.reply.error("ERR no such slot import on this connection");
        return;
      }
      c.reply.mute(false);
      j.setState(MigrationJob.FINISHING, null);
      c.block(); // answered once the bus has taken the slots
      m.takeSlots(
          j.slots,
          () -> {
            j.setState(MigrationJob.SUCCESS, null);
            c.slotImport = null;
            m.finished(j);
            m.finishOnReplicas(j.name);
            if (c.isClosed()) {
              return;
            }
            if (dropEndAnswerForTests) {
              c.close(); // the answer is lost: the source learns the outcome from the bus
              return;
            }
            c.ensureOutput();
            c.reply.ok();
            c.unblock();
          });
      return;
    }
    c.reply.error("ERR syntax error");
  }
}
