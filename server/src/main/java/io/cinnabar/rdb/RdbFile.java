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
    if (data.length < 9 || !new String(data, 0, 5, StandardCharsets.US_ASCII).equals("REDIS")) {
      throw new RdbException("Wrong signature trying to load DB from file");
    }
    int version;
    try {
      version = Integer.parseInt(new String(data, 5, 4, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new RdbException("Wrong signature trying to load DB from file");
    }
    if (version < 1 || version > Rdb.VERSION) {
      throw new RdbException("Can't handle RDB format version " + version);
    }
    RdbInput in = new RdbInput(data, 9, data.length);
    Database db = ks.db(0);
    long expireAt = -1;
    long idle = -1;
    int freq = -1;
    boolean lfu = config.get("maxmemory-policy").endsWith("-lfu");
    long keys = 0;
    long skipped = 0;
    while (true) {
      int type = in.readByte();
      switch (type) {
        case Rdb.OPCODE_EXPIRETIME -> expireAt = in.readLe(4) * 1000;
        case Rdb.OPCODE_EXPIRETIME_MS -> expireAt = in.readLe(8);
        case Rdb.OPCODE_FREQ -> freq = in.readByte();
        case Rdb.OPCODE_IDLE -> idle = in.readLen();
        case Rdb.OPCODE_SELECTDB -> {
          long id = in.readLen();
          if (id >= ks.databases()) {
            throw new RdbException(
                "FATAL: Data file was created with a Redis server configured to handle more than "
                    + ks.databases()
                    + " databases. Exiting");
          }
          db = ks.db((int) id);
        }
        case Rdb.OPCODE_RESIZEDB -> {
          in.readLen();
          in.readLen();
        }
        case Rdb.OPCODE_AUX -> aux(in.readString(), in.readString(), nowMs);
        case Rdb.OPCODE_MODULE_AUX ->
            throw new RdbException("The RDB file contains AUX module data I can't load");
        case Rdb.OPCODE_FUNCTION2 -> {
          in.readString();
          Log.warning("Skipping a function library in the RDB file: functions are not supported");
        }
        case Rdb.OPCODE_FUNCTION ->
            throw new RdbException("Pre-release function format not supported.");
        case Rdb.OPCODE_EOF -> {
          checkCrc(data, in, version, config);
          return new LoadStats(keys, skipped);
        }
        default -> {
          byte[] key = in.readString();
          ValueCodec.Loaded v = RdbValues.load(in, type, config);
          long at = expireAt;
          long keyIdle = idle;
          int keyFreq = freq;
          expireAt = -1;
          idle = -1;
          freq = -1;
          if (v == null) {
            Log.warning(
                "rdbLoadObject skipping empty key: " + new String(key, StandardCharsets.UTF_8));
            continue;
          }
          if (at >= 0 && at < nowMs) {
            skipped++;
            continue;
          }
          if (db.peek(key) != null) {
            throw new RdbException(
                "RDB has duplicated key '"
                    + new String(key, StandardCharsets.UTF_8)
                    + "' in DB "
                    + db.id());
          }
          Entry e = db.add(key, v.value(), v.type(), v.encoding(), lruClock);
          if (at >= 0) {
            e = db.setExpire(e, at);
          }
          // objectSetLRUOrLFU: only the information the current policy uses is kept.
          if (keyFreq >= 0 && lfu) {
            e.setLru((int) ((((nowMs / 1000 / 60) & 0xFFFF) << 8) | keyFreq));
          } else if (keyIdle >= 0 && !lfu) {
            e.setLru((int) ((lruClock - keyIdle) & LRU_MAX));
          }
          keys++;
        }
      }
    }
  }

  private static void aux(byte[] key, byte[] value, long nowMs) {
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

  private static void checkCrc(byte[] data, RdbInput in, int version, Config config)
      throws RdbException {
    if (version < 5) {
      return;
    }
    int end = in.position();
    long expected = in.readLe(8);
    if (!config.getBool("rdbchecksum")) {
      return;
    }
    if (expected == 0) {
      Log.warning("RDB file was saved with checksum disabled: no check performed.");
      return;
    }
    long got = Crc64.update(0, data, 0, end);
    if (got != expected) {
      throw new RdbException(
          String.format(
              "Wrong RDB checksum expected: (%x) got (%x). Aborting now.", expected, got));
    }
  }
}
