package io.cinnabar.keyspace;

/** Counters reported by INFO stats; written by the keyspace thread only. */
public final class KeyspaceStats {
  public long hits;
  public long misses;
  public long expiredKeys;
  public long expiredTimeCapReached;
  public long activeExpireCycles;

  /** Exponential average of the expired fraction seen by the active cycle (expired_stale_perc). */
  public double expiredStalePerc;

  /** Time spent in active expiry, in microseconds (expire_cycle_cpu_milliseconds is this/1000). */
  public long expireCycleMicros;

  /** Writes since the last save (rdb_changes_since_last_save) and since start (dirty). */
  public long dirty;

  public void reset() {
    hits = misses = expiredKeys = expiredTimeCapReached = activeExpireCycles = 0;
    expiredStalePerc = 0;
    expireCycleMicros = 0;
  }
}
