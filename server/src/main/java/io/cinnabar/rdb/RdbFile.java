package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.server.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A whole-keyspace RDB image (Redis's rdbSaveRio / rdbLoadRio): magic and version, aux fields, then
 * per database SELECTDB, RESIZEDB and the keys with their expiry, EOF and the CRC-64.
 */
public final class RdbFile {
  private RdbFile() {}

  /** What a load found: keys loaded, keys skipped as already expired. */
  public record LoadStats(long keys, long expiredSkipped) {}

  /** Writes every database of {@code ks} to {@code os} (not flushed or closed). */
  public static void save(Keyspace ks, Config config, long nowMs, long usedMemory, OutputStream os)
      throws IOException, RdbException {
    RdbOutput out = new RdbOutput(os, config.getBool("rdbcompression"));
    byte[] magic =
        ("REDIS" + String.format("%04d", Rdb.VERSION)).getBytes(StandardCharsets.US_ASCII);
    out.writeRaw(magic, 0, magic.length);
    aux(out, "redis-ver", io.cinnabar.server.ServerContext.REDIS_VERSION);
    aux(out, "redis-bits", "64");
    aux(out, "ctime", Long.toString(nowMs / 1000));
    aux(out, "used-mem", Long.toString(usedMemory));
    aux(out, "aof-base", "0");
    String policy = config.get("maxmemory-policy");
    int access = policy.endsWith("-lru") ? ACCESS_LRU : policy.endsWith("-lfu") ? ACCESS_LFU : 0;
    int clock = (int) ((nowMs / 1000) & LRU_MAX);
    for (int i = 0; i < ks.databases(); i++) {
      Database db = ks.db(i);
      if (db.size() == 0) {
        continue;
      }
      out.writeByte(Rdb.OPCODE_SELECTDB);
      out.writeLen(i);
      out.writeByte(Rdb.OPCODE_RESIZEDB);
      out.writeLen(db.size());
      out.writeLen(db.expiresCount());
      Object[] failure = {null};
      db.forEach(
          e -> {
            if (failure[0] == null) {
              try {
                writeKey(out, e, access, clock);
              } catch (IOException | RdbException ex) {
                failure[0] = ex;
              }
            }
          });
      if (failure[0] instanceof IOException ex) {
        throw ex;
      } else if (failure[0] instanceof RdbException ex) {
        throw ex;
      }
    }
    out.writeByte(Rdb.OPCODE_EOF);
    long crc = config.getBool("rdbchecksum") ? out.crc() : 0;
    out.writeLe(crc, 8);
    out.flush();
  }

  private static final int ACCESS_LRU = 1;
  private static final int ACCESS_LFU = 2;
  private static final int LRU_MAX = 0xFFFFFF;

  /**
   * One key as rdbSaveKeyValuePair: expiry, then the idle time (LRU policies) or the access
   * frequency (LFU policies), then type, key and value.
   */
  private static void writeKey(RdbOutput out, Entry e, int access, int clock)
      throws IOException, RdbException {
    long at = e.expireAt();
    if (at >= 0) {
      out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
      out.writeLe(at, 8);
    }
    if (access == ACCESS_LRU) {
      out.writeByte(Rdb.OPCODE_IDLE);
      out.writeLen((clock - (e.lru() & LRU_MAX)) & LRU_MAX);
    } else if (access == ACCESS_LFU) {
      out.writeByte(Rdb.OPCODE_FREQ);
      out.writeByte(e.lru() & 0xff);
    }
    ValueCodec c = RdbValues.forValueType(e.type());
    out.writeByte(c.rdbType(e.value(), e.encoding()));
    out.writeString(e.key());
    c.save(out, e.value(), e.encoding());
  }

  private static void aux(RdbOutput out, String key, String value) throws IOException {
    out.writeByte(Rdb.OPCODE_AUX);
    out.writeString(key.getBytes(StandardCharsets.US_ASCII));
    out.writeString(value.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Loads an RDB image into {@code ks} (which the caller has emptied); keys already expired at
   * {@code nowMs} are skipped as a primary does. Throws with Redis's reason on a bad file.
   */
  public static LoadStats load(byte[] data, Keyspace ks, Config config, long nowMs, int lruClock)
      throws RdbException {
    RdbStreamLoader loader = new RdbStreamLoader(ks, config, nowMs, lruClock);
    loader.feed(data, data.length, true);
    return loader.stats();
  }

  static void aux(byte[] key, byte[] value, long nowMs) {
    String k = new String(key, StandardCharsets.UTF_8);
    String v = new String(value, StandardCharsets.UTF_8);
    switch (k) {
      case "redis-ver" -> Log.notice("Loading RDB produced by version " + v);
      case "ctime" -> {
        try {
          long age = nowMs / 1000 - Long.parseLong(v);
          Log.notice("RDB age " + Math.max(age, 0) + " seconds");
        } catch (NumberFormatException e) {
          // informational only
        }
      }
      case "used-mem" -> {
        try {
          Log.notice(
              String.format(
                  "RDB memory usage when created %.2f Mb", Long.parseLong(v) / (1024.0 * 1024)));
        } catch (NumberFormatException e) {
          // informational only
        }
      }
      default -> Log.debug("RDB '" + k + "': " + v);
    }
  }
}
