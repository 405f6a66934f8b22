package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.Keyspace;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Loading an RDB image fed in pieces gives the same dataset as loading it whole. */
class RdbStreamLoaderTest {
  private static final long NOW = 1_700_000_000_000L;

  private static byte[] golden(String name) throws Exception {
    try (InputStream in = RdbStreamLoaderTest.class.getResourceAsStream("/rdb/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] save(Keyspace ks) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RdbFile.save(ks, new Config(), NOW, 0, out);
    return out.toByteArray();
  }

  @Test
  void chunkedFeedingMatchesAWholeLoad() throws Exception {
    for (String name : new String[] {"supported.rdb", "sets-zsets.rdb"}) {
      byte[] data = golden(name);
      Keyspace whole = new Keyspace(16);
      RdbFile.load(data, whole, new Config(), NOW, 0);
      Random rnd = new Random(42);
      for (int round = 0; round < 20; round++) {
        Keyspace ks = new Keyspace(16);
        RdbStreamLoader l = new RdbStreamLoader(ks, new Config(), NOW, 0);
        int end = 0;
        while (end < data.length) {
          end = Math.min(data.length, end + 1 + rnd.nextInt(round < 10 ? 7 : 300));
          l.feed(data, end, false);
        }
        l.feed(data, data.length, true);
        assertThat(l.done()).isTrue();
        assertThat(ks.totalKeys()).isEqualTo(whole.totalKeys());
        assertThat(save(ks)).isEqualTo(save(whole));
      }
    }
  }

  @Test
  void aTruncatedOrCorruptPayloadFailsOnceComplete() throws Exception {
    byte[] data = golden("supported.rdb");
    RdbStreamLoader l = new RdbStreamLoader(new Keyspace(16), new Config(), NOW, 0);
    l.feed(data, data.length - 20, false);
    assertThat(l.done()).isFalse();
    assertThatThrownBy(() -> l.feed(data, data.length - 20, true))
        .isInstanceOf(RdbException.class)
        .hasMessage("Unexpected EOF reading RDB file");
    byte[] bad = data.clone();
    bad[bad.length - 1] ^= 1; // the checksum
    RdbStreamLoader c = new RdbStreamLoader(new Keyspace(16), new Config(), NOW, 0);
    for (int end = 1; end < bad.length; end += 13) {
      c.feed(bad, end, false);
    }
    assertThatThrownBy(() -> c.feed(bad, bad.length, true))
        .isInstanceOf(RdbException.class)
        .hasMessageStartingWith("Wrong RDB checksum");
  }
}
