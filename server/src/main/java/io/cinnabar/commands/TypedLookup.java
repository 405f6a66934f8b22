package io.cinnabar.commands;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * The lookups every collection family starts with: the value at an argument for reading (or the
 * "missing" reply), the entry for writing, and WRONGTYPE for a key of another type.
 */
final class TypedLookup {
  private TypedLookup() {}

  /** An entry that stands for "wrong type, already replied". */
  static final Entry WRONG = new Entry(Bytes.EMPTY, null, (byte) -1, (byte) 0);

  /** The value of type {@code type} at argument i for reading; null after replying. */
  static Object readOrReply(Client c, int i, byte type, Runnable missing) {
    Entry e = StringCommands.lookupRead(c, i);
    if (e == null) {
      missing.run();
      return null;
    }
    if (e.type() != type) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return null;
    }
    return e.value();
  }

  /** The entry at argument i for writing, null if missing, {@link #WRONG} after WRONGTYPE. */
  static Entry writeTarget(Client c, int i, byte type) {
    Entry e = StringCommands.lookupWrite(c, i);
    if (e != null && e.type() != type) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return WRONG;
    }
    return e;
  }
}
