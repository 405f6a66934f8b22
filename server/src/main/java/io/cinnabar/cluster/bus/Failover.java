package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import io.cinnabar.server.Log;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Failover on the bus: runs the {@link Election} of this replica (on the cron, after every event
 * and on a timer at the end of the election delay, so sub-100 ms delays are honoured), answers
 * other replicas' vote requests ({@link Voter}), the primary half of a manual failover (MFSTART,
 * the write pause, PAUSED pings), CLUSTER FAILOVER, the role changes that follow (take over the
 * primary's slots, follow a new primary) and replica migration. Bus thread only, except the
 * volatile fields the keyspace thread publishes.
 */
final class Failover implements Election.Actions {
  /** CLUSTER_SLAVE_MIGRATION_DELAY: an orphaned primary waits this long for a migrating replica. */
  static final long MIGRATION_DELAY = 5000;

  private final ClusterBus bus;
  final Election election =
      new Election(System::currentTimeMillis, n -> ThreadLocalRandom.current().nextLong(n));
  final Voter voter = new Voter();

  /** The keyspace thread's side of role changes; set once when the server starts. */
  volatile ReplicationControl control = ReplicationControl.NONE;

  /** Published by the keyspace thread: replication offset, when the primary was last heard. */
  volatile long replOffset;

  volatile long primaryDataMs;

  /** Set while a manual failover waits for our offset: the keyspace thread's updates wake us. */
  volatile boolean offsetWatched;

  /** The primary side of a manual failover: deadline, the replica, whether writes are paused. */
  long mfEnd;

  ClusterNode mfReplica;
  boolean mfPaused;

  /** host:port the keyspace thread was last told to follow, or null. */
  String following;

  private java.util.concurrent.ScheduledFuture<?> wake;
  private long wakeAt;

  Failover(ClusterBus bus) {
    this.bus = bus;
  }

  // ---- the replica's election ---------------------------------------------------------------

  /** Runs the election state machine once (clusterHandleSlaveFailover) and arms its timer. */
  void step() {
    NodeTable t = bus.table;
    if (!t.myself.is(ClusterNode.FLAG_REPLICA)) {
      return;
    }
    long next = election.step(t, bus.settings.election(), replOffset, primaryDataMs, this);
    if (next > 0) {
      wakeAt(next);
    }
  }

  private void wakeAt(long at) {
    long now = System.currentTimeMillis();
    if (wake != null && !wake.isDone() && wakeAt <= at) {
      return;
    }
    if (wake != null) {
      wake.cancel(false);
    }
    wakeAt = at;
    wake = bus.schedule(this::step, Math.max(0, at - now));
  }

  @Override
  public void pongSiblings() {
    NodeTable t = bus.table;
    for (ClusterNode n : t.nodes()) {
      if (n != t.myself
          && n.is(ClusterNode.FLAG_REPLICA)
          && n.primaryId != null
          && (n.primaryId.equals(t.myself.primaryId) || n.primaryId.equals(t.myself.id))) {
        pong(n);
      }
    }
  }

  @Override
  public void requestVotes(boolean forceAck) {
    ClusterMessage m = BusProcessor.header(bus, ClusterMessage.FAILOVER_AUTH_REQUEST);
    if (forceAck) {
      m.mflags[0] |= ClusterMessage.MFLAG0_FORCEACK;
    }
    for (ClusterNode n : bus.table.nodes()) {
      if (!n.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
        send(n, m);
      }
    }
  }

  @Override
  public void changed() {
    bus.changed();
  }

  /**
   * clusterFailoverReplaceYourMaster: myself turns primary (REPLICAOF NO ONE on the keyspace
   * thread), claims every slot of the old primary, saves nodes.conf with fsync and tells everyone
   * with a PONG.
   */
  @Override
  public void takeOver() {
    NodeTable t = bus.table;
    ClusterNode me = t.myself;
    ClusterNode old = t.primaryOf(me);
    if (me.is(ClusterNode.FLAG_PRIMARY) || old == null) {
      return;
    }
    me.flags = (me.flags & ~ClusterNode.FLAG_REPLICA) | ClusterNode.FLAG_PRIMARY;
    me.primaryId = null;
    following = null;
    control.promote();
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      if (old.hasSlot(s)) {
        t.unassignSlot(s);
        t.assignSlot(me, s);
      }
    }
    bus.changed();
    saveWithFsync();
    bus.publish();
    for (ClusterNode n : t.nodes()) {
      if (!n.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
        pong(n);
      }
    }
    election.clear();
    offsetWatched = false;
  }

  // ---- votes --------------------------------------------------------------------------------

  /** FAILOVER_AUTH_REQUEST from a known node. */
  void authRequest(ClusterNode sender, ClusterMessage m) {
    NodeTable t = bus.table;
    String why =
        voter.decide(
            t,
            sender,
            m.currentEpoch,
            m.configEpoch,
            m.myslots,
            (m.mflags[0] & ClusterMessage.MFLAG0_FORCEACK) != 0,
            System.currentTimeMillis(),
            bus.settings.timeout());
    if (why == null) {
      // The vote is on disk before it leaves: after a crash we cannot vote twice in this epoch.
      bus.changed();
      saveWithFsync();
      send(sender, BusProcessor.header(bus, ClusterMessage.FAILOVER_AUTH_ACK));
      Log.warning(
          "Failover auth granted to "
              + sender.id
              + " for epoch "
              + Long.toUnsignedString(t.currentEpoch));
    } else if (!why.isEmpty()) {
      Log.warning("Failover auth denied to " + sender.id + ": " + why);
    }
  }

  /** FAILOVER_AUTH_ACK: counts when it comes from a slot-owning primary in our election epoch. */
  void authAck(ClusterNode sender, ClusterMessage m) {
    if (sender.is(ClusterNode.FLAG_PRIMARY) && sender.slotCount() > 0) {
      election.ack(m.currentEpoch);
      step();
    }
  }

  // ---- manual failover ----------------------------------------------------------------------

  /** CLUSTER FAILOVER [FORCE|TAKEOVER] on this node: null when accepted, else the error reply. */
  String manual(boolean force, boolean takeover) {
    NodeTable t = bus.table;
    ClusterNode me = t.myself;
    ClusterNode primary = t.primaryOf(me);
    if (me.is(ClusterNode.FLAG_PRIMARY)) {
      return "ERR You should send CLUSTER FAILOVER to a replica";
    }
    if (primary == null) {
      return "ERR I'm a replica but my master is unknown to me";
    }
    BusLink link = bus.linkOf(primary);
    if (!force && (primary.is(ClusterNode.FLAG_FAIL) || link == null || !link.connected())) {
      return "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE";
    }
    election.startManual(force);
    if (takeover) {
      Log.warning("Taking over the master (user request).");
      bumpEpochWithoutConsensus();
      takeOver();
    } else if (force) {
      Log.warning("Forced failover user request accepted.");
      step();
    } else {
      Log.warning("Manual failover user request accepted.");
      send(primary, BusProcessor.header(bus, ClusterMessage.MFSTART));
      offsetWatched = true;
    }
    return null;
  }

  /** clusterBumpConfigEpochWithoutConsensus: a new config epoch unless ours is already the max. */
  void bumpEpochWithoutConsensus() {
    NodeTable t = bus.table;
    long max = t.maxEpoch();
    if (t.myself.configEpoch == 0 || t.myself.configEpoch != max) {
      t.currentEpoch++;
      t.myself.configEpoch = t.currentEpoch;
      bus.changed();
      Log.warning("New configEpoch set to " + Long.toUnsignedString(t.myself.configEpoch));
    }
  }

  /** MFSTART from a replica of myself: pause writes, then ping it with our final offset. */
  void mfStart(ClusterNode sender) {
    NodeTable t = bus.table;
    if (sender == null || !t.myself.id.equals(sender.primaryId)) {
      return;
    }
    resetPrimaryManual();
    long now = System.currentTimeMillis();
    mfEnd = now + Election.MF_TIMEOUT;
    mfReplica = sender;
    Log.warning("Manual failover requested by replica " + sender.id + ".");
    long end = mfEnd;
    control.pauseWrites(
        now + Election.MF_TIMEOUT * Election.MF_PAUSE_MULT,
        () ->
            bus.execute(
                () -> {
                  if (mfEnd == end && mfReplica == sender) {
                    mfPaused = true;
                    pingManualReplica();
                  }
                }));
  }

  private void pingManualReplica() {
    BusLink l = bus.linkOf(mfReplica);
    if (l != null && l.connected()) {
      BusProcessor.sendPing(bus, l, ClusterMessage.PING);
    }
  }

  /** The PAUSED flag this primary's headers carry during a manual failover. */
  boolean paused() {
    return mfEnd != 0 && mfPaused && bus.table.myself.is(ClusterNode.FLAG_PRIMARY);
  }

  private void resetPrimaryManual() {
    if (mfEnd != 0 && mfPaused) {
      control.unpause();
    }
    mfEnd = 0;
    mfReplica = null;
    mfPaused = false;
  }

  /** A header from {@code sender}: our primary's offset while paused for our manual failover. */
  void header(ClusterNode sender, ClusterMessage m) {
    ClusterNode me = bus.table.myself;
    if (election.manualRunning()
        && me.is(ClusterNode.FLAG_REPLICA)
        && sender.id.equals(me.primaryId)
        && (m.mflags[0] & ClusterMessage.MFLAG0_PAUSED) != 0) {
      election.primaryPaused(m.offset);
      checkManual();
    }
  }

  /** Runs when our offset may have reached the paused primary's. */
  void checkManual() {
    if (election.checkManual(replOffset)) {
      offsetWatched = false;
      step();
    }
  }

  // ---- cron -----------------------------------------------------------------------------------

  /** The cluster cron's failover duties (clusterCron's tail). */
  void cron(long now) {
    NodeTable t = bus.table;
    ClusterNode me = t.myself;
    boolean noFailover = bus.settings.election().noFailover();
    if (noFailover != me.is(ClusterNode.FLAG_NOFAILOVER)) {
      me.flags ^= ClusterNode.FLAG_NOFAILOVER;
      bus.changed();
    }
    if (election.manualTimedOut()) {
      offsetWatched = false;
    }
    if (mfEnd != 0 && mfEnd < now) {
      Log.warning("Manual failover timed out.");
      resetPrimaryManual();
    }
    if (paused() && mfReplica != null) {
      pingManualReplica();
    }
    for (ClusterNode n : t.nodes()) {
      ClusterNode p = t.primaryOf(n);
      if (p != null && n.is(ClusterNode.FLAG_REPLICA)) {
        p.flags |= ClusterNode.FLAG_MIGRATE_TO; // it had replicas: it can become orphaned
      }
    }
    if (!me.is(ClusterNode.FLAG_REPLICA)) {
      return;
    }
    followMyPrimary();
    checkManual();
    step();
    migrateIfNeeded(now);
  }

  /** A replica whose keyspace is not replicating from its primary's address starts to. */
  private void followMyPrimary() {
    ClusterNode p = bus.table.primaryOf(bus.table.myself);
    if (p == null || p.ip.isEmpty() || p.port <= 0 || p.is(ClusterNode.FLAG_NOADDR)) {
      return;
    }
    String addr = p.ip + ":" + p.port;
    if (!addr.equals(following)) {
      following = addr;
      control.follow(p.ip, p.port);
    }
  }

  /**
   * clusterSetMaster: myself becomes a replica of {@code primary} (slots and migrations dropped)
   * and the keyspace thread follows it.
   */
  void setPrimary(ClusterNode primary) {
    bus.setMyPrimary(primary);
    election.resetManual();
    // As Redis (one thread there): writes held by a manual failover's pause must see the new
    // owner (MOVED), never run here. So the routing view goes out first, then the keyspace
    // thread is told to follow, then (queued behind it on the same loop) to unpause.
    bus.publish();
    if (!primary.ip.isEmpty() && primary.port > 0) {
      control.follow(primary.ip, primary.port);
    }
    resetPrimaryManual();
  }

  /** Replicas of {@code p} that are neither FAIL nor PFAIL (clusterCountNonFailingSlaves). */
  private int okReplicas(ClusterNode p) {
    int ok = 0;
    for (ClusterNode r : bus.table.replicasOf(p)) {
      if (!r.is(ClusterNode.FLAG_FAIL | ClusterNode.FLAG_PFAIL)) {
        ok++;
      }
    }
    return ok;
  }

  private final java.util.Map<String, Long> orphanedSince = new java.util.HashMap<>();

  /**
   * clusterHandleSlaveMigration: when a slot-owning primary has lost all its replicas and mine has
   * more than cluster-migration-barrier working ones, the replica with the smallest id among the
   * primaries with the most replicas migrates to it after {@link #MIGRATION_DELAY}.
   */
  private void migrateIfNeeded(long now) {
    NodeTable t = bus.table;
    if (!bus.settings.allowReplicaMigration()) {
      return;
    }
    int orphaned = 0;
    int maxReplicas = 0;
    int mine = 0;
    for (ClusterNode n : t.nodes()) {
      if (n.is(ClusterNode.FLAG_PRIMARY) && !n.is(ClusterNode.FLAG_FAIL)) {
        int ok = okReplicas(n);
        if (ok == 0 && n.slotCount() > 0 && n.is(ClusterNode.FLAG_MIGRATE_TO)) {
          orphaned++;
        }
        maxReplicas = Math.max(maxReplicas, ok);
        if (n.id.equals(t.myself.primaryId)) {
          mine = ok;
        }
      }
    }
    if (orphaned == 0 || maxReplicas < 2 || mine != maxReplicas || !bus.stateOk()) {
      return;
    }
    ClusterNode myPrimary = t.primaryOf(t.myself);
    if (myPrimary == null || okReplicas(myPrimary) <= bus.settings.migrationBarrier()) {
      return;
    }
    ClusterNode target = null;
    ClusterNode candidate = t.myself;
    for (ClusterNode n : t.nodes()) {
      int ok = n.is(ClusterNode.FLAG_PRIMARY) ? okReplicas(n) : 0;
      boolean isOrphaned =
          n.is(ClusterNode.FLAG_PRIMARY)
              && !n.is(ClusterNode.FLAG_FAIL)
              && n.is(ClusterNode.FLAG_MIGRATE_TO)
              && ok == 0;
      if (isOrphaned) {
        if (target == null && n.slotCount() > 0) {
          target = n;
        }
        orphanedSince.putIfAbsent(n.id, now);
      } else {
        orphanedSince.remove(n.id);
      }
      if (n.is(ClusterNode.FLAG_PRIMARY) && ok == maxReplicas) {
        for (ClusterNode r : t.replicasOf(n)) {
          if (r.id.compareTo(candidate.id) < 0) {
            candidate = r;
          }
        }
      }
    }
    if (target != null
        && candidate == t.myself
        && now - orphanedSince.getOrDefault(target.id, now) > MIGRATION_DELAY) {
      Log.notice("Migrating to orphaned master " + target.id);
      setPrimary(target);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void pong(ClusterNode n) {
    BusLink l = bus.linkOf(n);
    if (l != null && l.connected()) {
      BusProcessor.sendPing(bus, l, ClusterMessage.PONG);
    }
  }

  private void send(ClusterNode n, ClusterMessage m) {
    BusLink l = bus.linkOf(n);
    if (l != null && l.connected()) {
      l.send(m);
    }
  }

  private void saveWithFsync() {
    try {
      bus.save();
    } catch (IOException e) {
      Log.warning("Could not save the cluster config: " + e.getMessage());
    }
  }
}
