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
   * A thread's hash table, reused across calls (liblzf keeps it on the stack, uninitialized). An
   * entry holds {@code stamp + position}; entries below the current call's stamp are from earlier
   * calls and count as empty, so the table never needs clearing (256 KB per call otherwise) and the
   * output is what a cleared table gives.
   */
  private static final class Table {
    final int[] slots = new int[HSIZE];
    int stamp = 1;
  }

  private static final ThreadLocal<Table> TABLES = ThreadLocal.withInitial(Table::new);

  /** {@link #compress(byte[], int, int, byte[], int)} of {@code in[0, inLen)}. */
  public static int compress(byte[] in, int inLen, byte[] out, int outLen) {
    return compress(in, 0, inLen, out, outLen);
  }

  /**
   * Compresses {@code in[inOff, inOff + inLen)} into {@code out}, at most {@code outLen} bytes;
   * returns the compressed length or 0 if it does not fit (the caller then stores the data raw).
   */
  public static int compress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
    if (inLen == 0 || outLen == 0) {
      return 0;
    }
    Table t = TABLES.get();
    if (t.stamp > Integer.MAX_VALUE - inLen - 1) {
      Arrays.fill(t.slots, 0);
      t.stamp = 1;
    }
    int[] htab = t.slots;
    int stamp = t.stamp;
    t.stamp = stamp + inLen + 1; // this call's entries are all below the next stamp
    int bias = stamp - inOff; // entry = position + bias
    int end = inOff + inLen;
    int ip = inOff;
    int op = 0;
    int lit = 0;
    op++; // start run
    int hval = ((in[ip] & 0xff) << 8) | (inLen > 1 ? in[ip + 1] & 0xff : 0);
    while (ip < end - 2) {
      hval = (hval << 8) | (in[ip + 2] & 0xff);
      int slot = idx(hval);
      int entry = htab[slot];
      int ref = entry >= stamp ? entry - bias : -1;
      htab[slot] = ip + bias;
      int off;
      if (ref >= 0
          && (off = ip - ref - 1) < MAX_OFF
          && ref > inOff
          && in[ref + 2] == in[ip + 2]
          && in[ref] == in[ip]
          && in[ref + 1] == in[ip + 1]) {
        int len = 2;
        int maxlen = end - ip - len;
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
        if (ip >= end - 2) {
          break;
        }
        ip -= 2;
        hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
        hval = (hval << 8) | (in[ip + 2] & 0xff);
        htab[idx(hval)] = ip + bias;
        ip++;
        hval = (hval << 8) | (in[ip + 2] & 0xff);
        htab[idx(hval)] = ip + bias;
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
    while (ip < end) {
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
