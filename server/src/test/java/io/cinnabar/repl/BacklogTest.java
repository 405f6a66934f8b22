package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BacklogTest {
  /** Feeds random chunks and checks every servable offset against a copy of the whole stream. */
  @Test
  void servesExactlyTheLastCapacityBytes() {
    Random r = new Random(7);
    for (int capacity : new int[] {16, 100, 1024}) {
      Backlog b = new Backlog(capacity, 1000);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int round = 0; round < 300; round++) {
        byte[] chunk = new byte[r.nextInt(round % 50 == 0 ? 3 * capacity : capacity / 3 + 1)];
        r.nextBytes(chunk);
        if (r.nextBoolean()) {
          b.feed(chunk, 0, chunk.length);
        } else {
          b.feed(Unpooled.wrappedBuffer(chunk));
        }
        all.writeBytes(chunk);
        byte[] stream = all.toByteArray();
        assertThat(b.offset()).isEqualTo(1000 + stream.length);
        long held = Math.min(capacity, stream.length);
        assertThat(b.historyLength()).isEqualTo(held);
        assertThat(b.canServe(b.firstOffset() - 1)).isFalse();
        assertThat(b.canServe(b.offset() + 2)).isFalse();
        for (long from : new long[] {b.firstOffset(), b.offset() + 1, b.offset() - held / 2}) {
          assertThat(b.canServe(from)).isTrue();
          ByteBuf out = Unpooled.buffer();
          long n = b.copyFrom(from, out);
          int start = (int) (from - 1001);
          byte[] expected = Arrays.copyOfRange(stream, start, stream.length);
          assertThat(n).isEqualTo(expected.length);
          byte[] got = new byte[out.readableBytes()];
          out.readBytes(got);
          assertThat(got).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void emptyBacklogServesOnlyTheNextOffset() {
    Backlog b = new Backlog(64, 41);
    assertThat(b.canServe(42)).isTrue();
    assertThat(b.canServe(41)).isFalse();
    assertThat(b.copyFrom(42, Unpooled.buffer())).isZero();
    assertThatThrownBy(() -> b.copyFrom(40, Unpooled.buffer()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resizeDropsHistoryButKeepsTheOffset() {
    Backlog b = new Backlog(64, 0);
    b.feed(new byte[50], 0, 50);
    b.resize(128);
    assertThat(b.offset()).isEqualTo(50);
    assertThat(b.canServe(10)).isFalse();
    assertThat(b.canServe(51)).isTrue();
  }
}
