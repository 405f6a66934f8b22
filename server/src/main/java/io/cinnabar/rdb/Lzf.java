package io.cinnabar.rdb;

import java.util.Arrays;

/**
 * LZF compression in the format of liblzf 3.6 as Redis builds it (HLOG 16, VERY_FAST): literal runs
 * {@code 000LLLLL} + up to 32 bytes, back references {@code LLLooooo oooooooo} (length 3..8) or
 * {@code 111ooooo LLLLLLLL oooooooo} (longer), offsets up to 8 KB.
 */
public final class Lzf {
  private static final int HLOG = 16;
  private static final int HSIZE = 1 << HLOG;
  private static final int MAX_LIT = 1 << 5;
  private static final int MAX_OFF = 1 << 13;
  private static final int MAX_REF = (1 << 8) + (1 << 3);

  private Lzf() {}

  private static int idx(int h) {
    return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
  }

  /**
   * Compresses {@code in[0, inLen)} into {@code out}, at most {@code outLen} bytes; returns the
   * compressed length or 0 if it does not fit (the caller then stores the data raw).
   */
  public static int compress(byte[] in, int inLen, byte[] out, int outLen) {
    if (inLen == 0 || outLen == 0) {
      return 0;
    }
    int[] htab = new int[HSIZE];
    Arrays.fill(htab, -1);
    int ip = 0;
    int op = 0;
    int lit = 0;
    op++; // start run
    int hval = ((in[0] & 0xff) << 8) | (inLen > 1 ? in[1] & 0xff : 0);
    while (ip < inLen - 2) {
      hval = (hval << 8) | (in[ip + 2] & 0xff);
      int slot = idx(hval);
      int ref = htab[slot];
      htab[slot] = ip;
      int off;
      if (ref >= 0
          && (off = ip - ref - 1) < MAX_OFF
          && ref > 0
          && in[ref + 2] == in[ip + 2]
          && in[ref] == in[ip]
          && in[ref + 1] == in[ip + 1]) {
        int len = 2;
        int maxlen = inLen - ip - len;
        maxlen = Math.min(maxlen, MAX_REF);
        if (op + 3 + 1 >= outLen && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outLen) {
          return 0;
        }
        out[op - lit - 1] = (byte) (lit - 1); // stop run
        op -= lit == 0 ? 1 : 0; // undo run if length is zero
        do {
          len++;
        } while (len < maxlen && in[ref + len] == in[ip + len]);
        len -= 2; // now #octets - 1
        ip++;
        if (len < 7) {
          out[op++] = (byte) ((off >>> 8) + (len << 5));
        } else {
          out[op++] = (byte) ((off >>> 8) + (7 << 5));
          out[op++] = (byte) (len - 7);
        }
        out[op++] = (byte) off;
        lit = 0;
        op++; // start run
        ip += len + 1;
        if (ip >= inLen - 2) {
          break;
        }
        ip -= 2;
        hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
        hval = (hval << 8) | (in[ip + 2] & 0xff);
        htab[idx(hval)] = ip;
        ip++;
        hval = (hval << 8) | (in[ip + 2] & 0xff);
        htab[idx(hval)] = ip;
        ip++;
      } else {
        if (op >= outLen) {
          return 0;
        }
        lit++;
        out[op++] = in[ip++];
        if (lit == MAX_LIT) {
          out[op - lit - 1] = (byte) (lit - 1);
          lit = 0;
          op++;
        }
      }
    }
    if (op + 3 > outLen) {
      return 0;
    }
    while (ip < inLen) {
      lit++;
      out[op++] = in[ip++];
      if (lit == MAX_LIT) {
        out[op - lit - 1] = (byte) (lit - 1);
        lit = 0;
        op++;
      }
    }
    out[op - lit - 1] = (byte) (lit - 1);
    op -= lit == 0 ? 1 : 0;
    return op;
  }

  /** Decompresses {@code in[off, off + len)} into exactly {@code outLen} bytes, or throws. */
  public static byte[] decompress(byte[] in, int off, int len, int outLen) throws RdbException {
    byte[] out = new byte[outLen];
    int ip = off;
    int end = off + len;
    int op = 0;
    try {
      while (ip < end) {
        int ctrl = in[ip++] & 0xff;
        if (ctrl < 32) {
          int n = ctrl + 1;
          if (op + n > outLen || ip + n > end) {
            throw new RdbException("Invalid LZF compressed string");
          }
          System.arraycopy(in, ip, out, op, n);
          ip += n;
          op += n;
        } else {
          int n = ctrl >>> 5;
          if (n == 7) {
            n += in[ip++] & 0xff;
          }
          int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
          n += 2;
          if (op + n > outLen || ref < 0) {
            throw new RdbException("Invalid LZF compressed string");
          }
          for (int i = 0; i < n; i++) {
            out[op++] = out[ref++];
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new RdbException("Invalid LZF compressed string");
    }
    if (op != outLen) {
      throw new RdbException("Invalid LZF compressed string");
    }
    return out;
  }
}
