package io.cinnabar.rdb;

/**
 * Snapshot bookkeeping INFO persistence reports (Redis's stat_rdb_saves, rdb_child_pid,
 * lastbgsave_status, ...). Owned by the keyspace thread.
 */
public final class Persistence {
  /** Snapshots written since startup (SAVE, BGSAVE, SHUTDOWN, DEBUG RELOAD). */
  public long saves;

  /** Unix ms when the running BGSAVE started, or -1 when none runs. */
  public long bgsaveStartMs = -1;

  /** A BGSAVE SCHEDULE arrived while one was running: start another when it ends. */
  public boolean bgsaveScheduled;

  public boolean lastBgsaveOk = true;

  /** Seconds the last BGSAVE took, -1 before the first. */
  public long lastBgsaveSeconds = -1;

  /** The thread writing the BGSAVE image, joined by a synchronous save so files never race. */
  Thread bgsaveWriter;

  /** Keyspace changes counted when the running BGSAVE took its snapshot. */
  long dirtyAtBgsave;

  public long lastLoadKeysLoaded;
  public long lastLoadKeysExpired;

  public boolean bgsaveInProgress() {
    return bgsaveStartMs >= 0;
  }
}
