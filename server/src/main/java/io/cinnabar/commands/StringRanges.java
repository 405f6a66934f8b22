package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandTable;
import io.cinnabar.config.KeyspaceEvents;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.Arrays;

/** String commands on parts of a value: APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE, LCS. */
final class StringRanges {
  private StringRanges() {}

  private static final byte[] TOO_BIG =
      Bytes.ascii("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  private static final byte[] OFFSET_RANGE = Bytes.ascii("ERR offset is out of range");
  private static final String RANGE_COMPLEXITY =
      "O(N) where N is the length of the returned string. The complexity is ultimately determined"
          + " by the returned length, but because creating a substring from an existing string is"
          + " very cheap, it can be considered O(1) for small strings.";

  /** Java arrays stop a little short of 2^31 elements. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  static void register(CommandTable t) {
    t.add(
        command("append", 3)
            .flags("write denyoom fast")
            .acl("string")
            .keys(single("RW insert", 1))
            .doc(
                "Append a value to a key",
                "2.0.0",
                "string",
                "O(1). The amortized time complexity is O(1) assuming the appended value is small"
                    + " and the already present value is of any size, since the dynamic string"
                    + " library used by Redis will double the free space available on every"
                    + " reallocation.")
            .handler(StringRanges::append));
    t.add(
        command("strlen", 2)
            .flags("readonly fast")
            .acl("string")
            .keys(single("RO", 1))
            .doc("Get the length of the value stored in a key", "2.2.0", "string", "O(1)")
            .handler(StringRanges::strlen));
    t.add(
        command("getrange", 4)
            .flags("readonly")
            .acl("string")
            .keys(single("RO access", 1))
            .doc(
                "Get a substring of the string stored at a key",
                "2.4.0",
                "string",
                RANGE_COMPLEXITY)
            .handler(StringRanges::getrange));
    t.add(
        command("substr", 4)
            .flags("readonly")
            .acl("string")
            .keys(single("RO access", 1))
            .doc(
                "Get a substring of the string stored at a key",
                "1.0.0",
                "string",
                RANGE_COMPLEXITY)
            .handler(StringRanges::getrange));
    t.add(
        command("setrange", 4)
            .flags("write denyoom")
            .acl("string")
            .keys(single("RW update", 1))
            .doc(
                "Overwrite part of a string at key starting at the specified offset",
                "2.2.0",
                "string",
                "O(1), not counting the time taken to copy the new string in place. Usually, this"
                    + " string is very small so the amortized complexity is O(1). Otherwise,"
                    + " complexity is O(M) with M being the length of the value argument.")
            .handler(StringRanges::setrange));
    t.add(
        command("lcs", -3)
            .flags("readonly")
            .acl("string")
            .keys(range("RO access", 1, 1, 1, 0))
            .doc(
                "Find longest common substring",
                "7.0.0",
                "string",
                "O(N*M) where N and M are the lengths of s1 and s2, respectively")
            .handler(Lcs::lcs));
  }

  /**
   * Replies Redis's error if a string of {@code size + add} bytes would exceed proto-max-bulk-len
   * (or overflow, or what a Java array holds); returns false when it replied.
   */
  static boolean lengthOkOrReply(Client c, long size, long add) {
    long total = size + add;
    if (total < 0 || total > c.server.config.protoMaxBulkLen || total > MAX_ARRAY) {
      c.reply.errorBytes(TOO_BIG);
      return false;
    }
    return true;
  }

  /** APPEND: a new key is stored as given (int/embstr/raw); an appended-to value becomes raw. */
  static void append(Client c) {
    Request r = c.req;
    Entry e = StringCommands.lookupWrite(c, 1);
    long total;
    if (e == null) {
      byte[] v = r.copy(2);
      StringCommands.store(c, null, 1, v, StringCommands.encodingFor(v), false);
      total = v.length;
    } else {
      if (e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      byte[] old = (byte[]) e.value();
      if (!lengthOkOrReply(c, old.length, r.lens[2])) {
        return;
      }
      byte[] v = Arrays.copyOf(old, old.length + r.lens[2]);
      System.arraycopy(r.bufs[2], r.offs[2], v, old.length, r.lens[2]);
      c.db.overwrite(e, v, ValueType.STRING, ValueType.ENC_RAW);
      total = v.length;
    }
    c.server.keyspace.stats().dirty++;
    Notify.changedArg(c, 1, KeyspaceEvents.STRING, "append");
    c.reply.integer(total);
  }

  static void strlen(Client c) {
    Entry e = StringCommands.lookupRead(c, 1);
    if (e == null) {
      c.reply.integer(0);
    } else if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
    } else {
      c.reply.integer(((byte[]) e.value()).length);
    }
  }

  /** GETRANGE/SUBSTR key start end, with Redis's clamping of negative and large indexes. */
  static void getrange(Client c) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2) || !Args.longOrReply(c, 3)) {
      return;
    }
    long start = Args.toLong(r, 2);
    long end = Args.toLong(r, 3);
    Entry e = StringCommands.lookupRead(c, 1);
    if (e == null) {
      c.reply.bulk(Bytes.EMPTY);
      return;
    }
    if (e.type() != ValueType.STRING) {
      c.reply.errorBytes(Errors.WRONGTYPE);
      return;
    }
    byte[] v = (byte[]) e.value();
    long len = v.length;
    if (start < 0 && end < 0 && start > end) {
      c.reply.bulk(Bytes.EMPTY);
      return;
    }
    if (start < 0) {
      start += len;
    }
    if (end < 0) {
      end += len;
    }
    start = Math.max(start, 0);
    end = Math.max(end, 0);
    if (end >= len) {
      end = len - 1;
    }
    if (start > end || len == 0) {
      c.reply.bulk(Bytes.EMPTY);
    } else {
      c.reply.bulk(v, (int) start, (int) (end - start + 1));
    }
  }

  /** SETRANGE key offset value: zero-pads as needed; the result is raw-encoded. */
  static void setrange(Client c) {
    Request r = c.req;
    if (!Args.longOrReply(c, 2)) {
      return;
    }
    long offset = Args.toLong(r, 2);
    if (offset < 0) {
      c.reply.errorBytes(OFFSET_RANGE);
      return;
    }
    int n = r.lens[3];
    Entry e = StringCommands.lookupWrite(c, 1);
    byte[] v;
    if (e == null) {
      if (n == 0) {
        c.reply.integer(0);
        return;
      }
      if (!lengthOkOrReply(c, offset, n)) {
        return;
      }
      v = new byte[(int) (offset + n)];
      System.arraycopy(r.bufs[3], r.offs[3], v, (int) offset, n);
      c.db.add(r.copy(1), v, ValueType.STRING, ValueType.ENC_RAW, c.server.lruClock());
    } else {
      if (e.type() != ValueType.STRING) {
        c.reply.errorBytes(Errors.WRONGTYPE);
        return;
      }
      byte[] old = (byte[]) e.value();
      if (n == 0) {
        c.reply.integer(old.length);
        return;
      }
      if (!lengthOkOrReply(c, offset, n)) {
        return;
      }
      // Within the string: written in place (stored strings are never shared, see
      // StringCommands.valueFor), not a copy of the whole value per call.
      v = offset + n <= old.length ? old : Arrays.copyOf(old, (int) (offset + n));
      System.arraycopy(r.bufs[3], r.offs[3], v, (int) offset, n);
      c.db.overwrite(e, v, ValueType.STRING, ValueType.ENC_RAW);
    }
    c.server.keyspace.stats().dirty++;
    Notify.changedArg(c, 1, KeyspaceEvents.STRING, "setrange");
    c.reply.integer(v.length);
  }
}
