package io.cinnabar.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's listpack byte format (listpack.c): a 6-byte header (total bytes u32, element count u16),
 * entries (encoding + data + back length), and 0xFF. Canonical decimal strings are stored as the
 * smallest integer encoding, as lpAppend does, so encoded bytes equal Redis's.
 */
public final class ListpackCodec {
  private ListpackCodec() {}

  /** Builds one listpack by appending elements. */
  public static final class Writer {
    private byte[] buf = new byte[64];
    private int pos = 6;
    private int count;

    public int count() {
      return count;
    }

    /** Current total size in bytes including the end marker (Redis's lpBytes). */
    public int bytes() {
      return pos + 1;
    }

    private void ensure(int n) {
      if (pos + n + 1 > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(pos + n + 1, buf.length * 2));
      }
    }

    public Writer append(byte[] s) {
      return append(s, 0, s.length);
    }

    public Writer append(byte[] s, int off, int len) {
      long v = Ints.parseCanonical(s, off, len);
      int start = pos;
      ensure(len + 16);
      if (v != Ints.NOT_A_NUMBER) {
        writeInt(v);
      } else if (len < 64) {
        buf[pos++] = (byte) (0x80 | len);
        System.arraycopy(s, off, buf, pos, len);
        pos += len;
      } else if (len < 4096) {
        buf[pos++] = (byte) (0xe0 | (len >>> 8));
        buf[pos++] = (byte) len;
        System.arraycopy(s, off, buf, pos, len);
        pos += len;
      } else {
        buf[pos++] = (byte) 0xf0;
        for (int i = 0; i < 4; i++) {
          buf[pos++] = (byte) (len >>> (8 * i));
        }
        System.arraycopy(s, off, buf, pos, len);
        pos += len;
      }
      writeBacklen(pos - start);
      count++;
      return this;
    }

    private void writeInt(long v) {
      if (v >= 0 && v <= 127) {
        buf[pos++] = (byte) v;
      } else if (v >= -4096 && v <= 4095) {
        long u = v < 0 ? (1 << 13) + v : v;
        buf[pos++] = (byte) ((u >>> 8) | 0xc0);
        buf[pos++] = (byte) u;
      } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
        buf[pos++] = (byte) 0xf1;
        le(v, 2);
      } else if (v >= -(1 << 23) && v < (1 << 23)) {
        buf[pos++] = (byte) 0xf2;
        le(v, 3);
      } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        buf[pos++] = (byte) 0xf3;
        le(v, 4);
      } else {
        buf[pos++] = (byte) 0xf4;
        le(v, 8);
      }
    }

    private void le(long v, int n) {
      for (int i = 0; i < n; i++) {
        buf[pos++] = (byte) (v >>> (8 * i));
      }
    }

    private void writeBacklen(int l) {
      if (l <= 127) {
        buf[pos++] = (byte) l;
      } else if (l < 16383) {
        buf[pos++] = (byte) (l >>> 7);
        buf[pos++] = (byte) ((l & 127) | 128);
      } else if (l < 2097151) {
        buf[pos++] = (byte) (l >>> 14);
        buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
        buf[pos++] = (byte) ((l & 127) | 128);
      } else if (l < 268435455) {
        buf[pos++] = (byte) (l >>> 21);
        buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
        buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
        buf[pos++] = (byte) ((l & 127) | 128);
      } else {
        buf[pos++] = (byte) (l >>> 28);
        buf[pos++] = (byte) (((l >>> 21) & 127) | 128);
        buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
        buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
        buf[pos++] = (byte) ((l & 127) | 128);
      }
    }

    /** The finished listpack (header filled in, end marker appended). */
    public byte[] finish() {
      ensure(1);
      buf[pos] = (byte) 0xff;
      int total = pos + 1;
      for (int i = 0; i < 4; i++) {
        buf[i] = (byte) (total >>> (8 * i));
      }
      int n = Math.min(count, 65535);
      buf[4] = (byte) n;
      buf[5] = (byte) (n >>> 8);
      return Arrays.copyOf(buf, total);
    }
  }

  /** Decodes every element (integers as decimal text); validates the structure. */
  public static List<byte[]> decode(byte[] lp) throws RdbException {
    if (lp.length < 7) {
      throw new RdbException("Listpack too short");
    }
    long total = le(lp, 0, 4);
    if (total != lp.length) {
      throw new RdbException("Listpack length mismatch");
    }
    int declared = (int) le(lp, 4, 2);
    List<byte[]> out = new ArrayList<>(declared == 65535 ? 16 : declared);
    int p = 6;
    try {
      while ((lp[p] & 0xff) != 0xff) {
        int b = lp[p] & 0xff;
        int start = p;
        if ((b & 0x80) == 0) {
          out.add(ascii(b));
          p += 1;
        } else if ((b & 0xc0) == 0x80) {
          int len = b & 0x3f;
          out.add(Arrays.copyOfRange(lp, p + 1, p + 1 + len));
          p += 1 + len;
        } else if ((b & 0xe0) == 0xc0) {
          long u = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
          out.add(ascii(u >= (1 << 12) ? u - (1 << 13) : u));
          p += 2;
        } else if ((b & 0xf0) == 0xe0) {
          int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
          out.add(Arrays.copyOfRange(lp, p + 2, p + 2 + len));
          p += 2 + len;
        } else {
          switch (b) {
            case 0xf0 -> {
              int len = (int) le(lp, p + 1, 4);
              if (len < 0 || p + 5 + len > lp.length) {
                throw new RdbException("Listpack string too long");
              }
              out.add(Arrays.copyOfRange(lp, p + 5, p + 5 + len));
              p += 5 + len;
            }
            case 0xf1 -> {
              out.add(ascii((short) le(lp, p + 1, 2)));
              p += 3;
            }
            case 0xf2 -> {
              out.add(ascii((le(lp, p + 1, 3) << 40) >> 40));
              p += 4;
            }
            case 0xf3 -> {
              out.add(ascii((int) le(lp, p + 1, 4)));
              p += 5;
            }
            case 0xf4 -> {
              out.add(ascii(le(lp, p + 1, 8)));
              p += 9;
            }
            default -> throw new RdbException("Invalid listpack encoding " + b);
          }
        }
        int entry = p - start;
        p += entry <= 127 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3 : entry < 268435455 ? 4 : 5;
        if (p >= lp.length) {
          throw new RdbException("Listpack entry out of range");
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new RdbException("Listpack entry out of range");
    }
    if (p != lp.length - 1 || (declared != 65535 && declared != out.size())) {
      throw new RdbException("Listpack integrity check failed");
    }
    return out;
  }

  static long le(byte[] b, int off, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (b[off + i] & 0xffL) << (8 * i);
    }
    return v;
  }

  static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
