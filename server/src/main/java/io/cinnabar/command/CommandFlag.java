package io.cinnabar.command;

/** Command flags, in the order COMMAND INFO lists them. Hidden ones are not listed. */
public enum CommandFlag {
  WRITE("write"),
  READONLY("readonly"),
  DENYOOM("denyoom"),
  MODULE("module"),
  ADMIN("admin"),
  PUBSUB("pubsub"),
  NOSCRIPT("noscript"),
  BLOCKING("blocking"),
  LOADING("loading"),
  STALE("stale"),
  SKIP_MONITOR("skip_monitor"),
  SKIP_SLOWLOG("skip_slowlog"),
  ASKING("asking"),
  FAST("fast"),
  NO_AUTH("no_auth"),
  MAY_REPLICATE("may_replicate", true),
  NO_MANDATORY_KEYS("no_mandatory_keys"),
  PROTECTED("protected", true),
  NO_ASYNC_LOADING("no_async_loading"),
  NO_MULTI("no_multi"),
  MOVABLEKEYS("movablekeys"),
  ALLOW_BUSY("allow_busy");

  public final String wireName;
  public final boolean hidden;
  public final long bit = 1L << ordinal();

  CommandFlag(String wireName) {
    this(wireName, false);
  }

  CommandFlag(String wireName, boolean hidden) {
    this.wireName = wireName;
    this.hidden = hidden;
  }

  static CommandFlag byName(String name) {
    for (CommandFlag f : values()) {
      if (f.wireName.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown command flag " + name);
  }
}
