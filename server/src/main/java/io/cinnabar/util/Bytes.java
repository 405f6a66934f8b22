package io.cinnabar.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Byte-slice helpers: hashing, comparison and ASCII case folding without allocating. */
public final class Bytes {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Per-process random seed so clients cannot craft colliding keys (hash flooding). */
  private static final long SEED = ThreadLocalRandom.current().nextLong() | 1L;

  public static final byte[] EMPTY = new byte[0];

  private Bytes() {}

  /** A fast 32-bit hash of {@code b[off, off+len)}, seeded per process. */
  public static int hash(byte[] b, int off, int len) {
    long h = SEED ^ (len * 0x9E3779B97F4A7C15L);
    int i = off;
    int end = off + len;
    while (end - i >= 8) {
      long k = (long) LONGS.get(b, i);
      h = (h ^ mixK(k)) * 0x9E3779B97F4A7C15L;
      h = Long.rotateLeft(h, 27);
      i += 8;
    }
    long tail = 0;
    int shift = 0;
    while (i < end) {
      tail |= (b[i++] & 0xFFL) << shift;
      shift += 8;
    }
    h ^= mixK(tail);
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return (int) h;
  }

  private static long mixK(long k) {
    k *= 0x87C37B91114253D5L;
    k = Long.rotateLeft(k, 31);
    return k * 0x4CF5AD432745937FL;
  }

  public static int hash(byte[] b) {
    return hash(b, 0, b.length);
  }

  /** Case-insensitive (ASCII) hash, used for command names. */
  public static int hashIgnoreCase(byte[] b, int off, int len) {
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + toLower(b[i]);
    }
    return h ^ (h >>> 16);
  }

  public static boolean equals(byte[] a, byte[] b, int off, int len) {
    return a.length == len && java.util.Arrays.equals(a, 0, len, b, off, off + len);
  }

  /** {@code lower} must already be lower case. */
  public static boolean equalsIgnoreCase(byte[] lower, byte[] b, int off, int len) {
    if (lower.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (lower[i] != toLower(b[off + i])) {
        return false;
      }
    }
    return true;
  }

  public static byte toLower(byte c) {
    return (c >= 'A' && c <= 'Z') ? (byte) (c + 32) : c;
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes as a Java string, one char per byte (lossless for binary data). */
  public static String latin1(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  public static String latin1(byte[] b) {
    return latin1(b, 0, b.length);
  }

  public static byte[] copy(byte[] b, int off, int len) {
    return java.util.Arrays.copyOfRange(b, off, off + len);
  }

  /** {@code a} followed by {@code b}, in a new array. */
  public static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  public static int compare(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }
}
