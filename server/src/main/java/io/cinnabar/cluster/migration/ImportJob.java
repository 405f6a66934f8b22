package io.cinnabar.cluster.migration;

import io.cinnabar.server.Client;
import java.util.BitSet;

/**
 * The target side of an atomic slot migration: the connection the source streams into. Its commands
 * run like the primary's stream on a replica (no redirection, no pause), into slots this node does
 * not own yet, so normal clients still get MOVED to the source for them. They propagate to this
 * node's replicas. If the connection ends before END, what arrived is deleted.
 */
public final class ImportJob extends MigrationJob {
  final Client client;
  private long keysAtEnd = -1;

  ImportJob(String name, BitSet slots, String sourceId, String myId, Client client) {
    super(name, slots, sourceId, myId, SYNCING);
    this.client = client;
    probeLag(System.nanoTime() - LAG_PERIOD_NS);
  }

  private static final long LAG_PERIOD_NS = 5_000_000;

  /** The longest delay of a 5 ms timer on the keyspace loop while importing: its longest stall. */
  private long maxLagNs;

  /** Measures how late the previous 5 ms timer ran, and sets the next while importing. */
  private void probeLag(long scheduledAt) {
    maxLagNs = Math.max(maxLagNs, System.nanoTime() - scheduledAt - LAG_PERIOD_NS);
    if (active()) {
      long next = System.nanoTime();
      client
          .server
          .loop()
          .schedule(() -> probeLag(next), LAG_PERIOD_NS, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  @Override
  long longestTurnUs() {
    return Math.max(0, maxLagNs) / 1000;
  }

  @Override
  String operation() {
    return "IMPORT";
  }

  @Override
  long keys() {
    if (keysAtEnd >= 0) {
      return keysAtEnd;
    }
    long n = 0;
    for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
      n += client.server.keyspace.db(0).countKeysInSlot(s);
    }
    return n;
  }

  @Override
  long keysTotal() {
    return -1;
  }

  @Override
  long bytes() {
    return 0;
  }

  @Override
  void setState(String s, String msg) {
    if (active() && !s.equals(SYNCING) && !s.equals(FINISHING)) {
      keysAtEnd = keys();
    }
    super.setState(s, msg);
  }
}
