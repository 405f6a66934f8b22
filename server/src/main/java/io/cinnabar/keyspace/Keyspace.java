package io.cinnabar.keyspace;

/**
 * All databases of a node and the active expiry cycle. Owned by one thread (the keyspace thread);
 * nothing here is synchronized.
 *
 * <p>Active expiry follows Redis's activeExpireCycle: each cron tick it samples keys with a TTL in
 * every database, deletes the expired ones, and keeps sampling a database while more than the
 * acceptable fraction of the sample was expired, within a time budget of 25% of a tick (more with a
 * higher {@code active-expire-effort}). Keys that are never sampled are still never visible: every
 * lookup checks the TTL first.
 */
public final class Keyspace {
  private final Database[] dbs;
  private final KeyspaceStats stats = new KeyspaceStats();
  private int nextDb;
  private final int[] sampled = new int[1];

  public Keyspace(int databases) {
    dbs = new Database[databases];
    for (int i = 0; i < databases; i++) {
      dbs[i] = new Database(i, stats);
    }
  }

  public Database db(int i) {
    return dbs[i];
  }

  public int databases() {
    return dbs.length;
  }

  public KeyspaceStats stats() {
    return stats;
  }

  public long totalKeys() {
    long n = 0;
    for (Database d : dbs) {
      n += d.size();
    }
    return n;
  }

  public long memory() {
    long m = 0;
    for (Database d : dbs) {
      m += d.memory();
    }
    return m;
  }

  public void swap(int a, int b) {
    dbs[a].swapWith(dbs[b]);
  }

  public long flushAll() {
    long n = 0;
    for (Database d : dbs) {
      n += d.flush();
    }
    return n;
  }

  /**
   * Runs one slow active-expiry cycle. {@code hz} is the cron frequency and {@code effort} Redis's
   * active-expire-effort (1..10). Returns the number of keys expired.
   */
  public long activeExpireCycle(long now, int hz, int effort) {
    int e = Math.max(1, Math.min(10, effort)) - 1;
    int keysPerLoop = 20 + 20 / 4 * e;
    int acceptableStale = 10 - e;
    long budgetNanos = 1_000_000_000L * (25 + 2 * e) / Math.max(1, hz) / 100;
    long start = System.nanoTime();
    long total = 0;
    double sampledTotal = 0;
    double expiredTotal = 0;
    stats.activeExpireCycles++;
    for (int n = 0; n < dbs.length; n++) {
      Database db = dbs[nextDb];
      nextDb = (nextDb + 1) % dbs.length;
      int iterations = 0;
      while (db.expiresCount() > 0) {
        int expired = db.expireSample(keysPerLoop, now, sampled);
        total += expired;
        sampledTotal += sampled[0];
        expiredTotal += expired;
        if ((++iterations & 15) == 0 && System.nanoTime() - start > budgetNanos) {
          stats.expiredTimeCapReached++;
          updateStale(sampledTotal, expiredTotal);
          return total;
        }
        if (sampled[0] == 0 || expired * 100 / sampled[0] <= acceptableStale) {
          break;
        }
      }
    }
    updateStale(sampledTotal, expiredTotal);
    return total;
  }

  private void updateStale(double sampled, double expired) {
    double current = sampled > 0 ? expired / sampled : 0;
    stats.expiredStalePerc = current * 0.05 + stats.expiredStalePerc * 0.95;
  }

  /** Background upkeep of every database's tables. */
  public void cron() {
    for (Database d : dbs) {
      d.cron();
    }
  }
}
