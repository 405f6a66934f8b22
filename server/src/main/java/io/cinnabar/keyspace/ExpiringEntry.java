package io.cinnabar.keyspace;

/** An entry with a time to live; also a member of its database's {@link ExpireSet}. */
public final class ExpiringEntry extends Entry {
  long expireAt;
  int expireSlot = -1;

  ExpiringEntry(Entry from, long expireAt) {
    super(from.key, from.value, from.type, from.encoding);
    this.lru = from.lru;
    this.expireAt = expireAt;
  }

  @Override
  public long expireAt() {
    return expireAt;
  }
}
