package io.cinnabar.rdb;

/**
 * Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected input and output, initial value 0,
 * no final xor): the checksum of RDB files and DUMP payloads. Check value of "123456789" is
 * 0xe9c6d914c4b8d9ca.
 */
public final class Crc64 {
  /**
   * TABLES[k][b]: the CRC of byte b followed by k zero bytes (slicing-by-8, as Redis's crcspeed).
   */
  private static final long[][] TABLES = new long[8][256];

  private static final java.lang.invoke.VarHandle LE_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  static {
    long poly = Long.reverse(0xad93d23594c935a9L);
    long[] t0 = TABLES[0];
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
      }
      t0[i] = crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int i = 0; i < 256; i++) {
        long prev = TABLES[k - 1][i];
        TABLES[k][i] = (prev >>> 8) ^ t0[(int) prev & 0xff];
      }
    }
  }

  private Crc64() {}

  /**
   * Continues {@code crc} over {@code b[off, off + len)}: eight bytes a step, then one at a time.
   */
  public static long update(long crc, byte[] b, int off, int len) {
    long[] t0 = TABLES[0];
    long[] t1 = TABLES[1];
    long[] t2 = TABLES[2];
    long[] t3 = TABLES[3];
    long[] t4 = TABLES[4];
    long[] t5 = TABLES[5];
    long[] t6 = TABLES[6];
    long[] t7 = TABLES[7];
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      long x = crc ^ (long) LE_LONG.get(b, i);
      crc =
          t7[(int) x & 0xff]
              ^ t6[(int) (x >>> 8) & 0xff]
              ^ t5[(int) (x >>> 16) & 0xff]
              ^ t4[(int) (x >>> 24) & 0xff]
              ^ t3[(int) (x >>> 32) & 0xff]
              ^ t2[(int) (x >>> 40) & 0xff]
              ^ t1[(int) (x >>> 48) & 0xff]
              ^ t0[(int) (x >>> 56) & 0xff];
    }
    for (; i < end; i++) {
      crc = t0[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
    }
    return crc;
  }
}
