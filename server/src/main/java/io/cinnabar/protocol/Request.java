package io.cinnabar.protocol;

import io.cinnabar.util.Bytes;
import java.util.Arrays;

/**
 * The arguments of one command as slices: argument i is {@code bufs[i][offs[i] ..
 * offs[i]+lens[i])}. For commands read from the network every slice points into the connection's
 * query buffer, so decoding copies nothing. Queued commands (MULTI) point at their own arrays.
 * Reused for every command of a connection.
 */
public final class Request {
  public byte[][] bufs = new byte[8][];
  public int[] offs = new int[8];
  public int[] lens = new int[8];
  public int argc;

  public void clear() {
    argc = 0;
  }

  public void add(byte[] buf, int off, int len) {
    if (argc == offs.length) {
      int n = argc * 2;
      bufs = Arrays.copyOf(bufs, n);
      offs = Arrays.copyOf(offs, n);
      lens = Arrays.copyOf(lens, n);
    }
    bufs[argc] = buf;
    offs[argc] = off;
    lens[argc] = len;
    argc++;
  }

  /** Shifts slices that point into {@code buf} after the buffer was compacted by {@code delta}. */
  void rebase(byte[] oldBuf, byte[] newBuf, int delta) {
    for (int i = 0; i < argc; i++) {
      if (bufs[i] == oldBuf) {
        bufs[i] = newBuf;
        offs[i] -= delta;
      }
    }
  }

  /** A copy of argument i (for storing it). */
  public byte[] copy(int i) {
    return Arrays.copyOfRange(bufs[i], offs[i], offs[i] + lens[i]);
  }

  public String string(int i) {
    return Bytes.latin1(bufs[i], offs[i], lens[i]);
  }

  /** True if argument i equals {@code lower} ignoring ASCII case; {@code lower} is lower case. */
  public boolean is(int i, byte[] lower) {
    return Bytes.equalsIgnoreCase(lower, bufs[i], offs[i], lens[i]);
  }

  /** Copies all arguments into standalone arrays (for queueing the command). */
  public byte[][] copyAll() {
    byte[][] out = new byte[argc][];
    for (int i = 0; i < argc; i++) {
      out[i] = copy(i);
    }
    return out;
  }

  /** Points this request at standalone argument arrays (a queued command being run). */
  public void setAll(byte[][] args) {
    argc = 0;
    for (byte[] a : args) {
      add(a, 0, a.length);
    }
  }
}
