package io.cinnabar.command;

/** ACL command categories, in Redis's order (the order COMMAND INFO and ACL CAT list them). */
public enum AclCategory {
  KEYSPACE,
  READ,
  WRITE,
  SET,
  SORTEDSET,
  LIST,
  HASH,
  STRING,
  BITMAP,
  HYPERLOGLOG,
  GEO,
  STREAM,
  PUBSUB,
  ADMIN,
  FAST,
  SLOW,
  BLOCKING,
  DANGEROUS,
  CONNECTION,
  TRANSACTION,
  SCRIPTING;

  public final long bit = 1L << ordinal();

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static AclCategory byName(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
