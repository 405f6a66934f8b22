package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
  /** The textbook bit-at-a-time CRC-64/Jones (reflected), the reference for the sliced one. */
  private static long bitwise(long crc, byte[] b, int off, int len) {
    long poly = Long.reverse(0xad93d23594c935a9L);
    for (int i = off; i < off + len; i++) {
      crc ^= b[i] & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
      }
    }
    return crc;
  }

  @Test
  void slicedAgreesWithBitwiseOnEveryLengthAndOffset() {
    Random r = new Random(11);
    byte[] b = new byte[300];
    r.nextBytes(b);
    for (int off = 0; off < 9; off++) {
      for (int len = 0; off + len <= b.length; len++) {
        long seed = r.nextLong();
        assertThat(Crc64.update(seed, b, off, len)).isEqualTo(bitwise(seed, b, off, len));
      }
    }
  }

  @Test
  void checkValueAndChaining() {
    byte[] b = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(Crc64.update(0, b, 0, b.length)).isEqualTo(0xe9c6d914c4b8d9caL);
    assertThat(Crc64.update(Crc64.update(0, b, 0, 4), b, 4, 5)).isEqualTo(0xe9c6d914c4b8d9caL);
  }
}
