package io.cinnabar.keyspace;

/**
 * One numbered database: the key table, the set of keys with a TTL, and an estimate of the memory
 * they hold. Every read goes through {@link #lookupRead} or {@link #lookupWrite}, which delete a
 * key whose TTL has passed before anyone can see it (lazy expiry).
 */
public final class Database {
  /** Estimated JVM bytes of an {@link Entry} and an {@link ExpiringEntry} object. */
  static final int ENTRY_BYTES = 32;

  static final int EXPIRING_ENTRY_BYTES = 48;

  private final int id;
  private final KeyspaceStats stats;
  private Dict dict = new Dict();
  private ExpireSet expires = new ExpireSet();
  private long memory;

  /** Next slot of {@code expires} the active expiry cycle tests. */
  private int expireCursor;

  private long avgTtl;

  Database(int id, KeyspaceStats stats) {
    this.id = id;
    this.stats = stats;
  }

  public int id() {
    return id;
  }

  public int size() {
    return dict.size();
  }

  public int expiresCount() {
    return expires.size();
  }

  public Dict dict() {
    return dict;
  }

  /** Estimated bytes held by keys, values and tables. */
  public long memory() {
    return memory + dict.buckets() * 4 + (long) expires.size() * 4;
  }

  /** A key for reading: counts a hit or a miss and updates the access clock. */
  public Entry lookupRead(byte[] b, int off, int len, long now, int lruClock) {
    Entry e = lookupWrite(b, off, len, now);
    if (e == null) {
      stats.misses++;
    } else {
      stats.hits++;
      e.lru = lruClock;
    }
    return e;
  }

  public Entry lookupRead(byte[] key, long now, int lruClock) {
    return lookupRead(key, 0, key.length, now, lruClock);
  }

  /** A key for writing or inspection: expired keys are deleted, no statistics are counted. */
  public Entry lookupWrite(byte[] b, int off, int len, long now) {
    Entry e = dict.get(b, off, len);
    if (e != null && e.expireAt() >= 0 && e.expireAt() <= now) {
      expire(e);
      return null;
    }
    return e;
  }

  public Entry lookupWrite(byte[] key, long now) {
    return lookupWrite(key, 0, key.length, now);
  }

  /** Deletes an entry whose TTL has passed and counts it. */
  void expire(Entry e) {
    delete(e);
    stats.expiredKeys++;
  }

  /** Adds a key that is not present (the caller looked it up). */
  public Entry add(byte[] key, Object value, byte type, byte encoding, int lruClock) {
    Entry e = new Entry(key, value, type, encoding);
    e.lru = lruClock;
    dict.add(e);
    memory += ENTRY_BYTES + arrayBytes(key.length) + valueBytes(value);
    return e;
  }

  /** Replaces the value of an existing entry; its TTL is kept. */
  public void overwrite(Entry e, Object value, byte type, byte encoding) {
    memory += valueBytes(value) - valueBytes(e.value);
    e.set(value, type, encoding);
  }

  /** Records that a value changed size in place (e.g. APPEND on a buffer with spare room). */
  public void adjustMemory(long delta) {
    memory += delta;
  }

  public boolean delete(byte[] b, int off, int len) {
    Entry e = dict.get(b, off, len);
    if (e == null) {
      return false;
    }
    delete(e);
    return true;
  }

  public void delete(Entry e) {
    dict.remove(e.key);
    if (e instanceof ExpiringEntry x) {
      expires.remove(x);
      memory -= EXPIRING_ENTRY_BYTES;
    } else {
      memory -= ENTRY_BYTES;
    }
    memory -= arrayBytes(e.key.length) + valueBytes(e.value);
  }

  /** Sets the absolute expiry (Unix ms) of a key; returns the entry now in the table. */
  public Entry setExpire(Entry e, long when) {
    if (e instanceof ExpiringEntry x) {
      x.expireAt = when;
      return x;
    }
    ExpiringEntry x = new ExpiringEntry(e, when);
    dict.replace(e, x);
    expires.add(x);
    memory += EXPIRING_ENTRY_BYTES - ENTRY_BYTES;
    return x;
  }

