package io.cinnabar.cluster.bus;

/**
 * What the cluster bus asks of the keyspace thread when roles change (failover, a primary that lost
 * its slots, replica migration, manual failover). Every method is called on the bus thread and must
 * only queue the work on the keyspace thread: the bus never waits for it.
 */
public interface ReplicationControl {
  /** Become (or stay) a replica of host:port, keeping the data for a partial resync. */
  void follow(String host, int port);

  /** REPLICAOF NO ONE: this replica won an election and serves its slots now. */
  void promote();

  /**
   * Manual failover on the primary: pause writes until {@code untilMs}, then run {@code paused} on
   * the keyspace thread once the pause is in force and the stream is flushed.
   */
  void pauseWrites(long untilMs, Runnable paused);

  /** The manual failover ended: the pause it started (if still in force) ends. */
  void unpause();

  /** Deletes the keys of slots taken from this node while it keeps others (dirty slots). */
  void deleteKeysInSlots(int[] slots);

  /** Does nothing: a bus without a keyspace (tests). */
  ReplicationControl NONE =
      new ReplicationControl() {
        @Override
        public void follow(String host, int port) {}

        @Override
        public void promote() {}

        @Override
        public void pauseWrites(long untilMs, Runnable paused) {}

        @Override
        public void unpause() {}

        @Override
        public void deleteKeysInSlots(int[] slots) {}
      };
}
