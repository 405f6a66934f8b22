package io.cinnabar.rdb;

import java.nio.charset.StandardCharsets;

/** Reads RDB primitives (Redis's rdbLoad* helpers) from a byte array; truncation throws. */
public final class RdbInput {
  private final byte[] buf;
  private int pos;
  private final int end;

  public RdbInput(byte[] buf, int off, int end) {
    this.buf = buf;
    this.pos = off;
    this.end = end;
  }

  public int position() {
    return pos;
  }

  public boolean atEnd() {
    return pos >= end;
  }

  private void need(long n) throws RdbException {
    if (n < 0 || pos + n > end) {
      throw new RdbException("Unexpected EOF reading RDB file");
    }
  }

  public int readByte() throws RdbException {
    need(1);
    return buf[pos++] & 0xff;
  }

  public long readLe(int bytes) throws RdbException {
    need(bytes);
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (buf[pos++] & 0xffL) << (8 * i);
    }
    return v;
  }

  public byte[] readRaw(long n) throws RdbException {
    need(n);
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + (int) n);
    pos += (int) n;
    return out;
  }

  /**
   * Redis's rdbLoadLenByRef: a length, or for the special string encodings {@code ENCODED_FLAG |
   * encoding} (the flag is outside every valid length).
   */
  long readLenOrEncoding() throws RdbException {
    int b = readByte();
    int kind = b >>> 6;
    switch (kind) {
      case 0:
        return b & 0x3f;
      case 1:
        return ((b & 0x3f) << 8) | readByte();
      case 2:
        if (b == Rdb.LEN_32) {
          long v = 0;
          for (int i = 0; i < 4; i++) {
            v = (v << 8) | readByte();
          }
          return v;
        }
        if (b == Rdb.LEN_64) {
          long v = 0;
          for (int i = 0; i < 8; i++) {
            v = (v << 8) | readByte();
          }
          if (v < 0) {
            throw new RdbException("Length too large");
          }
          return v;
        }
        throw new RdbException("Unknown length encoding " + b + " in rdbLoadLen()");
      default:
        return ENCODED | (b & 0x3f);
    }
  }

  static final long ENCODED = 1L << 62;

  public long readLen() throws RdbException {
    long v = readLenOrEncoding();
    if ((v & ENCODED) != 0) {
      throw new RdbException("Unexpected string encoding where a length was expected");
    }
    return v;
  }

  /** A length that must fit in an int (element counts, string sizes). */
  public int readCount() throws RdbException {
    long v = readLen();
    if (v > Integer.MAX_VALUE - 16) {
      throw new RdbException("Length too large: " + v);
    }
    return (int) v;
  }

  /** Redis's rdbGenericLoadStringObject: raw, int8/16/32 (as decimal text) or LZF strings. */
  public byte[] readString() throws RdbException {
    long v = readLenOrEncoding();
    if ((v & ENCODED) == 0) {
      if (v > Integer.MAX_VALUE - 16) {
        throw new RdbException("String too large");
      }
      return readRaw(v);
    }
    int enc = (int) (v & 0x3f);
    switch (enc) {
      case Rdb.ENC_INT8:
        return ascii((byte) readLe(1));
      case Rdb.ENC_INT16:
        return ascii((short) readLe(2));
      case Rdb.ENC_INT32:
        return ascii((int) readLe(4));
      case Rdb.ENC_LZF:
        {
          int clen = readCount();
          int len = readCount();
          need(clen);
          if (len > (long) clen * 128 + 64) {
            throw new RdbException("Invalid LZF compressed string");
          }
          byte[] out = Lzf.decompress(buf, pos, clen, len);
          pos += clen;
          return out;
        }
      default:
        throw new RdbException("Unknown RDB string encoding type " + enc);
    }
  }

  private static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /** Redis's rdbLoadDoubleValue: a length byte then the number as text (253 nan, 254/255 inf). */
  public double readTextDouble() throws RdbException {
    int len = readByte();
    switch (len) {
      case 253:
        return Double.NaN;
      case 254:
        return Double.POSITIVE_INFINITY;
      case 255:
        return Double.NEGATIVE_INFINITY;
      default:
        String s = new String(readRaw(len), StandardCharsets.US_ASCII);
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new RdbException("Bad double value " + s);
        }
    }
  }

  /** Redis's rdbLoadBinaryDoubleValue: 8 bytes little-endian IEEE 754. */
  public double readBinaryDouble() throws RdbException {
    return Double.longBitsToDouble(readLe(8));
  }
}
