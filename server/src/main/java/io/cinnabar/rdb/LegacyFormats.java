package io.cinnabar.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoders for the compact formats older RDB files hold (ziplist, zipmap) and the intset of
 * SET_INTSET values (decoder and encoder; Redis 7.0 still writes intsets).
 */
public final class LegacyFormats {
  private LegacyFormats() {}

  /** Redis's ziplist.c: header (bytes, tail, count), entries (prevlen, encoding, data), 0xFF. */
  public static List<byte[]> ziplist(byte[] zl) throws RdbException {
    if (zl.length < 11 || ListpackCodec.le(zl, 0, 4) != zl.length) {
      throw new RdbException("Ziplist integrity check failed");
    }
    List<byte[]> out = new ArrayList<>();
    int p = 10;
    try {
      while ((zl[p] & 0xff) != 0xff) {
        p += (zl[p] & 0xff) < 254 ? 1 : 5; // prevlen
        int b = zl[p] & 0xff;
        switch (b >>> 6) {
          case 0 -> {
            int len = b & 0x3f;
            out.add(Arrays.copyOfRange(zl, p + 1, p + 1 + len));
            p += 1 + len;
          }
          case 1 -> {
            int len = ((b & 0x3f) << 8) | (zl[p + 1] & 0xff);
            out.add(Arrays.copyOfRange(zl, p + 2, p + 2 + len));
            p += 2 + len;
          }
          case 2 -> {
            int len =
                ((zl[p + 1] & 0xff) << 24)
                    | ((zl[p + 2] & 0xff) << 16)
                    | ((zl[p + 3] & 0xff) << 8)
                    | (zl[p + 4] & 0xff);
            if (len < 0) {
              throw new RdbException("Ziplist string too long");
            }
            out.add(Arrays.copyOfRange(zl, p + 5, p + 5 + len));
            p += 5 + len;
          }
          default -> {
            long v;
            int n;
            switch (b) {
              case 0xc0 -> {
                v = (short) ListpackCodec.le(zl, p + 1, 2);
                n = 2;
              }
              case 0xd0 -> {
                v = (int) ListpackCodec.le(zl, p + 1, 4);
                n = 4;
              }
              case 0xe0 -> {
                v = ListpackCodec.le(zl, p + 1, 8);
                n = 8;
              }
              case 0xf0 -> {
                v = (ListpackCodec.le(zl, p + 1, 3) << 40) >> 40;
                n = 3;
              }
              case 0xfe -> {
                v = zl[p + 1];
                n = 1;
              }
              default -> {
                if (b < 0xf1 || b > 0xfd) {
                  throw new RdbException("Invalid ziplist encoding " + b);
                }
                v = (b & 0x0f) - 1;
                n = 0;
              }
            }
            out.add(ListpackCodec.ascii(v));
            p += 1 + n;
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new RdbException("Ziplist entry out of range");
    }
    if (p != zl.length - 1) {
      throw new RdbException("Ziplist integrity check failed");
    }
    return out;
  }

  /** Redis's zipmap.c (RDB_TYPE_HASH_ZIPMAP): count byte, then len/field, len/free/value pairs. */
  public static List<byte[]> zipmap(byte[] zm) throws RdbException {
    List<byte[]> out = new ArrayList<>();
    int p = 1;
    try {
      while ((zm[p] & 0xff) != 0xff) {
        for (int k = 0; k < 2; k++) {
          int len = zm[p] & 0xff;
          if (len < 254) {
            p++;
          } else if (len == 254) {
            len = (int) ListpackCodec.le(zm, p + 1, 4);
            p += 5;
          } else {
            throw new RdbException("Zipmap integrity check failed");
          }
          int free = 0;
          if (k == 1) {
            free = zm[p++] & 0xff;
          }
          if (len < 0) {
            throw new RdbException("Zipmap integrity check failed");
          }
          out.add(Arrays.copyOfRange(zm, p, p + len));
          p += len + free;
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new RdbException("Zipmap integrity check failed");
    }
    return out;
  }

  /** Redis's intset.c: encoding (2, 4 or 8) u32, count u32, sorted little-endian integers. */
  public static long[] intset(byte[] is) throws RdbException {
    if (is.length < 8) {
      throw new RdbException("Intset integrity check failed");
    }
    int enc = (int) ListpackCodec.le(is, 0, 4);
    long count = ListpackCodec.le(is, 4, 4);
    if ((enc != 2 && enc != 4 && enc != 8) || 8 + count * enc != is.length || count == 0) {
      throw new RdbException("Intset integrity check failed");
    }
    long[] out = new long[(int) count];
    for (int i = 0; i < count; i++) {
      long v = ListpackCodec.le(is, 8 + i * enc, enc);
      out[i] = (v << (64 - 8 * enc)) >> (64 - 8 * enc);
      if (i > 0 && out[i] <= out[i - 1]) {
        throw new RdbException("Intset integrity check failed");
      }
    }
    return out;
  }

  /** Encodes sorted distinct integers as an intset with the smallest width that holds them all. */
  public static byte[] encodeIntset(long[] sorted) {
    int enc = 2;
    for (long v : sorted) {
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        enc = 8;
        break;
      }
      if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
        enc = 4;
      }
    }
    byte[] out = new byte[8 + sorted.length * enc];
    put(out, 0, enc, 4);
    put(out, 4, sorted.length, 4);
    for (int i = 0; i < sorted.length; i++) {
      put(out, 8 + i * enc, sorted[i], enc);
    }
    return out;
  }

  private static void put(byte[] b, int off, long v, int n) {
    for (int i = 0; i < n; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
