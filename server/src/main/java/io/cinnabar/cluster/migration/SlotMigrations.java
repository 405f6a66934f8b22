package io.cinnabar.cluster.migration;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.cluster.bus.ClusterBus;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeyPositions;
import io.cinnabar.keyspace.Database;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.Log;
import io.cinnabar.server.Primary;
import io.cinnabar.server.ServerContext;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This node's atomic slot migrations (Valkey 9.0's CLUSTER MIGRATESLOTS): the export and import
 * jobs, the propagation tap that routes writes to the export job of their slot, and the background
 * deletion of keys in slots this node no longer owns. Keyspace thread only.
 */
public final class SlotMigrations implements Primary.Tap {
  private static final int HISTORY = 64;
  private static final byte[] DEL = Bytes.ascii("DEL");

  final ServerContext server;
  final List<MigrationJob> jobs = new ArrayList<>();
  private final ExportJob[] exportBySlot = new ExportJob[SlotHash.SLOTS];
  private int exportingJobs;

  /** Slots of active jobs (export or import), which no second job may take. */
  final BitSet busy = new BitSet(SlotHash.SLOTS);

  /** Slots whose keys are being deleted in the background. */
  final BitSet cleaning = new BitSet(SlotHash.SLOTS);

  /** Slots of active import jobs: their keys arrive here before this node owns them. */
  final BitSet importing = new BitSet(SlotHash.SLOTS);

  /**
   * On a replica: the imports its primary runs (SYNCSLOTS ESTABLISH in the replication stream,
   * ended by SYNCSLOTS FINISH), by name, and the union of their slots, hidden here as there.
   */
  private final java.util.Map<String, BitSet> replicaImports = new java.util.HashMap<>();

  private final BitSet replicaImporting = new BitSet(SlotHash.SLOTS);

  /**
   * Rolled-back imports (by name, with their slots) whose FINISH goes to the replicas once their
   * keys are deleted.
   */
  private final java.util.Map<String, BitSet> rolledBack = new java.util.LinkedHashMap<>();

  private static final byte[] CLUSTER = Bytes.ascii("CLUSTER");
  private static final byte[] SYNCSLOTS = Bytes.ascii("SYNCSLOTS");
  private static final byte[] FINISH = Bytes.ascii("FINISH");

  private boolean cleanerScheduled;
  private final Request scratch = new Request();
  private final KeyPositions positions = new KeyPositions();
  private int jobCounter;

  /**
   * Export jobs with a chunked key transfer under way or in their final hand-over (the dispatcher's
   * one test).
   */
  private int holdingJobs;

  private int bigInFlight;

  /** Clients whose write waits for a chunked key transfer to end. */
  private final List<Client> held = new ArrayList<>();

  private final Request scratchTx = new Request();
  private final KeyPositions txPositions = new KeyPositions();

  public SlotMigrations(ServerContext server) {
    this.server = server;
  }

  String newName() {
    String seed = server.runId + ":" + System.nanoTime() + ":" + (++jobCounter);
    StringBuilder b = new StringBuilder();
    java.util.Random r = new java.util.Random(seed.hashCode() * 31L + System.nanoTime());
    for (int i = 0; i < 40; i++) {
      b.append(Character.forDigit(r.nextInt(16), 16));
    }
    return b.toString();
  }

  // ---- big keys in flight -------------------------------------------------------------------

  /**
   * Dispatcher, before a command runs: a write (or EXEC of writes) to a key whose chunks are on
   * their way waits until the transfer ends, so the chunks read an unchanging value and the write
   * is forwarded after them. Only that key's writers wait; the node serves everything else.
   */
  public boolean holds(Client c, CommandSpec cmd) {
    if (holdingJobs == 0) {
      return false;
    }
    boolean touches;
    if (c.inMulti && "exec".equals(cmd.fullName)) {
      touches = false;
      io.cinnabar.server.Transaction tx = c.transaction();
      for (int i = 0; i < tx.commands.size() && !touches; i++) {
        CommandSpec q = tx.commands.get(i);
        if (q.has(io.cinnabar.command.CommandFlag.WRITE)) {
          scratchTx.setAll(tx.args.get(i));
          touches = touchesBig(q, scratchTx);
        }
      }
    } else {
      touches = cmd.has(io.cinnabar.command.CommandFlag.WRITE) && touchesBig(cmd, c.req);
    }
    if (!touches) {
      return false;
    }
    c.blockAndRetry();
    held.add(c);
    return true;
  }

