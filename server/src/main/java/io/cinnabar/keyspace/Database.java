package io.cinnabar.keyspace;

import io.cinnabar.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One numbered database: the key table, the set of keys with a TTL, and an estimate of the memory
 * they hold. Every read goes through {@link #lookupRead} or {@link #lookupWrite}, which delete a
 * key whose TTL has passed before anyone can see it (lazy expiry).
 *
 * <p>In cluster mode the keys are indexed per hash slot ({@link SlotTable}); otherwise one {@link
 * Dict} holds them and the hot path pays one field test for the difference.
 */
public final class Database {
  /** Estimated JVM bytes of an {@link Entry} and an {@link ExpiringEntry} object. */
  static final int ENTRY_BYTES = 32;

  static final int EXPIRING_ENTRY_BYTES = 48;

  private final int id;
  private final KeyspaceStats stats;
  private Dict dict;

  /** Keys per hash slot in cluster mode, else null. */
  private SlotTable slots;

  private ExpireSet expires = new ExpireSet();
  private long memory;

  /**
   * Told of every key added while some client waits on keys of this database (blocking pops); null
   * otherwise, so an add pays one field test.
   */
  private java.util.function.BiConsumer<Database, byte[]> keyWaiters;

  /** Next slot of {@code expires} the active expiry cycle tests. */
  private int expireCursor;

  private long avgTtl;

  /** Told about created and expired keys (null in tests that use a bare Keyspace). */
  Keyspace.Listener listener;

  Database(int id, KeyspaceStats stats) {
    this(id, stats, false);
  }

  Database(int id, KeyspaceStats stats, boolean cluster) {
    this.id = id;
    this.stats = stats;
    if (cluster) {
      slots = new SlotTable();
    } else {
      dict = new Dict();
    }
  }

  /** True when keys are indexed per hash slot (cluster mode). */
  public boolean perSlot() {
    return slots != null;
  }

  public int id() {
    return id;
  }

  public int size() {
    return slots == null ? dict.size() : slots.size();
  }

  public int expiresCount() {
    return expires.size();
  }

  /** The entry of a key, expired or not, without side effects (DEBUG, SCAN's filters). */
  public Entry peek(byte[] b, int off, int len) {
    return slots == null ? dict.get(b, off, len) : slots.get(b, off, len);
  }

  public Entry peek(byte[] key) {
    return peek(key, 0, key.length);
  }

  /** Visits every entry, expired ones included (no modification allowed during the walk). */
  public void forEach(Consumer<Entry> visitor) {
    if (slots == null) {
      dict.forEach(visitor);
    } else {
      slots.forEach(visitor);
    }
  }

  /**
   * One SCAN step over the whole database; returns the next cursor, 0 when done. In cluster mode
   * the low 14 bits of the cursor are the slot being scanned.
   */
  public long scan(long cursor, Consumer<Entry> visitor) {
    return slots == null ? dict.scan(cursor, visitor) : slots.scan(cursor, visitor);
  }

  /** Number of keys in a hash slot (expired ones not yet deleted included, as Redis). */
  public int countKeysInSlot(int slot) {
    if (slots != null) {
      Dict d = slots.dict(slot);
      return d == null ? 0 : d.size();
    }
    int[] n = new int[1];
    dict.forEach(
        e -> {
          if (SlotHash.slot(e.key) == slot) {
            n[0]++;
          }
        });
    return n[0];
  }

  /**
   * One SCAN step over the keys of one hash slot (cluster mode): returns the next cursor, 0 when
   * the slot is done. Dict's guarantee holds: a key present for the whole scan is visited.
   */
  public long scanSlot(int slot, long cursor, Consumer<Entry> visitor) {
    Dict d = slots != null ? slots.dict(slot) : null;
    return d == null ? 0 : d.scan(cursor, visitor);
  }

  /** Up to {@code count} keys of a hash slot; O(keys in the slot) in cluster mode. */
  public List<byte[]> keysInSlot(int slot, int count) {
    List<byte[]> out = new ArrayList<>();
    if (count <= 0) {
      return out;
    }
    Dict d = slots != null ? slots.dict(slot) : dict;
    if (d == null) {
      return out;
    }
    long cursor = 0;
    do {
      cursor =
          d.scan(
              cursor,
              e -> {
                if (out.size() < count && (slots != null || SlotHash.slot(e.key) == slot)) {
                  out.add(e.key);
                }
              });
    } while (cursor != 0 && out.size() < count);
    return out;
  }

  /** Estimated bytes held by keys, values and tables. */
  public long memory() {
    long buckets = slots == null ? dict.buckets() : slots.buckets() + SlotTable.SLOTS * 2;
    return memory + buckets * 4 + (long) expires.size() * 4;
  }

  /** A key for reading: counts a hit or a miss and updates the access clock. */
  public Entry lookupRead(byte[] b, int off, int len, long now, int lruClock) {
    Entry e = lookupWrite(b, off, len, now);
    if (e == null) {
      stats.misses++;
      missed(b, off, len);
    } else {
      stats.hits++;
      e.lru = lruClock;
    }
    return e;
  }

  /** A read found no key (Redis's "keymiss" event); the key is copied only if someone listens. */
  public void missed(byte[] b, int off, int len) {
    if (listener != null && listener.wantsMisses()) {
      listener.missed(this, java.util.Arrays.copyOfRange(b, off, off + len));
    }
  }

  public Entry lookupRead(byte[] key, long now, int lruClock) {
    return lookupRead(key, 0, key.length, now, lruClock);
  }

  /** {@link #replicaExpiry} values: a primary deletes expired keys on access. */
  public static final int EXPIRY_DELETE = 0;

  /** On a replica: expired keys read as missing but stay until the primary's DEL. */
  public static final int EXPIRY_HIDE = 1;

  /** On a replica running its primary's stream: expired keys still exist (Redis 7.0). */
  public static final int EXPIRY_KEEP = 2;

  /** How lookups treat expired keys; set by the replication link. */
  int replicaExpiry = EXPIRY_DELETE;

  /** A key for writing or inspection: expired keys are deleted, no statistics are counted. */
  public Entry lookupWrite(byte[] b, int off, int len, long now) {
    Entry e = slots == null ? dict.get(b, off, len) : slots.get(b, off, len);
    if (e != null && e.expireAt() >= 0 && e.expireAt() <= now) {
      if (replicaExpiry != EXPIRY_DELETE) {
        return replicaExpiry == EXPIRY_HIDE ? null : e;
      }
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
    if (listener != null) {
      listener.expired(this, e.key);
    }
  }

  /** Pre-sizes an empty standalone database for {@code keys} keys (RESIZEDB when loading). */
  public void reserve(long keys) {
    if (slots == null) {
      dict.reserve(keys);
    }
  }

  /** Adds a key that is not present (the caller looked it up). */
  public Entry add(byte[] key, Object value, byte type, byte encoding, int lruClock) {
    if (keyWaiters != null) {
      keyWaiters.accept(this, key);
    }
    Entry e = new Entry(key, value, type, encoding);
    e.lru = lruClock;
    if (slots == null) {
      dict.add(e);
    } else {
      slots.add(e);
    }
    memory += ENTRY_BYTES + arrayBytes(key.length) + valueBytes(value);
    if (listener != null) {
      listener.added(this, key);
    }
    return e;
  }

  /** Sets (or clears with null) the listener of keys added while clients wait on keys here. */
  public void setKeyWaiters(java.util.function.BiConsumer<Database, byte[]> l) {
    keyWaiters = l;
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
    Entry e = peek(b, off, len);
    if (e == null) {
      return false;
    }
    delete(e);
    return true;
  }

  public void delete(Entry e) {
    if (slots == null) {
      dict.remove(e.key);
    } else {
      slots.remove(e.key);
    }
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
    replace(e, x);
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
    replace(x, plain);
    expires.remove(x);
    memory -= EXPIRING_ENTRY_BYTES - ENTRY_BYTES;
    return plain;
  }

  private void replace(Entry old, Entry replacement) {
    if (slots == null) {
      dict.replace(old, replacement);
    } else {
      slots.replace(old, replacement);
    }
  }

  /**
   * A random key that is not expired, or null if the database is empty. Expired keys met on the way
   * are deleted, so this ends (Redis's dbRandomKey on a primary).
   */
  public Entry randomKey(long now) {
    while (size() > 0) {
      Entry e = slots == null ? dict.random() : slots.random();
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
    long n = size();
    if (slots == null) {
      dict = new Dict();
    } else {
      slots = new SlotTable();
    }
    expires = new ExpireSet();
    memory = 0;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB): clients keep their selected index. */
  void swapWith(Database o) {
    Dict d = dict;
    dict = o.dict;
    o.dict = d;
    SlotTable s = slots;
    slots = o.slots;
    o.slots = s;
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
    if (slots != null) {
      slots.cron();
      return;
    }
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
    return "db" + id + "(" + size() + " keys)";
  }
}
