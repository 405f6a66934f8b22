package io.cinnabar.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte-level pieces: CRC-64, LZF, listpack, ziplist, zipmap, intset, length encodings. */
class RdbFormatsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] hex(String h) {
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  @Test
  void crc64CheckValue() {
    byte[] b = ascii("123456789");
    assertThat(Crc64.update(0, b, 0, b.length)).isEqualTo(0xe9c6d914c4b8d9caL);
  }

  @Test
  void lzfRoundTripsAndShrinksRepetitiveData() throws Exception {
    Random rnd = new Random(7);
    for (int n : new int[] {100, 1000, 70000}) {
      byte[] in = new byte[n];
      for (int i = 0; i < n; i++) {
        in[i] = (byte) (i % 17 == 0 ? rnd.nextInt(256) : 'a' + (i % 5));
      }
      byte[] out = new byte[n];
      int len = Lzf.compress(in, n, out, n - 4);
      assertThat(len).isPositive().isLessThan(n);
      assertThat(Lzf.decompress(out, 0, len, n)).isEqualTo(in);
    }
    byte[] noise = new byte[200];
    rnd.nextBytes(noise);
    assertThat(Lzf.compress(noise, noise.length, new byte[196], 196)).isZero();
  }

  /**
   * The hash table is reused across calls without clearing: output must still be what a fresh table
   * gives (a fresh thread's), for inputs at any offset, however similar to earlier ones.
   */
  @Test
  void lzfOutputDoesNotDependOnEarlierCalls() throws Exception {
    Random rnd = new Random(11);
    List<byte[]> inputs = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    List<byte[]> here = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      int n = 21 + rnd.nextInt(k < 200 ? 120 : 5000);
      int off = rnd.nextInt(8);
      byte[] buf = new byte[off + n + 3];
      for (int i = 0; i < buf.length; i++) {
        buf[i] = (byte) (rnd.nextInt(9) == 0 ? rnd.nextInt(256) : "abcabd".charAt(i % 6));
      }
      inputs.add(buf);
      offsets.add(off);
      byte[] out = new byte[n];
      int len = Lzf.compress(buf, off, n, out, n - 1);
      here.add(java.util.Arrays.copyOf(out, len));
      if (len > 0) {
        assertThat(Lzf.decompress(out, 0, len, n))
            .isEqualTo(java.util.Arrays.copyOfRange(buf, off, off + n));
      }
    }
    List<byte[]> fresh = new ArrayList<>();
    for (int k = 0; k < inputs.size(); k++) {
      byte[] buf = inputs.get(k);
      int off = offsets.get(k);
      int n = buf.length - off - 3;
      byte[][] result = new byte[1][];
      Thread t =
          new Thread(
              () -> {
                byte[] out = new byte[n];
                int len = Lzf.compress(buf, off, n, out, n - 1);
                result[0] = java.util.Arrays.copyOf(out, len);
              });
      t.start();
      t.join();
      fresh.add(result[0]);
    }
    assertThat(here).zipSatisfy(fresh, (a, b) -> assertThat(a).isEqualTo(b));
    assertThat(here).anySatisfy(b -> assertThat(b).isNotEmpty());
  }

  @Test
  void lzfRejectsCorruptInput() {
    assertThatThrownBy(() -> Lzf.decompress(hex("e0ff01"), 0, 3, 10))
        .isInstanceOf(RdbException.class);
    assertThatThrownBy(() -> Lzf.decompress(hex("0141"), 0, 2, 2)).isInstanceOf(RdbException.class);
  }

  @Test
  void listpackEncodesIntegersAsRedisDoes() throws Exception {
    ListpackCodec.Writer w = new ListpackCodec.Writer();
    w.append(ascii("1")).append(ascii("-1")).append(ascii("abc")).append(ascii("40000"));
    // 7-bit uint, 13-bit int, 6-bit string, int24 (as lpAppend writes them).
    assertThat(w.finish())
        .isEqualTo(
            hex("16000000040001" + "01" + "dfff02" + "83616263" + "04" + "f2409c0004" + "ff"));
  }

  @Test
  void listpackRoundTripsEveryEncoding() throws Exception {
    List<byte[]> items = new ArrayList<>();
    for (String s :
        new String[] {
          "0",
          "127",
          "128",
          "-4096",
          "4095",
          "-32768",
          "32767",
          "8388607",
          "-8388608",
          "2147483647",
          "-2147483648",
          "9223372036854775807",
          "-9223372036854775808",
          "18446744073709551616",
          "01",
          "-0",
          "",
          "x"
        }) {
      items.add(ascii(s));
    }
    items.add("y".repeat(63).getBytes(StandardCharsets.US_ASCII));
    items.add("y".repeat(64).getBytes(StandardCharsets.US_ASCII));
    items.add("y".repeat(4095).getBytes(StandardCharsets.US_ASCII));
    items.add("y".repeat(4096).getBytes(StandardCharsets.US_ASCII));
    items.add("y".repeat(20000).getBytes(StandardCharsets.US_ASCII));
    ListpackCodec.Writer w = new ListpackCodec.Writer();
    items.forEach(w::append);
    List<byte[]> back = ListpackCodec.decode(w.finish());
    assertThat(back).hasSize(items.size());
    for (int i = 0; i < items.size(); i++) {
      assertThat(back.get(i)).isEqualTo(items.get(i));
    }
  }

  @Test
  void listpackRejectsBadLengths() {
    byte[] lp = new ListpackCodec.Writer().append(ascii("abc")).finish();
    lp[0]++;
    assertThatThrownBy(() -> ListpackCodec.decode(lp)).isInstanceOf(RdbException.class);
    byte[] lp2 = new ListpackCodec.Writer().append(ascii("abc")).finish();
    lp2[6] = (byte) 0x8f; // string longer than the listpack
    assertThatThrownBy(() -> ListpackCodec.decode(lp2)).isInstanceOf(RdbException.class);
  }

  @Test
  void ziplistDecodesStringsAndEveryIntegerEncoding() throws Exception {
    // entries: "ab", 5 (immediate), int8 -2, int16 300, int24 -70000, int32 100000, int64 2^40
    String entries =
        "00026162"
            + "04f6"
            + "02fefe"
            + "02c02c01"
            + "03f090eefe"
            + "04d0a0860100"
            + "05e00000000000010000";
    int total = 10 + entries.length() / 2 + 1;
    String header = String.format("%02x%02x0000", total & 0xff, total >> 8) + "00000000" + "0700";
    byte[] zl = hex(header + entries + "ff");
    List<byte[]> items = LegacyFormats.ziplist(zl);
    assertThat(items.stream().map(b -> new String(b, StandardCharsets.US_ASCII)))
        .containsExactly("ab", "5", "-2", "300", "-70000", "100000", "1099511627776");
  }

  @Test
  void zipmapDecodesPairs() throws Exception {
    // 2 pairs: "a" -> "1" (1 free byte), "bc" -> "xyz"
    byte[] zm = hex("02" + "0161" + "010131" + "00" + "026263" + "0300" + "78797a" + "ff");
    assertThat(LegacyFormats.zipmap(zm).stream().map(b -> new String(b, StandardCharsets.US_ASCII)))
        .containsExactly("a", "1", "bc", "xyz");
  }

  @Test
  void intsetRoundTripsAndPicksTheSmallestWidth() throws Exception {
    long[] small = {-5, 1, 300};
    byte[] is = LegacyFormats.encodeIntset(small);
    assertThat(is).hasSize(8 + 3 * 2);
    assertThat(LegacyFormats.intset(is)).containsExactly(small);
    long[] wide = {-1, 5_000_000_000L};
    assertThat(LegacyFormats.intset(LegacyFormats.encodeIntset(wide))).containsExactly(wide);
    byte[] unsorted = LegacyFormats.encodeIntset(new long[] {2, 1});
    assertThatThrownBy(() -> LegacyFormats.intset(unsorted)).isInstanceOf(RdbException.class);
  }

  @Test
  void lengthAndStringEncodingsRoundTrip() throws Exception {
    RdbOutput out = new RdbOutput(true);
    long[] lens = {0, 63, 64, 16383, 16384, 0xffffffffL, 0x100000000L};
    for (long l : lens) {
      out.writeLen(l);
    }
    String[] strings = {
      "", "12", "-128", "32767", "2147483647", "2147483648", "0012", "a".repeat(21), "short"
    };
    for (String s : strings) {
      out.writeString(ascii(s));
    }
    byte[] b = out.toByteArray();
    RdbInput in = new RdbInput(b, 0, b.length);
    for (long l : lens) {
      assertThat(in.readLen()).isEqualTo(l);
    }
    for (String s : strings) {
      assertThat(new String(in.readString(), StandardCharsets.US_ASCII)).isEqualTo(s);
    }
    assertThat(in.atEnd()).isTrue();
  }
}
