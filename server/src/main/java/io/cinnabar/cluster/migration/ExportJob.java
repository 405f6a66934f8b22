package io.cinnabar.cluster.migration;

import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.command.KeyPositions;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Log;
import io.cinnabar.server.ServerContext;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The source side of an atomic slot migration. On the keyspace thread: connects to the target's
 * client port, sends {@code CLUSTER SYNCSLOTS START}, then streams the slots' keys in bounded
 * batches (about 1 ms of work per event-loop turn, only while the connection is writable) and, on
 * the same connection and in order, every write the node propagates for those slots (the {@link
 * io.cinnabar.server.Primary.Tap}). A key is exact on the target because each snapshot entry
 * replaces it and every later write follows it.
 *
 * <p>Writes that touch several keys (RENAME, SUNIONSTORE, ...) are not forwarded as commands: the
 * target may not hold their source keys yet. Their keys are queued for re-sending from their
 * current state instead, as is a big key a write touches while its chunks are under way. Writes to
 * a queued key are dropped, the re-send carrying their effect.
 *
 * <p>At the end, writes to the slots are held (only they: the node serves everything else), {@code
 * SYNCSLOTS END} goes out behind the last forwarded write, the target takes the slots (config epoch
 * bump, PONG to all) and answers; then the bus gives them up here, the held writes run again (and
 * get MOVED), and the moved keys are deleted in the background. Until that answer this node owns
 * the slots: a failure or cancel before END leaves everything here and the target deletes what it
 * got. (A connection lost between END and its answer is the one case where the target may own the
 * slots while this node thinks it failed; the bus settles it by config epoch.)
 */
final class ExportJob extends MigrationJob implements TargetLink.Listener {
  private static final long BUDGET_NS = 1_000_000;
  private static final int TURN_BYTES = 256 * 1024;
  private static final long MAX_PENDING_BYTES = 512L << 20;
  private static final long FINISH_PENDING_BYTES = 1 << 20;
  private static final long ACK_TIMEOUT_MS = 10_000;
  private static final int MAX_RESTARTS = 3;

  private final SlotMigrations owner;
  private final ServerContext server;
  private final Database db;
  private final String host;
  private final int port;
  private final int[] slotOrder;

  private TargetLink link;
  private ByteBuf out;
  private boolean flushScheduled;
  private boolean pumpScheduled;

  private int slotIndex;
  private int curSlot = -1;
  private long cursor;
  private final LinkedHashSet<Key> queued = new LinkedHashSet<>();
  private final Map<Key, Integer> restarts = new HashMap<>();
  private KeyTransfer big;

  /** Writes to the slots wait (see {@link SlotMigrations#holding}). */
  boolean holdingWrites;

  private long keysSent;
  private long bytesSent;
  private long keysTotal = -1;

  /** Replies awaited from the target, in order: "auth", "start", "end". */
  private final java.util.ArrayDeque<String> awaiting = new java.util.ArrayDeque<>();

  ExportJob(
      SlotMigrations owner,
      ServerContext server,
      String name,
      BitSet slots,
      String myId,
      String targetId,
      String host,
      int port) {
    super(name, slots, myId, targetId, CONNECTING);
    this.owner = owner;
    this.server = server;
    this.db = server.keyspace.db(0);
    this.host = host;
    this.port = port;
    this.slotOrder = slots.stream().toArray();
  }

  @Override
  String operation() {
    return "EXPORT";
  }

  @Override
  long keys() {
    return keysSent;
  }

  @Override
  long keysTotal() {
    return keysTotal;
  }

  @Override
  long bytes() {
    return bytesSent;
  }

  @Override
  long longestTurnUs() {
    return longestTurnNs / 1000;
  }

  @Override
  long longestTurnCpuUs() {
    return longestTurnCpuNs / 1000;
  }

  // ---- connection ----------------------------------------------------------------------------

  void start() {
    link = new TargetLink(server, host, port, this);
  }

  @Override
  public void connectFailed(Throwable cause) {
    fail("cannot connect to target " + host + ":" + port + ": " + cause);
  }

