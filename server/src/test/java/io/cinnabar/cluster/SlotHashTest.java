package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SlotHashTest {
  private static byte[] b(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void crc16IsXmodem() {
    byte[] k = b("123456789");
    assertThat(SlotHash.crc16(k, 0, k.length)).isEqualTo(0x31C3);
  }

  /** Expected values are redis-server 7.0.15's CLUSTER KEYSLOT replies. */
  @Test
  void slotsMatchRedisKeyslot() {
    Object[][] vectors = {
      {"123456789", 12739},
      {"", 0},
      {"foo", 12182},
      {"bar", 5061},
      {"{}foo", 9500},
      {"{user1000}.following", 3443},
      {"{user1000}.followers", 3443},
      {"foo{}{bar}", 8363},
      {"foo{{bar}}zap", 4015},
      {"foo{bar}{zap}", 5061},
      {"{", 4092},
      {"}", 12090},
      {"{a", 10276},
      {"a}", 5921},
      {"}{a}", 15495},
      {"{{}}", 4092},
      {"\u00ff\u0000\u0080", 7915},
      {"key:1000", 15018},
      {"{a}", 15495},
      {"a{b}c", 3300},
      {"\u00e2\u0082\u00ac{\u00c3\u00a9}", 10180},
    };
    for (Object[] v : vectors) {
      assertThat(SlotHash.slot(b((String) v[0]))).as("%s", v[0]).isEqualTo(v[1]);
    }
  }

  @Test
  void slicesHashOnlyTheirBytes() {
    byte[] buf = b("xx{user1000}.followingyy");
    assertThat(SlotHash.slot(buf, 2, buf.length - 4)).isEqualTo(3443);
    byte[] tagOutside = b("foo}{x");
    assertThat(SlotHash.slot(tagOutside, 0, 4)).isEqualTo(SlotHash.slot(b("foo}")));
    // a '{' whose '}' lies past the slice is no tag
    byte[] open = b("{ab}");
    assertThat(SlotHash.slot(open, 0, 3)).isEqualTo(SlotHash.slot(b("{ab")));
  }
}