  private boolean touchesBig(CommandSpec cmd, Request r) {
    if (!cmd.keys(r, txPositions)) {
      return false;
    }
    for (int i = 0; i < txPositions.size(); i++) {
      int k = txPositions.get(i);
      int slot = SlotHash.slot(r.bufs[k], r.offs[k], r.lens[k]);
      ExportJob j = exportBySlot[slot];
      if (j != null && j.inFlight(r.bufs[k], r.offs[k], r.lens[k])) {
        return true;
      }
      if (finishing > 0) {
        for (MigrationJob x : jobs) {
          if (x instanceof ExportJob e && e.holdsSlot(slot)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private int finishing;

  /** A job's final hand-over starts or ends: writes to its slots wait meanwhile. */
  void holding(ExportJob j, boolean on) {
    if (on == j.holdingWrites) {
      return;
    }
    j.holdingWrites = on;
    finishing += on ? 1 : -1;
    holdChanged(on ? 1 : -1);
  }

  /** A job's chunked transfer started ({@code +1}) or ended ({@code -1}). */
  void bigTransfer(int delta) {
    bigInFlight += delta;
    holdChanged(delta);
  }

  private void holdChanged(int delta) {
    holdingJobs += delta;
    if (delta < 0 && !held.isEmpty()) {
      List<Client> waiting = new ArrayList<>(held);
      held.clear();
      for (Client c : waiting) {
        if (!c.isClosed()) {
          c.unblock(); // runs the write again: it may wait for the next big key
        }
      }
    }
  }

  // ---- the tap -------------------------------------------------------------------------------

  @Override
  public void propagated(Request r) {
    if (exportingJobs == 0) {
      return;
    }
    CommandSpec cmd = server.commands.lookup(r.bufs[0], r.offs[0], r.lens[0]);
    if (cmd != null && cmd.isContainer() && r.argc >= 2) {
      cmd = CommandTable.lookupSub(cmd, r.bufs[1], r.offs[1], r.lens[1]);
    }
    if (cmd == null) {
      return;
    }
    if (cmd.fullName.equals("flushall") || cmd.fullName.equals("flushdb")) {
      for (MigrationJob j : new ArrayList<>(jobs)) {
        if (j instanceof ExportJob e) {
          e.fail("the dataset was flushed");
        }
      }
      return;
    }
    if (!cmd.keys(r, positions) || positions.size() == 0) {
      return;
    }
    int k = positions.get(0);
    ExportJob j = exportBySlot[SlotHash.slot(r.bufs[k], r.offs[k], r.lens[k])];
    if (j != null) {
      j.onWrite(r, positions);
    }
  }

  @Override
  public void propagated(byte[][] args) {
    scratch.setAll(args);
    propagated(scratch);
  }

  /** An export job starts (or stops) receiving the writes to its slots. */
  void exporting(ExportJob j, boolean on) {
    boolean was = exportBySlot[j.slots.nextSetBit(0)] == j;
    if (was == on) {
      return;
    }
    for (int s = j.slots.nextSetBit(0); s >= 0; s = j.slots.nextSetBit(s + 1)) {
      exportBySlot[s] = on ? j : null;
    }
    exportingJobs += on ? 1 : -1;
    server.primary.setTap(exportingJobs > 0 ? this : null);
  }

  void finished(MigrationJob j) {
    busy.andNot(j.slots);
    if (j instanceof ImportJob) {
      importing.andNot(j.slots);
    }
    int inactive = 0;
    for (MigrationJob x : jobs) {
      if (!x.active()) {
        inactive++;
      }
    }
    for (int i = 0; i < jobs.size() && inactive > HISTORY; ) {
      if (!jobs.get(i).active()) {
        jobs.remove(i);
        inactive--;
      } else {
        i++;
      }
    }
  }

  /** Connections.closed: an import stream that ends before END is rolled back. */
  public void disconnected(Client c) {
    held.remove(c);
    ImportJob j = c.slotImport;
    if (j == null) {
      return;
    }
    c.slotImport = null;
    // After END the data is all here and the slots are being taken: nothing to roll back.
    if (j.active() && !j.state.equals(MigrationJob.FINISHING)) {
      j.setState(MigrationJob.FAILED, "connection with the source lost");
      rollBack(j);
    }
  }

  void rollBack(ImportJob j) {
    Log.warning(
        "Slot import "
            + j.name
            + " of slots "
            + MigrationJob.ranges(j.slots)
            + " ended before completion: deleting what arrived");
    finished(j);
    rolledBack.put(j.name, j.slots);
    deleteKeysInSlots(j.slots);
  }

  // ---- the target's replicas -----------------------------------------------------------------

  /** Target side: the replicas hear of an import (the START's arguments, as ESTABLISH). */
  void establishOnReplicas(byte[][] startArgs) {
    byte[][] args = startArgs.clone();
    args[2] = Bytes.ascii("ESTABLISH");
    server.primary.alsoPropagate(0, args);
  }

  /** Target side: the replicas hear that an import ended (taken, or rolled back and deleted). */
  void finishOnReplicas(String name) {
    server.primary.alsoPropagate(0, CLUSTER, SYNCSLOTS, FINISH, Bytes.ascii(name));
    server.primary.flush();
  }

  /** Replica side: SYNCSLOTS ESTABLISH from the primary's stream. */
  void replicaEstablish(String name, BitSet slots) {
    replicaImports.put(name, slots);
    replicaImporting.or(slots);
  }

  /** Replica side: SYNCSLOTS FINISH from the primary's stream. */
  void replicaFinish(String name) {
    if (replicaImports.remove(name) != null) {
      replicaImporting.clear();
      for (BitSet b : replicaImports.values()) {
        replicaImporting.or(b);
      }
    }
  }

  /** A full sync replaced the data: imports the old primary ran are no concern of it. */
  public void replicaResynced() {
    replicaImports.clear();
    replicaImporting.clear();
  }

  /**
   * This replica became a primary: an import its old primary had not finished died with that
   * primary's connection to the source (which keeps the slots), so what arrived is deleted, in the
   * background with DEL to our own replicas (former siblings), then FINISH, as a rolled-back
   * import.
   */
  public void promoted() {
    if (replicaImporting.isEmpty()) {
      return;
    }
    BitSet slots = (BitSet) replicaImporting.clone();
    rolledBack.putAll(replicaImports); // our own replicas still hide them: FINISH after the DELs
    replicaResynced();
    Log.warning(
        "Slot import of slots "
            + MigrationJob.ranges(slots)
            + " by the former primary never finished: deleting what arrived");
    deleteKeysInSlots(slots);
  }

  // ---- ownership -----------------------------------------------------------------------------

  /** Source side, after the target's answer to END: the slots belong to the target. */
  void giveUpSlots(BitSet slots, String targetId, Runnable then) {
    ClusterBus bus = server.cluster;
    bus.execute(
        () -> {
          NodeTable t = bus.table();
          ClusterNode target = t.get(targetId);
          for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
            t.setMigratingTo(s, null);
            if (t.owner(s) == t.myself) {
              t.unassignSlot(s);
              if (target != null) {
                t.assignSlot(target, s);
              }
            }
          }
          bus.changed();
          bus.publish(); // before the held writes run again: they must see the new owner
          server.loop().execute(then);
        });
  }

  /**
   * Target side, at END: myself takes the slots with a config epoch bump (as SETSLOT NODE on an
   * importing node: clusterBumpConfigEpochWithoutConsensus) and tells every node at once.
   */
  void takeSlots(BitSet slots, Runnable then) {
    ClusterBus bus = server.cluster;
    bus.execute(
        () -> {
          NodeTable t = bus.table();
          for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
            t.setImportingFrom(s, null);
            if (t.owner(s) != t.myself) {
              t.unassignSlot(s);
              t.assignSlot(t.myself, s);
            }
          }
          if (t.myself.configEpoch == 0 || t.myself.configEpoch != t.maxEpoch()) {
            t.currentEpoch++;
            t.myself.configEpoch = t.currentEpoch;
          }
          bus.changed();
          bus.publish();
          bus.broadcastPong();
          server.loop().execute(then);
        });
  }

  // ---- keys this node does not serve ---------------------------------------------------------

  /**
   * True while some keys here are not this node's to show: keys arriving for slots being imported,
   * and keys of slots given away or rolled back that wait for background deletion. As Valkey 9.0,
   * DBSIZE, KEYS, SCAN and RANDOMKEY leave them out; commands on the keys themselves are redirected
   * by slot ownership as usual.
   */
  public boolean hidesKeys() {
    return !importing.isEmpty() || !cleaning.isEmpty() || !replicaImporting.isEmpty();
  }

  /** True when the keys of {@code slot} are hidden (see {@link #hidesKeys}). */
  public boolean hidden(int slot) {
    return importing.get(slot) || cleaning.get(slot) || replicaImporting.get(slot);
  }

  /** True when {@code key} is hidden (see {@link #hidesKeys}); one test when nothing is. */
  public boolean hidden(Database db, byte[] key) {
    return db.id() == 0 && hidesKeys() && hidden(SlotHash.slot(key, 0, key.length));
  }

  /** DBSIZE: the keys of {@code db} without the hidden ones. */
  public long visibleSize(Database db) {
    long n = db.size();
    if (db.id() != 0 || !hidesKeys()) {
      return n;
    }
    BitSet all = (BitSet) importing.clone();
    all.or(cleaning);
    all.or(replicaImporting);
    for (int s = all.nextSetBit(0); s >= 0; s = all.nextSetBit(s + 1)) {
      n -= db.countKeysInSlot(s);
    }
    return n;
  }

  /**
   * RANDOMKEY: a random key that is not hidden, or null. After 100 draws of hidden keys (nearly
   * every key hidden) the first visible key in slot order is taken.
   */
  public io.cinnabar.keyspace.Entry randomVisibleKey(Database db, long now) {
    if (db.id() != 0 || !hidesKeys()) {
      return db.randomKey(now);
    }
    for (int i = 0; i < 100; i++) {
      io.cinnabar.keyspace.Entry e = db.randomKey(now);
      if (e == null || !hidden(SlotHash.slot(e.key(), 0, e.key().length))) {
        return e;
      }
    }
    io.cinnabar.keyspace.Entry[] found = new io.cinnabar.keyspace.Entry[1];
    for (int s = 0; s < SlotHash.SLOTS && found[0] == null; s++) {
      if (hidden(s) || db.countKeysInSlot(s) == 0) {
        continue;
      }
      long cursor = 0;
      do {
        cursor =
            db.scanSlot(
                s,
                cursor,
                e -> {
                  if (found[0] == null && !(e.expireAt() >= 0 && e.expireAt() <= now)) {
                    found[0] = e;
                  }
                });
      } while (cursor != 0 && found[0] == null);
    }
    return found[0];
  }

  // ---- background deletion -------------------------------------------------------------------

  /**
   * Deletes, about 1 ms per event-loop turn, the keys of {@code slots} that this node does not own
   * (moved away, or an import rolled back); each deletion reaches the replicas as DEL.
   */
  void deleteKeysInSlots(BitSet slots) {
    cleaning.or(slots);
    if (!cleanerScheduled) {
      cleanerScheduled = true;
      server.loop().schedule(this::clean, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void clean() {
    cleanerScheduled = false;
    Database db = server.keyspace.db(0);
    ClusterTopology topo = server.topology();
    long deadline = System.nanoTime() + 1_000_000;
    List<byte[]> batch = new ArrayList<>();
    int s = cleaning.nextSetBit(0);
    while (s >= 0 && System.nanoTime() < deadline) {
      if (topo != null && topo.owner(s) == topo.myself()) {
        cleaning.clear(s); // owned again: its keys are live
      } else {
        batch.clear();
        long cursor = 0;
        do {
          cursor = db.scanSlot(s, cursor, e -> batch.add(e.key()));
        } while (cursor != 0 && batch.size() < 256);
        for (byte[] k : batch) {
          if (db.delete(k, 0, k.length)) {
            server.signalModifiedKey(db, k);
            server.primary.alsoPropagate(0, DEL, k);
          }
        }
        if (db.countKeysInSlot(s) == 0) {
          cleaning.clear(s);
        }
      }
      s = cleaning.nextSetBit(s);
    }
    for (var it = rolledBack.entrySet().iterator(); it.hasNext(); ) {
      var j = it.next();
      if (!j.getValue().intersects(cleaning)) {
        it.remove();
        finishOnReplicas(j.getKey());
      }
    }
    server.primary.flush();
    if (!cleaning.isEmpty()) {
      cleanerScheduled = true;
      server.loop().schedule(this::clean, 0, TimeUnit.NANOSECONDS);
    }
  }
}
