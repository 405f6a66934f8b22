package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Set and sorted-set payloads recorded from redis-server 7.0.15 decode to their contents. */
class RdbCollectionsTest {
  @Test
  void redisSetAndZsetPayloadsDecode() throws Exception {
    String text =
        new String(RdbGoldenTest.resource("dump-payloads-sets.txt"), StandardCharsets.US_ASCII);
    HexFormat hex = HexFormat.of();
    int checked = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      byte[] p = hex.parseHex(f[3]);
      assertThat(DumpPayload.verify(p, 0, p.length)).isTrue();
      RdbInput in = new RdbInput(p, 0, p.length - 10);
      int type = in.readByte();
      if (f[0].startsWith("set:")) {
        List<String> members = new ArrayList<>();
        for (byte[] m : RdbCollections.readSet(in, type)) {
          members.add(hex.formatHex(m));
        }
        members.sort(Comparator.naturalOrder());
        assertThat(String.join(",", members)).as(f[0]).isEqualTo(f[2]);
      } else {
        List<RdbCollections.Scored> got = new ArrayList<>(RdbCollections.readZset(in, type));
        got.sort(
            Comparator.comparingDouble(RdbCollections.Scored::score)
                .thenComparing(RdbCollections.Scored::member, Arrays::compare));
        String[] want = f[2].split(",");
        assertThat(got).as(f[0]).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
          String[] ms = want[i].split(":");
          assertThat(hex.formatHex(got.get(i).member())).isEqualTo(ms[0]);
          double score =
              switch (ms[1]) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(ms[1]);
              };
          assertThat(got.get(i).score()).as(f[0] + " " + ms[0]).isEqualTo(score);
        }
      }
      assertThat(in.atEnd()).as(f[0]).isTrue();
      checked++;
    }
    assertThat(checked).isEqualTo(5);
  }
}
