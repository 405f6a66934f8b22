package io.cinnabar.server;

import io.cinnabar.cluster.bus.ReplicationControl;
import io.cinnabar.keyspace.Database;

/**
 * The keyspace thread's half of cluster role changes: what the bus asks (follow a primary, take
 * over as primary, pause writes for a manual failover, drop keys of lost slots) is queued on the
 * keyspace thread, never waited for. Also publishes the replication offset to the bus.
 */
final class ClusterReplication implements ReplicationControl {
  private final ServerContext server;

  /** The end of the write pause a manual failover started (0: none). Keyspace thread. */
  ClusterReplication(ServerContext server) {
    this.server = server;
  }

  /** The offset and primary liveness the bus uses for ranking and manual failover. */
  void publish() {
    ReplicaLink l = server.replicaLink();
    if (l != null) {
      server.cluster.replicationState(Math.max(0, l.offset()), l.primaryDataMs());
    } else {
      server.cluster.replicationState(server.replication.offset(), 0);
    }
  }

  @Override
  public void follow(String host, int port) {
    server
        .loop()
        .execute(
            () -> {
              ReplicaLink l = server.replicaLink();
              if (server.handover != null) {
                return; // shutting down after handing our slots over: keep the data as it is
              }
              if (l != null && l.host().equals(host) && l.port() == port) {
                return; // already following it (replicationSetMaster does the same)
              }
              Log.notice("Connecting to MASTER " + host + ":" + port);
              server.replicaOf(host, port);
              publish();
            });
  }

  @Override
  public void promote() {
    server
        .loop()
        .execute(
            () -> {
              server.replicaOfNoOne();
              publish();
            });
  }

  @Override
  public void pauseWrites(long untilMs, Runnable paused) {
    server
        .loop()
        .execute(
            () -> {
              server.pauses.pause(Pauses.Purpose.FAILOVER, untilMs, true);
              server.updateClock();
              server.primary.flush();
              publish();
              paused.run();
            });
  }

  @Override
  public void unpause() {
    server.loop().execute(() -> server.pauses.unpause(Pauses.Purpose.FAILOVER));
  }

  @Override
  public void deleteKeysInSlots(int[] slots) {
    server
        .loop()
        .execute(
            () -> {
              Database db = server.keyspace.db(0);
              for (int slot : slots) {
                for (byte[] key : db.keysInSlot(slot, Integer.MAX_VALUE)) {
                  if (db.delete(key, 0, key.length)) {
                    server.signalModifiedKey(db, key);
                    server.notifyKeyspaceEvent(
                        io.cinnabar.config.KeyspaceEvents.GENERIC, "del", key, db.id());
                    server.primary.expired(db.id(), key); // propagated as a DEL
                  }
                }
              }
              server.primary.flush();
            });
  }
}