  @Override
  public void connected() {
    if (!active()) {
      link.close();
      return;
    }
    out = newOut();
    String user = server.config.get("masteruser");
    String pass = server.config.get("masterauth");
    if (pass != null && !pass.isEmpty()) {
      if (user != null && !user.isEmpty()) {
        RespOut.command(out, "AUTH", user, pass);
      } else {
        RespOut.command(out, "AUTH", pass);
      }
      awaiting.add("auth");
    }
    java.util.List<String> start =
        new java.util.ArrayList<>(
            java.util.List.of("CLUSTER", "SYNCSLOTS", "START", name, sourceId));
    int s = slots.nextSetBit(0);
    while (s >= 0) {
      int e = slots.nextClearBit(s) - 1;
      start.add(Integer.toString(s));
      start.add(Integer.toString(e));
      s = slots.nextSetBit(e + 1);
    }
    RespOut.command(out, start.toArray(new String[0]));
    awaiting.add("start");
    long total = 0;
    for (int slot : slotOrder) {
      total += db.countKeysInSlot(slot);
    }
    keysTotal = total;
    setState(SYNCING, null);
    owner.exporting(this, true);
    schedulePump();
  }

  @Override
  public void writable() {
    schedulePump();
  }

  @Override
  public void closed() {
    if (active()) {
      fail("connection with the target lost");
    }
  }

  @Override
  public void replied(String r) {
    if (!active()) {
      return;
    }
    ackMs = System.currentTimeMillis();
    String what = awaiting.poll();
    if (r.startsWith("-")) {
      fail("target replied to " + (what == null ? "a command" : what) + ": " + r.substring(1));
      return;
    }
    if ("end".equals(what)) {
      flip();
    } else if ("ping".equals(what)) {
      pinging = false;
      if (state.equals(SYNCING)
          && big == null
          && queued.isEmpty()
          && curSlot < 0
          && slotIndex >= slotOrder.length) {
        finish();
      } else {
        schedulePump();
      }
    }
  }

  // ---- streaming -----------------------------------------------------------------------------

