package io.cinnabar.keyspace;

/**
 * All databases of a node and the active expiry cycle. Owned by one thread (the keyspace thread);
 * nothing here is synchronized.
 *
 * <p>Active expiry follows Redis's activeExpireCycle: each cron tick it tests keys with a TTL in
 * the databases in turn, deletes the expired ones, and keeps testing a database while more than the
 * acceptable fraction of a batch was expired, within a time budget of 25% of a tick (more with a
 * higher {@code active-expire-effort}). Keys not yet tested are still never visible: every lookup
 * checks the TTL first.
 */
public final class Keyspace {
  private final Database[] dbs;
  private final KeyspaceStats stats = new KeyspaceStats();
  private final int[] sampled = new int[1];

  /** Active expiry state kept across cycles, as the statics of Redis's activeExpireCycle. */
  private int currentDb;

  private boolean timelimitExit;
  private long lastFastCycleMicros;

  public Keyspace(int databases) {
    this(databases, false);
  }

  /** In cluster mode there is one database, its keys indexed per hash slot. */
  public Keyspace(int databases, boolean cluster) {
    if (cluster) {
      databases = 1;
    }
    dbs = new Database[databases];
    for (int i = 0; i < databases; i++) {
      dbs[i] = new Database(i, stats, cluster);
    }
  }

  /** Keyspace events the server turns into notifications (Redis's "new" and "expired"). */
  public interface Listener {
    /** A key was created (Redis's dbAdd). */
    void added(Database db, byte[] key);

    /** A key was deleted because its TTL passed (lazily or by active expiry). */
    void expired(Database db, byte[] key);

    /** True when {@link #missed} would do something (the key is not copied otherwise). */
    boolean wantsMisses();

    /** A read lookup found no key. */
    void missed(Database db, byte[] key);
  }

  /** Installs the listener on every database (once, at server start). */
  public void setListener(Listener l) {
    for (Database d : dbs) {
      d.listener = l;
    }
  }

  /** Sets how every database's lookups treat expired keys ({@link Database#EXPIRY_DELETE} ...). */
  public void setReplicaExpiry(int mode) {
    for (Database d : dbs) {
      d.replicaExpiry = mode;
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

  /**
   * Takes the contents of {@code loaded} (a replica's freshly loaded dataset), each database at
   * once; {@code loaded} gets the old contents (garbage once dropped).
   */
  public void replaceWith(Keyspace loaded) {
    for (int i = 0; i < dbs.length; i++) {
      dbs[i].swapWith(loaded.dbs[i]);
    }
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

  /** Redis's CRON_DBS_PER_CALL: databases tested per cycle unless the last one ran out of time. */
  static final int DBS_PER_CALL = 16;

  /**
   * Runs one slow active-expiry cycle (from the cron). {@code hz} is the cron frequency and {@code
   * effort} Redis's active-expire-effort (1..10). Returns the number of keys expired.
   */
  public long activeExpireCycle(long now, int hz, int effort) {
    return activeExpireCycle(false, now, hz, effort);
  }

  /**
   * Runs a fast cycle (Redis runs one before each event-loop sleep): at most about 1 ms, and only
   * when the previous cycle ran out of time, and not more often than every 2 ms.
   */
  /** True when a fast cycle could do work (the last cycle ran out of time); cheap to call. */
  public boolean fastCycleWanted() {
    return timelimitExit;
  }

  public long activeExpireCycleFast(long now, int effort) {
    return activeExpireCycle(true, now, 10, effort);
  }

  /**
   * Redis's activeExpireCycle: tests up to 16 databases in turn (all of them if the previous cycle
   * ran out of time); in each, tests batches of keys with a TTL and deletes the expired ones,
   * repeating while more than the acceptable percentage of a batch was expired. The time used is
   * checked every 16 batches against 25% of a cron tick (slow) or 1 ms (fast), both raised by
   * {@code active-expire-effort}.
   */
  long activeExpireCycle(boolean fast, long now, int hz, int effort) {
    long e = Math.max(1, Math.min(10, effort)) - 1;
    int keysPerLoop = (int) (20 + 20 / 4 * e);
    long fastDurationMicros = 1000 + 1000 / 4 * e;
    long slowTimePerc = 25 + 2 * e;
    long acceptableStale = 10 - e;
    long startNanos = System.nanoTime();
    long startMicros = startNanos / 1000;
    if (fast) {
      // As in Redis, the stale fraction (0..1) is compared with a percentage: in effect a fast
      // cycle runs only after a cycle that hit its time limit.
      if (!timelimitExit && stats.expiredStalePerc < acceptableStale) {
        return 0;
      }
      if (startMicros < lastFastCycleMicros + fastDurationMicros * 2) {
        return 0;
      }
      lastFastCycleMicros = startMicros;
    }
    int dbsPerCall = DBS_PER_CALL;
    if (dbsPerCall > dbs.length || timelimitExit) {
      dbsPerCall = dbs.length;
    }
    long timelimitMicros = slowTimePerc * 1_000_000 / Math.max(1, hz) / 100;
    if (timelimitMicros <= 0) {
      timelimitMicros = 1;
    }
    if (fast) {
      timelimitMicros = fastDurationMicros;
    }
    timelimitExit = false;
    stats.activeExpireCycles++;
    long totalSampled = 0;
    long totalExpired = 0;
    int iteration = 0;
    for (int j = 0; j < dbsPerCall && !timelimitExit; j++) {
      Database db = dbs[Integer.remainderUnsigned(currentDb, dbs.length)];
      currentDb++;
      int expired;
      int sampled;
      do {
        iteration++;
        if (db.expiresCount() == 0) {
          db.clearAvgTtl();
          break;
        }
        expired = db.expireSample(keysPerLoop, now, this.sampled);
        sampled = this.sampled[0];
        totalExpired += expired;
        totalSampled += sampled;
        if ((iteration & 0xf) == 0 && (System.nanoTime() - startNanos) / 1000 > timelimitMicros) {
          timelimitExit = true;
          stats.expiredTimeCapReached++;
          break;
        }
      } while (sampled == 0 || (long) expired * 100 / sampled > acceptableStale);
    }
    stats.expireCycleMicros += (System.nanoTime() - startNanos) / 1000;
    double current = totalSampled > 0 ? (double) totalExpired / totalSampled : 0;
    stats.expiredStalePerc = current * 0.05 + stats.expiredStalePerc * 0.95;
    return totalExpired;
  }

  /** Background upkeep of every database's tables. */
  public void cron() {
    for (Database d : dbs) {
      d.cron();
    }
  }
}
