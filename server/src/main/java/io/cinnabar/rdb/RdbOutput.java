package io.cinnabar.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Writes RDB primitives (Redis's rdbSave* helpers) to a growable buffer that is either kept whole
 * (DUMP payloads) or drained to a stream in chunks (snapshots), with the CRC-64 of everything
 * written kept up to date.
 */
public final class RdbOutput {
  private static final int FLUSH_AT = 1 << 16;

  private byte[] buf = new byte[256];
  private int pos;
  private long crc;
  private final OutputStream sink;
  private final boolean compress;
  private byte[] lzfOut = new byte[64];

  /** A buffer kept in memory; {@code compress} is rdbcompression. */
  public RdbOutput(boolean compress) {
    this(null, compress);
  }

  public RdbOutput(OutputStream sink, boolean compress) {
    this.sink = sink;
    this.compress = compress;
  }

  private void ensure(int n) throws IOException {
    if (pos + n > buf.length) {
      if (sink != null && pos > 0) {
        drain();
      }
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
      }
    }
  }

  private void drain() throws IOException {
    crc = Crc64.update(crc, buf, 0, pos);
    sink.write(buf, 0, pos);
    pos = 0;
  }

  /** Sends what is buffered to the sink (the caller flushes or syncs the sink itself). */
  public void flush() throws IOException {
    if (sink != null) {
      drain();
    }
  }

  /** The CRC-64 of every byte written so far. */
  public long crc() {
    return Crc64.update(crc, buf, 0, pos);
  }

  /** The bytes written (in-memory outputs only). */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  public void writeByte(int b) throws IOException {
    ensure(1);
    buf[pos++] = (byte) b;
    if (sink != null && pos >= FLUSH_AT) {
      drain();
    }
  }

  public void writeRaw(byte[] b, int off, int len) throws IOException {
    if (sink != null && len > FLUSH_AT) {
      drain();
      crc = Crc64.update(crc, b, off, len);
      sink.write(b, off, len);
      return;
    }
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
    if (sink != null && pos >= FLUSH_AT) {
      drain();
    }
  }

  /** Little-endian fixed-width integer of {@code bytes} bytes. */
  public void writeLe(long v, int bytes) throws IOException {
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  /** Redis's rdbSaveBinaryDoubleValue: 8 bytes little-endian IEEE 754 (ZSET_2 scores). */
  public void writeBinaryDouble(double v) throws IOException {
    writeLe(Double.doubleToRawLongBits(v), 8);
  }

  /** Redis's rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  public void writeLen(long len) throws IOException {
    ensure(9);
    if (len < (1 << 6)) {
      buf[pos++] = (byte) len;
    } else if (len < (1 << 14)) {
      buf[pos++] = (byte) (0x40 | (len >>> 8));
      buf[pos++] = (byte) len;
    } else if (len <= 0xffffffffL) {
      buf[pos++] = (byte) Rdb.LEN_32;
      for (int i = 3; i >= 0; i--) {
        buf[pos++] = (byte) (len >>> (8 * i));
      }
    } else {
      buf[pos++] = (byte) Rdb.LEN_64;
      for (int i = 7; i >= 0; i--) {
        buf[pos++] = (byte) (len >>> (8 * i));
      }
    }
  }

  /** Redis's rdbEncodeInteger: int8/16/32 special encodings; false if v does not fit 32 bits. */
  private boolean writeIntEncoded(long v) throws IOException {
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      writeByte(0xc0 | Rdb.ENC_INT8);
      writeLe(v, 1);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      writeByte(0xc0 | Rdb.ENC_INT16);
      writeLe(v, 2);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      writeByte(0xc0 | Rdb.ENC_INT32);
      writeLe(v, 4);
    } else {
      return false;
    }
    return true;
  }

  /** Redis's rdbSaveLongLongAsStringObject (values of the int encoding). */
  public void writeLongString(long v) throws IOException {
    if (!writeIntEncoded(v)) {
      byte[] s = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      writeLen(s.length);
      writeRaw(s, 0, s.length);
    }
  }

  public void writeString(byte[] s) throws IOException {
    writeString(s, 0, s.length);
  }

  /**
   * Redis's rdbSaveRawString: integer encoding for short canonical numbers, LZF when rdbcompression
   * is on and the string is longer than 20 bytes and shrinks by more than 4, else length + bytes.
   */
  public void writeString(byte[] s, int off, int len) throws IOException {
    if (len <= 11 && len > 0) {
      long v = Ints.parseCanonical(s, off, len);
      if (v != Ints.NOT_A_NUMBER && writeIntEncoded(v)) {
        return;
      }
    }
    if (compress && len > 20 && writeLzf(s, off, len)) {
      return;
    }
    writeLen(len);
    writeRaw(s, off, len);
  }

  private boolean writeLzf(byte[] s, int off, int len) throws IOException {
    int outLen = len - 4;
    if (lzfOut.length < outLen + 1) {
      lzfOut = new byte[Math.max(outLen + 1, lzfOut.length * 2)];
    }
    int n = Lzf.compress(s, off, len, lzfOut, outLen);
    if (n == 0) {
      return false;
    }
    writeByte(0xc0 | Rdb.ENC_LZF);
    writeLen(n);
    writeLen(len);
    writeRaw(lzfOut, 0, n);
    return true;
  }
}