  /** Removes the TTL of a key; returns the entry now in the table. */
  public Entry persist(Entry e) {
    if (!(e instanceof ExpiringEntry x)) {
      return e;
    }
    Entry plain = new Entry(x.key, x.value, x.type, x.encoding);
    plain.lru = x.lru;
    dict.replace(x, plain);
    expires.remove(x);
    memory -= EXPIRING_ENTRY_BYTES - ENTRY_BYTES;
    return plain;
  }

  /**
   * A random key that is not expired, or null if the database is empty. Expired keys met on the way
   * are deleted, so this ends (Redis's dbRandomKey on a primary).
   */
  public Entry randomKey(long now) {
    while (dict.size() > 0) {
      Entry e = dict.random();
      if (e.expireAt() >= 0 && e.expireAt() <= now) {
        expire(e);
        continue;
      }
      return e;
    }
    return null;
  }

  /** Removes every key; returns how many there were. */
  public long flush() {
    long n = dict.size();
    dict = new Dict();
    expires = new ExpireSet();
    memory = 0;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB): clients keep their selected index. */
  void swapWith(Database o) {
    Dict d = dict;
    dict = o.dict;
    o.dict = d;
    ExpireSet x = expires;
    expires = o.expires;
    o.expires = x;
    long m = memory;
    memory = o.memory;
    o.memory = m;
    long t = avgTtl;
    avgTtl = o.avgTtl;
    o.avgTtl = t;
    int cur = expireCursor;
    expireCursor = o.expireCursor;
    o.expireCursor = cur;
  }

  /**
   * One active-expiry pass (the body of Redis's activeExpireCycle loop for one database): tests the
   * next {@code sample} keys with a TTL, walking the expire set with a cursor so that every such
   * key is visited once per sweep, and deletes the expired ones. {@code out[0]} receives the number
   * of keys tested; returns the number expired. Also updates the average TTL estimate.
   */
  int expireSample(int sample, long now, int[] out) {
    int n = Math.min(sample, expires.size());
    int expired = 0;
    long ttlSum = 0;
    int ttlSamples = 0;
    for (int i = 0; i < n && expires.size() > 0; i++) {
      if (expireCursor >= expires.size()) {
        expireCursor = 0;
      }
      ExpiringEntry e = expires.get(expireCursor);
      long ttl = e.expireAt - now;
      if (ttl <= 0) {
        expire(e); // the last element moved into this slot: test it next, don't advance
        expired++;
      } else {
        ttlSum += ttl;
        ttlSamples++;
        expireCursor++;
      }
    }
    if (ttlSamples > 0) {
      long avg = ttlSum / ttlSamples;
      if (avgTtl == 0) {
        avgTtl = avg;
      }
      avgTtl = (avgTtl / 50) * 49 + (avg / 50);
    }
    out[0] = n;
    return expired;
  }

  /** Estimated average TTL in ms of keys with a TTL, as INFO keyspace's avg_ttl (0 if none). */
  public long avgTtl() {
    return expires.size() == 0 ? 0 : avgTtl;
  }

  void clearAvgTtl() {
    avgTtl = 0;
  }

  /** Background upkeep: shrink sparse tables and rehash a little. */
  void cron() {
    dict.shrinkIfNeeded();
    if (dict.isRehashing()) {
      dict.rehashFor(1);
    }
  }

  public static long arrayBytes(int len) {
    return (16 + len + 7) & ~7L;
  }

  /** Estimated bytes of a value object; byte[] strings here, collection types report their own. */
  public static long valueBytes(Object v) {
    if (v instanceof byte[] b) {
      return arrayBytes(b.length);
    }
    if (v instanceof SizedValue s) {
      return s.memoryBytes();
    }
    return 16;
  }

  @Override
  public String toString() {
    return "db" + id + "(" + dict.size() + " keys)";
  }
}
