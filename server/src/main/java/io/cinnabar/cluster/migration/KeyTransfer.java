package io.cinnabar.cluster.migration;

import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.type.hash.Hash;
import io.cinnabar.type.list.QuickList;
import io.cinnabar.type.set.SetValue;
import io.cinnabar.type.zset.ZSet;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Doubles;
import io.cinnabar.util.Numbers;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * How one key travels to the target. A small key is one {@code RESTORE key <abs-ms> payload REPLACE
 * ABSTTL}. A big collection is sent in chunks, each built in its own event-loop turn: a DEL, then
 * RPUSH/HSET/SADD/ZADD commands of {@link #CHUNK} elements, then PEXPIREAT. The chunks read the
 * live value across turns, so the job aborts the transfer (and restarts the key later) as soon as
 * any write touches the key: the value is unchanged for the transfer's whole life.
 */
final class KeyTransfer {
  /** Collections with more elements than this are sent in chunks. */
  static final int BIG = 1024;

  /** Elements per chunk command. */
  static final int CHUNK = 512;

  private static final byte[] RESTORE = Bytes.ascii("RESTORE");
  private static final byte[] REPLACE = Bytes.ascii("REPLACE");
  private static final byte[] ABSTTL = Bytes.ascii("ABSTTL");
  private static final byte[] DEL = Bytes.ascii("DEL");
  private static final byte[] PEXPIREAT = Bytes.ascii("PEXPIREAT");
  private static final byte[] RPUSH = Bytes.ascii("RPUSH");
  private static final byte[] HSET = Bytes.ascii("HSET");
  private static final byte[] SADD = Bytes.ascii("SADD");
  private static final byte[] ZADD = Bytes.ascii("ZADD");
  private static final byte[] ZERO = Bytes.ascii("0");

  final byte[] key;
  private final Object value;
  private final byte type;
  private final long expireAt;

  /** List index, hash/set scan cursor, or zset rank of the next chunk. */
  private long position;

  private boolean started;
  private boolean done;

  private KeyTransfer(Entry e) {
    this.key = e.key();
    this.value = e.value();
    this.type = e.type();
    this.expireAt = e.expireAt();
  }

  /** Elements of a collection value, or 0 for strings and others. */
  static long elements(Entry e) {
    return switch (e.type()) {
      case ValueType.LIST -> ((QuickList) e.value()).size();
      case ValueType.HASH -> ((Hash) e.value()).size();
      case ValueType.SET -> ((SetValue) e.value()).size();
      case ValueType.ZSET -> ((ZSet) e.value()).size();
      default -> 0;
    };
  }

  static boolean isBig(Entry e) {
    return elements(e) > BIG;
  }

  /** A chunked transfer of {@code e} (a big collection). */
  static KeyTransfer chunked(Entry e) {
    return new KeyTransfer(e);
  }

  /** The whole key as one RESTORE ... REPLACE ABSTTL; returns the payload size. */
  static int restore(ByteBuf out, Entry e) {
    byte[] payload;
    try {
      payload = DumpPayload.create(e.value(), e.type(), e.encoding(), false);
    } catch (RdbException ex) {
      throw new IllegalStateException("cannot serialize key: " + ex.getMessage(), ex);
    }
    long at = e.expireAt();
    RespOut.command(
        out, RESTORE, e.key(), at < 0 ? ZERO : Numbers.toBytes(at), payload, REPLACE, ABSTTL);
    return payload.length;
  }

  /** DEL key: the key is gone on the source. */
  static void delete(ByteBuf out, byte[] key) {
    RespOut.command(out, DEL, key);
  }

  /** True while {@code current} is still the value this transfer reads. */
  boolean same(Entry current) {
    return current != null && current.value() == value;
  }

  boolean done() {
    return done;
  }

  /** Appends the next chunk (the DEL first); returns elements sent. */
  int step(ByteBuf out) {
    if (!started) {
      started = true;
      RespOut.command(out, DEL, key);
    }
    List<byte[]> args = new ArrayList<>(CHUNK * 2 + 2);
    switch (type) {
      case ValueType.LIST -> listChunk(args);
      case ValueType.HASH -> hashChunk(args);
      case ValueType.SET -> setChunk(args);
      case ValueType.ZSET -> zsetChunk(args);
      default -> throw new IllegalStateException("not a collection: " + type);
    }
    int n = args.size() - 2;
    if (n > 0) {
      RespOut.command(out, args.toArray(new byte[0][]));
    }
    if (done && expireAt >= 0) {
      RespOut.command(out, PEXPIREAT, key, Numbers.toBytes(expireAt));
    }
    return type == ValueType.HASH || type == ValueType.ZSET ? n / 2 : n;
  }

  private void listChunk(List<byte[]> args) {
    QuickList l = (QuickList) value;
    args.add(RPUSH);
    args.add(key);
    l.walk(
        position,
        false,
        (b, off, len) -> {
          args.add(java.util.Arrays.copyOfRange(b, off, off + len));
          return args.size() - 2 < CHUNK;
        });
    position += args.size() - 2;
    done = position >= l.size();
  }

  private void hashChunk(List<byte[]> args) {
    Hash h = (Hash) value;
    args.add(HSET);
    args.add(key);
    do {
      position =
          h.scanStep(
              position,
              (fb, fo, fl, vb, vo, vl) -> {
                args.add(java.util.Arrays.copyOfRange(fb, fo, fo + fl));
                args.add(java.util.Arrays.copyOfRange(vb, vo, vo + vl));
              });
    } while (position != 0 && args.size() - 2 < CHUNK * 2);
    done = position == 0;
  }

  private void setChunk(List<byte[]> args) {
    SetValue s = (SetValue) value;
    args.add(SADD);
    args.add(key);
    do {
      position =
          s.scanStep(
              position, (b, off, len) -> args.add(java.util.Arrays.copyOfRange(b, off, off + len)));
    } while (position != 0 && args.size() - 2 < CHUNK);
    done = position == 0;
  }

  private void zsetChunk(List<byte[]> args) {
    ZSet z = (ZSet) value;
    args.add(ZADD);
    args.add(key);
    long end = Math.min(z.size() - 1L, position + CHUNK - 1);
    z.range(
        position,
        end,
        false,
        (b, off, len, score) -> {
          args.add(Doubles.format(score));
          args.add(java.util.Arrays.copyOfRange(b, off, off + len));
        });
    position = end + 1;
    done = position >= z.size();
  }
}
