package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.config.Config;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated DUMP payloads (with a valid checksum, so they reach the decoder) either decode or fail
 * with an RdbException: never another exception, which RESTORE would have to turn into an error.
 */
class PayloadFuzzTest {
  @Test
  void mutatedPayloadsFailCleanly() throws Exception {
    List<DumpRestoreTest.Payload> payloads = DumpRestoreTest.payloads();
    Config config = new Config();
    Random rnd = new Random(1234);
    int decoded = 0;
    int rejected = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] p = payloads.get(rnd.nextInt(payloads.size())).bytes().clone();
      if (p.length > 4000) {
        continue;
      }
      int body = p.length - 10;
      int edits = 1 + rnd.nextInt(3);
      for (int i = 0; i < edits; i++) {
        int at = rnd.nextInt(body);
        switch (rnd.nextInt(3)) {
          case 0 -> p[at] = (byte) rnd.nextInt(256);
          case 1 -> p[at] ^= (byte) (1 << rnd.nextInt(8));
          default -> p[at] = (byte) (rnd.nextBoolean() ? 0xff : 0x00);
        }
      }
      if (rnd.nextInt(4) == 0) {
        // truncate the value part
        int cut = rnd.nextInt(body);
        byte[] q = new byte[cut + 10];
        System.arraycopy(p, 0, q, 0, cut);
        System.arraycopy(p, body, q, cut, 10);
        p = q;
        body = cut;
      }
      long crc = Crc64.update(0, p, 0, body + 2);
      for (int i = 0; i < 8; i++) {
        p[body + 2 + i] = (byte) (crc >>> (8 * i));
      }
      assertThat(DumpPayload.verify(p, 0, p.length)).isTrue();
      try {
        DumpPayload.load(p, 0, p.length, config);
        decoded++;
      } catch (RdbException e) {
        rejected++;
      }
    }
    assertThat(rejected).isPositive();
    assertThat(decoded).isPositive();
  }
}
