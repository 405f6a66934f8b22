package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.cluster.migration.SlotMigrations;
import io.cinnabar.command.CommandTable;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.List;

/** KEYS and SCAN (Redis's db.c keysCommand and scanGenericCommand). */
public final class ScanCommands {
  private ScanCommands() {}

  static void register(CommandTable t) {
    t.add(
        command("keys", 2)
            .flags("readonly")
            .acl("keyspace dangerous")
            .tips("request_policy:all_shards nondeterministic_output_order")
            .doc(
                "Find all keys matching the given pattern",
                "1.0.0",
                "generic",
                "O(N) with N being the number of keys in the database, under the assumption that"
                    + " the key names in the database and the given pattern have limited length.")
            .handler(ScanCommands::keys));
    t.add(
        command("scan", -2)
            .flags("readonly")
            .acl("keyspace")
            .tips("nondeterministic_output request_policy:special")
            .doc(
                "Incrementally iterate the keys space",
                "2.8.0",
                "generic",
                "O(1) for every call. O(N) for a complete iteration, including enough command"
                    + " calls for the cursor to return back to 0. N is the number of elements"
                    + " inside the collection.")
            .handler(ScanCommands::scan));
  }

  private static final byte[] INVALID_CURSOR = Bytes.ascii("ERR invalid cursor");

  /** True for a lone "*", which KEYS and SCAN treat as match-all without matching. */
  private static boolean isMatchAll(byte[] b, int off, int len) {
    return len == 1 && b[off] == '*';
  }

  static void keys(Client c) {
    Request r = c.req;
    byte[] pb = r.bufs[1];
    int po = r.offs[1];
    int pl = r.lens[1];
    boolean all = isMatchAll(pb, po, pl);
    long now = c.server.now();
    List<byte[]> out = new ArrayList<>();
    SlotMigrations m = c.server.slotMigrations;
    Database db = c.db;
    c.db.forEach(
        e -> {
          byte[] k = e.key();
          if ((all || Glob.match(pb, po, pl, k, 0, k.length, false))
              && !(e.expireAt() >= 0 && e.expireAt() <= now)
              && !m.hidden(db, k)) {
            out.add(k);
          }
        });
    c.reply.array(out.size());
    for (byte[] k : out) {
      c.reply.bulk(k);
    }
  }

  /**
   * Parses a SCAN cursor as Redis does with strtoul: an unsigned 64-bit decimal, optionally signed
   * ("-1" wraps to 2^64-1), no leading space, nothing after it (a NUL byte ends it); the empty
   * string is cursor 0. Returns false (after replying "ERR invalid cursor") if it isn't one.
   */
  public static boolean parseCursorOrReply(Client c, int i, long[] out) {
    Request r = c.req;
    if (parseCursor(r.bufs[i], r.offs[i], r.lens[i], out)) {
      return true;
    }
    c.reply.errorBytes(INVALID_CURSOR);
    return false;
  }

  static boolean parseCursor(byte[] b, int off, int len, long[] out) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    int i = off;
    if (i == end) {
      out[0] = 0;
      return true;
    }
    byte first = b[i];
    if (first == ' ' || (first >= '\t' && first <= '\r')) {
      return false;
    }
    boolean negative = false;
    if (first == '+' || first == '-') {
      negative = first == '-';
      i++;
    }
    if (i == end) {
      return false; // a sign without digits: strtoul stops before the sign
    }
    long v = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
        return false;
      }
      long next = v * 10 + d;
      if (Long.compareUnsigned(next, v * 10) < 0) {
        return false;
      }
      v = next;
    }
    out[0] = negative ? -v : v;
    return true;
  }

  /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
  static void scan(Client c) {
    long[] cursorOut = new long[1];
    if (!parseCursorOrReply(c, 1, cursorOut)) {
      return;
    }
    Request r = c.req;
    ScanOptions o = ScanOptions.parseOrReply(c, 2, true);
    if (o == null) {
      return;
    }
    long count = o.count();
    int patIdx = o.matchArg();
    int typeIdx = o.typeArg();
    Database db = c.db;
    List<byte[]> keys = new ArrayList<>();
    long cursor = cursorOut[0];
    long maxIterations = count * 10; // wraps for huge counts, as in Redis
    SlotMigrations m = c.server.slotMigrations;
    do {
      cursor =
          db.scan(
              cursor,
              e -> {
                if (!m.hidden(db, e.key())) {
                  keys.add(e.key());
                }
              });
    } while (cursor != 0 && maxIterations-- != 0 && keys.size() < count);

    boolean usePattern = patIdx > 0 && !isMatchAll(r.bufs[patIdx], r.offs[patIdx], r.lens[patIdx]);
    String type = typeIdx > 0 ? ExpireCommands.cString(r, typeIdx) : null;
    long now = c.server.now();
    int kept = 0;
    for (int k = 0; k < keys.size(); k++) {
      byte[] key = keys.get(k);
      if (usePattern
          && !Glob.match(
              r.bufs[patIdx], r.offs[patIdx], r.lens[patIdx], key, 0, key.length, false)) {
        continue;
      }
      if (type != null) {
        Entry e = KeyCommands.lookupNoTouch(c, db, key, 0, key.length);
        String name = e == null ? "none" : ValueType.typeName(e.type());
        if (!type.equalsIgnoreCase(name)) {
          continue;
        }
      }
      Entry e = db.peek(key);
      if (e != null && e.expireAt() >= 0 && e.expireAt() <= now) {
        db.lookupWrite(key, now); // deletes it and counts it as expired
        continue;
      }
      keys.set(kept++, key);
    }
    c.reply.array(2);
    c.reply.bulk(Bytes.ascii(Long.toUnsignedString(cursor)));
    c.reply.array(kept);
    for (int k = 0; k < kept; k++) {
      c.reply.bulk(keys.get(k));
    }
  }
}