  private void schedulePump() {
    if (!pumpScheduled && active()) {
      pumpScheduled = true;
      // Scheduled (not executed) so socket I/O runs between two batches.
      server.loop().schedule(this::pump, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void pump() {
    long t0 = System.nanoTime();
    long c0 = CPU.getCurrentThreadCpuTime();
    pumpTurn();
    longestTurnNs = Math.max(longestTurnNs, System.nanoTime() - t0);
    longestTurnCpuNs = Math.max(longestTurnCpuNs, CPU.getCurrentThreadCpuTime() - c0);
  }

  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** The most CPU time one turn took: the migration's own work, without GC or preemption. */
  long longestTurnCpuNs;

  /** The longest event-loop turn this job's streaming took (wall clock), for GETSLOTMIGRATIONS. */
  long longestTurnNs;

  private void pumpTurn() {
    pumpScheduled = false;
    if (!state.equals(SYNCING) || !link.isActive()) {
      return;
    }
    if (server.replicaLink() != null) {
      fail("this node became a replica"); // its writes no longer come through the tap
      return;
    }
    long deadline = System.nanoTime() + BUDGET_NS;
    while (out.readableBytes() < TURN_BYTES && System.nanoTime() < deadline) {
      if (big != null) {
        stepBig(false);
      } else if (!queued.isEmpty()) {
        Iterator<Key> it = queued.iterator();
        Key k = it.next();
        it.remove();
        sendKey(k.bytes());
      } else if (curSlot >= 0 || slotIndex < slotOrder.length) {
        if (curSlot < 0) {
          curSlot = slotOrder[slotIndex++];
          cursor = 0;
        }
        cursor = db.scanSlot(curSlot, cursor, this::visit);
        if (cursor == 0) {
          curSlot = -1;
        }
      } else {
        flushOut();
        finish();
        return;
      }
    }
    flushOut();
    if (link.isWritable() && !pumpScheduled && active()) {
      // At most half of the keyspace thread: the next batch after a pause as long as this one,
      // so clients and the target (often on the same cores) keep their share.
      pumpScheduled = true;
      server.loop().schedule(this::pump, BUDGET_NS, TimeUnit.NANOSECONDS);
    }
  }

  /** A key found by the slot scan: small ones go now, big ones through the queue. */
  private void visit(Entry e) {
    if (KeyTransfer.isBig(e)) {
      queued.add(new Key(e.key()));
    } else {
      bytesSent += KeyTransfer.restore(out, e);
      keysSent++;
    }
  }

  /** Sends a key from its current state: DEL when gone, else RESTORE or a chunked transfer. */
  private void sendKey(byte[] key) {
    Entry e = db.peek(key);
    if (e == null) {
      KeyTransfer.delete(out, key);
      return;
    }
    if (!KeyTransfer.isBig(e)) {
      bytesSent += KeyTransfer.restore(out, e);
      keysSent++;
      return;
    }
    setBig(KeyTransfer.chunked(e));
    Integer n = restarts.get(new Key(key));
    if (n != null && n >= MAX_RESTARTS) {
      stepBig(true); // a hot key: sent whole in this turn rather than never
    }
  }

  private void stepBig(boolean whole) {
    do {
      if (!big.same(db.peek(big.key))) {
        queued.add(new Key(big.key)); // changed under us without a write seen: start over
        setBig(null);
        return;
      }
      int before = out.writerIndex();
      big.step(out);
      bytesSent += out.writerIndex() - before;
    } while (whole && !big.done());
    if (big.done()) {
      keysSent++;
      setBig(null);
    }
  }

  /** A write this node propagated to a key of the migrating slots (Primary's tap). */
  void onWrite(Request r, KeyPositions keys) {
    // While finishing, client writes to the slots are held: what still comes is expiry or
    // eviction, which the target does itself (it has the TTLs).
    if (!state.equals(SYNCING)) {
      return;
    }
    boolean single = true;
    int k0 = keys.get(0);
    for (int i = 1; i < keys.size() && single; i++) {
      int k = keys.get(i);
      single =
          Arrays.equals(
              r.bufs[k],
              r.offs[k],
              r.offs[k] + r.lens[k],
              r.bufs[k0],
              r.offs[k0],
              r.offs[k0] + r.lens[k0]);
    }
    if (single) {
      Key key = new Key(r.copy(k0));
      if (abortBig(key) || queued.contains(key)) {
        return;
      }
      RespOut.command(out, r);
      scheduleFlush();
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      Key key = new Key(r.copy(keys.get(i)));
      abortBig(key);
      queued.add(key);
    }
    schedulePump();
  }

  /** If {@code key} is mid-transfer, the transfer stops and the key is queued again. */
  private boolean abortBig(Key key) {
    if (big == null || !Arrays.equals(big.key, key.bytes())) {
      return false;
    }
    setBig(null);
    restarts.merge(key, 1, Integer::sum);
    queued.add(key);
    schedulePump();
    return true;
  }

  private void setBig(KeyTransfer t) {
    KeyTransfer was = big;
    big = t;
    if (was == null && t != null) {
      owner.bigTransfer(1);
    } else if (was != null && t == null) {
      owner.bigTransfer(-1);
    }
  }

  /** True while {@code key}'s chunks are on their way. */
  boolean inFlight(byte[] b, int off, int len) {
    return big != null && Arrays.equals(big.key, 0, big.key.length, b, off, off + len);
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      server.loop().execute(this::flushOut);
    }
  }

  /**
   * A heap buffer for the commands of one turn: unpooled heap buffers are not leak-tracked, and
   * serializing into them costs no more than into a pooled direct one.
   */
  private static ByteBuf newOut() {
    return io.netty.buffer.Unpooled.buffer(16 * 1024);
  }

  private void flushOut() {
    flushScheduled = false;
    if (out == null || !out.isReadable() || link == null) {
      return;
    }
    ByteBuf b = out;
    bytesWritten += b.readableBytes();
    out = newOut();
    link.write(b);
    if (link.pendingBytes() > MAX_PENDING_BYTES) {
      fail("the target does not keep up (over " + (MAX_PENDING_BYTES >> 20) + " MB pending)");
    }
  }

  // ---- the end -------------------------------------------------------------------------------

  /**
   * The snapshot is sent: once the target has nearly caught up, writes to the slots are held and
   * END follows the last forwarded write.
   */
  private void finish() {
    if (link.pendingBytes() > FINISH_PENDING_BYTES) {
      server.loop().schedule(this::pump, 1, TimeUnit.MILLISECONDS);
      pumpScheduled = true;
      return;
    }
    if (pinging) {
      return;
    }
    if (pingMark < 0 || bytesWritten + out.readableBytes() - pingMark > CATCH_UP_BYTES) {
      // First make sure the target has applied (nearly) everything: socket buffers can hold
      // megabytes, and writes to the slots wait from END until the target's answer.
      RespOut.command(out, "CLUSTER", "SYNCSLOTS", "PING", name);
      awaiting.add("ping");
      pinging = true;
      pingMark = bytesWritten + out.readableBytes();
      flushOut();
      return;
    }
    setState(FINISHING, null);
    owner.holding(this, true);
    finishingSince = System.nanoTime();
    RespOut.command(out, "CLUSTER", "SYNCSLOTS", "END", name);
    awaiting.add("end");
    flushOut();
    server
        .loop()
        .schedule(
            () -> {
              if (state.equals(FINISHING) && !flipping) {
                fail("no answer from the target to END within " + ACK_TIMEOUT_MS + " ms");
              }
            },
            ACK_TIMEOUT_MS,
            TimeUnit.MILLISECONDS);
  }

  /** Bytes the target may still have to apply when END goes out. */
  private static final long CATCH_UP_BYTES = 64 * 1024;

  private long bytesWritten;
  private long pingMark = -1;
  private boolean pinging;

  private long finishingSince;
  private boolean flipping;
  private long ackNanos;

  /**
   * The target owns the slots now: the bus gives them up here (without the keyspace thread
   * waiting), then the held writes run again and get MOVED.
   */
  private void flip() {
    ackNanos = System.nanoTime();
    flipping = true;
    owner.exporting(this, false);
    link.close();
    owner.giveUpSlots(slots, targetId, this::flipped);
  }

  private void flipped() {
    owner.holding(this, false);
    setState(SUCCESS, null);
    Log.notice(
        "Slot migration "
            + name
            + " of slots "
            + ranges(slots)
            + " to "
            + targetId
            + " done: "
            + keysSent
            + " keys; writes to the slots held "
            + (System.nanoTime() - finishingSince) / 1000
            + " us at the end (the target's answer after "
            + (ackNanos - finishingSince) / 1000
            + " us)");
    owner.deleteKeysInSlots(slots);
    owner.finished(this);
  }

  /** True while writes to {@code slot} wait for the end of this job. */
  boolean holdsSlot(int slot) {
    return state.equals(FINISHING) && slots.get(slot);
  }

  void cancel() {
    if (active() && !state.equals(FINISHING)) {
      stop(CANCELLED, "cancelled");
    }
  }

  void fail(String why) {
    if (!active() || flipping || resolving) {
      return;
    }
    if (state.equals(FINISHING) && awaiting.contains("end")) {
      resolve(why);
      return;
    }
    Log.warning("Slot migration " + name + " failed: " + why);
    stop(FAILED, why);
  }

  /**
   * END went out and its answer never came (the connection dropped, or no answer in time): the
   * target may have taken the slots or not. Resuming the held writes here could lose them to the
   * target's higher epoch, so, as Valkey's source that unpauses on the topology update, the writes
   * stay held until the bus shows the target owning the slots (then they get MOVED, as after an
   * answer), or until a node timeout passes without it (then the source keeps everything).
   */
  private void resolve(String why) {
    resolving = true;
    resolveWhy = why;
    long timeoutMs = Math.max(1000, server.config.getLong("cluster-node-timeout"));
    resolveDeadline = System.nanoTime() + timeoutMs * 1_000_000;
    Log.warning(
        "Slot migration "
            + name
            + ": "
            + why
            + " after END; writes to slots "
            + ranges(slots)
            + " stay held until the cluster shows who owns them (at most "
            + timeoutMs
            + " ms)");
    owner.exporting(this, false);
    if (link != null) {
      link.close();
    }
    checkResolved();
  }

  private boolean resolving;
  private String resolveWhy;
  private long resolveDeadline;

  private void checkResolved() {
    if (!active() || flipping) {
      return;
    }
    ClusterTopology t = server.topology();
    int target = t == null ? ClusterTopology.NONE : t.indexOf(targetId);
    boolean taken = target != ClusterTopology.NONE;
    for (int s = slots.nextSetBit(0); s >= 0 && taken; s = slots.nextSetBit(s + 1)) {
      taken = t.owner(s) == target;
    }
    if (taken) {
      Log.notice("Slot migration " + name + ": the target owns the slots, the writes move there");
      ackNanos = System.nanoTime();
      flipping = true;
      owner.giveUpSlots(slots, targetId, this::flipped);
      return;
    }
    if (System.nanoTime() - resolveDeadline > 0) {
      resolving = false;
      String why = resolveWhy + "; the target did not take the slots";
      Log.warning("Slot migration " + name + " failed: " + why);
      stop(FAILED, why);
      return;
    }
    server.loop().schedule(this::checkResolved, 20, TimeUnit.MILLISECONDS);
  }

  private void stop(String st, String why) {
    owner.exporting(this, false);
    owner.holding(this, false);
    setState(st, why);
    setBig(null);
    queued.clear();
    if (out != null) {
      out.release();
      out = null;
    }
    if (link != null) {
      link.close();
    }
    owner.finished(this);
  }
}
