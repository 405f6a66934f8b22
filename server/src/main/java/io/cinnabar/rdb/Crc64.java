package io.cinnabar.rdb;

/**
 * Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected input and output, initial value 0,
 * no final xor): the checksum of RDB files and DUMP payloads. Check value of "123456789" is
 * 0xe9c6d914c4b8d9ca.
 */
public final class Crc64 {
  private static final long[] TABLE = new long[256];

  static {
    long poly = Long.reverse(0xad93d23594c935a9L);
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private Crc64() {}

  /** Continues {@code crc} over {@code b[off, off + len)}. */
  public static long update(long crc, byte[] b, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      crc = TABLE[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
    }
    return crc;
  }
}
