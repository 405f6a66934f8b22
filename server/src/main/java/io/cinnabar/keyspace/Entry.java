package io.cinnabar.keyspace;

/**
 * One key and its value, also the node of its hash chain in {@link Dict}. Kept small (32 bytes with
 * compressed oops): the key bytes, the value, the chain link, the LRU/LFU clock and the value's
 * type and encoding. Keys with a time to live are {@link ExpiringEntry}s.
 */
public class Entry {
  final byte[] key;
  Object value;
  Entry next;

  /** LRU clock (seconds, 24 bits) or LFU data (minutes &lt;&lt; 8 | counter), as in Redis. */
  int lru;

  byte type;
  byte encoding;

  public Entry(byte[] key, Object value, byte type, byte encoding) {
    this.key = key;
    this.value = value;
    this.type = type;
    this.encoding = encoding;
  }

  public final byte[] key() {
    return key;
  }

  public final Object value() {
    return value;
  }

  public final byte type() {
    return type;
  }

  public final byte encoding() {
    return encoding;
  }

  public final int lru() {
    return lru;
  }

  public final void setLru(int lru) {
    this.lru = lru;
  }

  /** Replaces the value in place (same key, same TTL). */
  public final void set(Object value, byte type, byte encoding) {
    this.value = value;
    this.type = type;
    this.encoding = encoding;
  }

  public final void setEncoding(byte encoding) {
    this.encoding = encoding;
  }

  /** Absolute expiry in Unix milliseconds, or -1 if the key does not expire. */
  public long expireAt() {
    return -1;
  }
}
