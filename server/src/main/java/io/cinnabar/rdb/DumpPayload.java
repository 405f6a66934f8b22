package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import java.io.IOException;

/**
 * DUMP/RESTORE payloads as Redis's createDumpPayload and verifyDumpPayload: the serialized value
 * (type byte + rdbSaveObject), the RDB version as 2 little-endian bytes, then the CRC-64 of all
 * that as 8 little-endian bytes.
 */
public final class DumpPayload {
  private DumpPayload() {}

  public static byte[] create(Object value, byte type, byte encoding, boolean compress)
      throws RdbException {
    try {
      RdbOutput out = new RdbOutput(compress);
      RdbValues.save(out, value, type, encoding);
      out.writeLe(Rdb.VERSION, 2);
      out.writeLe(out.crc(), 8);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory output cannot fail", e);
    }
  }

  /** Redis's verifyDumpPayload: a known RDB version and a matching CRC-64. */
  public static boolean verify(byte[] p, int off, int len) {
    if (len < 10) {
      return false;
    }
    int footer = off + len - 10;
    int version = (p[footer] & 0xff) | ((p[footer + 1] & 0xff) << 8);
    if (version > Rdb.VERSION) {
      return false;
    }
    long crc = Crc64.update(0, p, off, len - 8);
    return crc == ListpackCodec.le(p, footer + 2, 8);
  }

  /** Decodes the value of a verified payload; null if the value is empty. */
  public static ValueCodec.Loaded load(byte[] p, int off, int len, Config config)
      throws RdbException {
    RdbInput in = new RdbInput(p, off, off + len - 10);
    int type = in.readByte();
    if (!RdbValues.isValueType(type)) {
      throw new RdbException("Bad data format");
    }
    return RdbValues.load(in, type, config);
  }
}
