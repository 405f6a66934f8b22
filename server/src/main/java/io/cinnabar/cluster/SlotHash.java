package io.cinnabar.cluster;

/**
 * The hash slot of a key, as Redis's keyHashSlot: CRC16-XMODEM (polynomial 0x1021, initial value 0)
 * of the key, or of its hash tag, modulo 16384. The hash tag is what lies between the first '{' and
 * the first '}' after it, when that is not empty; otherwise the whole key is hashed. Works on byte
 * slices and allocates nothing.
 */
public final class SlotHash {
  public static final int SLOTS = 16384;

  private static final char[] TABLE = new char[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = (char) (crc & 0xFFFF);
    }
  }

  private SlotHash() {}

  /** CRC16-XMODEM of a byte slice. */
  public static int crc16(byte[] b, int off, int len) {
    int crc = 0;
    for (int i = off, end = off + len; i < end; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }

  public static int slot(byte[] key) {
    return slot(key, 0, key.length);
  }

  /** The slot of a key (0..16383), honoring the first non-empty {hash tag}. */
  public static int slot(byte[] b, int off, int len) {
    int end = off + len;
    int open = off;
    while (open < end && b[open] != '{') {
      open++;
    }
    if (open < end) {
      int close = open + 1;
      while (close < end && b[close] != '}') {
        close++;
      }
      if (close < end && close != open + 1) {
        return crc16(b, open + 1, close - open - 1) & (SLOTS - 1);
      }
    }
    return crc16(b, off, len) & (SLOTS - 1);
  }
}
