package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.server.Log;
import java.nio.charset.StandardCharsets;

/**
 * Loads an RDB image as it arrives (Redis's rdbLoadRio, made resumable): {@link #feed} parses every
 * record complete in the bytes received so far and keeps its place, so a replica loads while the
 * primary is still sending. A record cut by the end of the received bytes is parsed again once
 * about twice as many bytes wait, which keeps the work linear for values of any size. The CRC-64 is
 * computed over the records as they are parsed.
 */
public final class RdbStreamLoader {
  private static final int LRU_MAX = 0xFFFFFF;

  private final Keyspace ks;
  private final Config config;
  private final long nowMs;
  private final int lruClock;
  private final boolean lfu;

  private int version = -1;
  private int pos;
  private int retryAt;
  private long crc;
  private int crcPos;
  private boolean done;

  private Database db;
  private long expireAt = -1;
  private long idle = -1;
  private int freq = -1;
  private long keys;
  private long skipped;

  public RdbStreamLoader(Keyspace ks, Config config, long nowMs, int lruClock) {
    this.ks = ks;
    this.config = config;
    this.nowMs = nowMs;
    this.lruClock = lruClock;
    this.lfu = config.get("maxmemory-policy").endsWith("-lfu");
    this.db = ks.db(0);
  }

  /** True once the EOF opcode and checksum have been read. */
  public boolean done() {
    return done;
  }

  public RdbFile.LoadStats stats() {
    return new RdbFile.LoadStats(keys, skipped);
  }

  /**
   * Parses the records complete in {@code data[0, end)} (the bytes received so far; the same
   * prefix, possibly in a larger array, on every call). With {@code complete} the payload ends at
   * {@code end}: a record cut short is an error then, and so is a missing EOF.
   */
  public void feed(byte[] data, int end, boolean complete) throws RdbException {
    if (done) {
      return;
    }
    if (!complete && end < retryAt) {
      return;
    }
    if (version < 0) {
      if (end < 9 && !complete) {
        return;
      }
      version = header(data, end);
      pos = 9;
    }
    while (!done) {
      RdbInput in = new RdbInput(data, pos, end);
      if (in.atEnd()) {
        if (complete) {
          throw new RdbException("Unexpected EOF reading RDB file");
        }
        break;
      }
      try {
        record(data, in);
      } catch (RdbException | RuntimeException e) {
        if (complete) {
          throw e instanceof RdbException r ? r : new RdbException("Bad RDB payload: " + e);
        }
        // Most likely cut short: try again once twice the unparsed bytes have arrived.
        retryAt = end + Math.max(4096, end - pos);
        break;
      }
      pos = in.position();
    }
    if (!done && pos > crcPos) {
      crc = Crc64.update(crc, data, crcPos, pos - crcPos);
      crcPos = pos;
    }
  }

  private static int header(byte[] data, int end) throws RdbException {
    if (end < 9 || !new String(data, 0, 5, StandardCharsets.US_ASCII).equals("REDIS")) {
      throw new RdbException("Wrong signature trying to load DB from file");
    }
    int v;
    try {
      v = Integer.parseInt(new String(data, 5, 4, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new RdbException("Wrong signature trying to load DB from file");
    }
    if (v < 1 || v > Rdb.VERSION) {
      throw new RdbException("Can't handle RDB format version " + v);
    }
    return v;
  }

  /** One record; state changes only once it has been read whole. */
  private void record(byte[] data, RdbInput in) throws RdbException {
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
        db.reserve(in.readLen()); // the keys to come: size the table once
        in.readLen();
      }
      case Rdb.OPCODE_AUX -> {
        byte[] k = in.readString();
        RdbFile.aux(k, in.readString(), nowMs);
      }
      case Rdb.OPCODE_MODULE_AUX ->
          throw new RdbException("The RDB file contains AUX module data I can't load");
      case Rdb.OPCODE_FUNCTION2 -> {
        in.readString();
        Log.warning("Skipping a function library in the RDB file: functions are not supported");
      }
      case Rdb.OPCODE_FUNCTION ->
          throw new RdbException("Pre-release function format not supported.");
      case Rdb.OPCODE_EOF -> {
        int eofEnd = in.position();
        long expected = version >= 5 ? in.readLe(8) : 0;
        checkCrc(data, eofEnd, expected);
        done = true;
      }
      default -> loadKey(in, type);
    }
  }

  private void loadKey(RdbInput in, int type) throws RdbException {
    byte[] key = in.readString();
    ValueCodec.Loaded v = RdbValues.load(in, type, config);
    long at = expireAt;
    long keyIdle = idle;
    int keyFreq = freq;
    expireAt = -1;
    idle = -1;
    freq = -1;
    if (v == null) {
      Log.warning("rdbLoadObject skipping empty key: " + new String(key, StandardCharsets.UTF_8));
      return;
    }
    if (at >= 0 && at < nowMs) {
      skipped++;
      return;
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

  private void checkCrc(byte[] data, int end, long expected) throws RdbException {
    if (version < 5 || !config.getBool("rdbchecksum")) {
      return;
    }
    if (expected == 0) {
      Log.warning("RDB file was saved with checksum disabled: no check performed.");
      return;
    }
    long got = Crc64.update(crc, data, crcPos, end - crcPos);
    if (got != expected) {
      throw new RdbException(
          String.format(
              "Wrong RDB checksum expected: (%x) got (%x). Aborting now.", expected, got));
    }
  }
}
