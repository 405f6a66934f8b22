package io.cinnabar.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinnabar.cluster.ClusterNode;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The codec against frames a real redis-server 7.0.15 sent (see resources/cluster/bus/). */
class ClusterMessageTest {
  static final String R1 = "9e59271480daa928d17155ff3b4ee264d1bd6dea";
  static final String R2 = "13c49405269aaf86f4fd9fc99ac04db9365448d9";
  static final String[] GOLDEN = {
    "meet-hostname", "meet", "ping-gossip", "pong", "publish", "update", "fail"
  };

  static byte[] golden(String name) throws IOException {
    try (InputStream in =
        ClusterMessageTest.class.getResourceAsStream("/cluster/bus/" + name + ".hex")) {
      StringBuilder hex = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.startsWith("#")) {
          hex.append(line.strip());
        }
      }
      return HexFormat.of().parseHex(hex);
    }
  }

  static ClusterMessage decodeGolden(String name) throws Exception {
    return ClusterMessage.decode(golden(name));
  }

  @Test
  void everyGoldenFrameReencodesByteForByte() throws Exception {
    for (String name : GOLDEN) {
      byte[] raw = golden(name);
      ClusterMessage m = ClusterMessage.decode(raw);
      assertThat(m.encodedLength()).as(name).isEqualTo(raw.length);
      assertThat(m.encode()).as(name).isEqualTo(raw);
    }
  }

  @Test
  void headerOffsetsMatchRedis() throws Exception {
    byte[] raw = golden("meet");
    assertThat(raw).hasSize(ClusterMessage.HEADER_SIZE);
    assertThat(new String(raw, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RCmb");
    assertThat(new String(raw, 40, 40, StandardCharsets.US_ASCII)).isEqualTo(R2);
    // cport at 2248 and flags at 2250 (big-endian), as the struct's static asserts say.
    assertThat(((raw[2248] & 0xFF) << 8) | (raw[2249] & 0xFF)).isEqualTo(43037);
    assertThat(raw[2251]).isEqualTo((byte) (ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_MYSELF));
  }

  @Test
  void meetWithHostnameExtension() throws Exception {
    ClusterMessage m = decodeGolden("meet-hostname");
    assertThat(m.type).isEqualTo(ClusterMessage.MEET);
    assertThat(m.sender).isEqualTo(R1);
    assertThat(m.port).isEqualTo(36797);
    assertThat(m.cport).isEqualTo(34465);
    assertThat(m.pport).isZero();
    assertThat(m.flags).isEqualTo(ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_MYSELF);
    assertThat(m.state).isEqualTo(ClusterMessage.STATE_FAIL);
    assertThat(m.mflags).containsExactly(ClusterMessage.MFLAG0_EXT_DATA, 0, 0);
    assertThat(m.primaryId).isNull();
    assertThat(m.myip).isEmpty();
    assertThat(m.currentEpoch).isZero();
    assertThat(m.configEpoch).isZero();
    assertThat(m.offset).isZero();
    assertThat(slots(m.myslots)).isZero();
    assertThat(m.ping().gossip()).isEmpty();
    assertThat(m.ping().extensions()).containsExactly(new PingExt.Hostname("r1.example"));
    assertThat(MessageCodec.extLength(m.ping().extensions().get(0))).isEqualTo(24);
  }

  @Test
  void meetWithoutExtensionsHasNoExtDataFlag() throws Exception {
    ClusterMessage m = decodeGolden("meet");
    assertThat(m.type).isEqualTo(ClusterMessage.MEET);
    assertThat(m.sender).isEqualTo(R2);
    assertThat(m.port).isEqualTo(36675);
    assertThat(m.cport).isEqualTo(43037);
    assertThat(m.mflags).containsExactly(0, 0, 0);
    assertThat(m.ping().gossip()).isEmpty();
    assertThat(m.ping().extensions()).isEmpty();
  }

  @Test
  void pingCarriesGossip() throws Exception {
    ClusterMessage m = decodeGolden("ping-gossip");
    assertThat(m.type).isEqualTo(ClusterMessage.PING);
    assertThat(m.sender).isEqualTo(R1);
    assertThat(m.ping().gossip())
        .containsExactly(
            new Gossip(BusCapture.B_ID, 0, 1795232456L, "127.0.0.1", 40973, 36237, 1, 0),
            new Gossip(R2, 0, 1795232457L, "127.0.0.1", 36675, 43037, 1, 0));
    assertThat(m.ping().extensions()).containsExactly(new PingExt.Hostname("r1.example"));
  }

  @Test
  void pong() throws Exception {
    ClusterMessage m = decodeGolden("pong");
    assertThat(m.type).isEqualTo(ClusterMessage.PONG);
    assertThat(m.currentEpoch).isEqualTo(1);
    assertThat(m.configEpoch).isEqualTo(1);
    assertThat(m.ping().gossip())
        .extracting(Gossip::nodeId)
        .containsExactly(BusCapture.A_ID, BusCapture.B_ID);
    assertThat(m.ping().gossip().get(0).port()).isEqualTo(42603);
    assertThat(m.ping().gossip().get(0).cport()).isEqualTo(41819);
  }

  @Test
  void publish() throws Exception {
    ClusterMessage m = decodeGolden("publish");
    assertThat(m.type).isEqualTo(ClusterMessage.PUBLISH);
    MessageData.Publish p = (MessageData.Publish) m.data;
    assertThat(new String(p.channel(), StandardCharsets.US_ASCII)).isEqualTo("news");
    assertThat(new String(p.message(), StandardCharsets.US_ASCII)).isEqualTo("hello bus");
  }

  @Test
  void update() throws Exception {
    ClusterMessage m = decodeGolden("update");
    assertThat(m.type).isEqualTo(ClusterMessage.UPDATE);
    assertThat(m.currentEpoch).isEqualTo(2);
    assertThat(m.configEpoch).isEqualTo(1);
    MessageData.Update u = (MessageData.Update) m.data;
    assertThat(u.configEpoch()).isEqualTo(1);
    assertThat(u.nodeId()).isEqualTo(R1);
    ClusterNode n = new ClusterNode();
    for (int s = 0; s < ClusterNode.SLOTS; s++) {
      n.setSlot(s, (u.slots()[s >> 3] & (1 << (s & 7))) != 0);
    }
    assertThat(n.slotCount()).isEqualTo(5461);
    assertThat(n.hasSlot(0)).isTrue();
    assertThat(n.hasSlot(5460)).isTrue();
    assertThat(n.hasSlot(5461)).isFalse();
    assertThat(m.myslots).isEqualTo(u.slots());
  }

  @Test
  void fail() throws Exception {
    ClusterMessage m = decodeGolden("fail");
    assertThat(m.type).isEqualTo(ClusterMessage.FAIL);
    assertThat(((MessageData.Fail) m.data).nodeId()).isEqualTo(BusCapture.A_ID);
    assertThat(slots(m.myslots)).isEqualTo(5461);
  }

  @Test
  void otherTypesRoundTrip() throws Exception {
    List<MessageData> datas =
        List.of(
            new MessageData.Ping(
                List.of(),
                List.of(
                    new PingExt.Hostname("h"),
                    new PingExt.HumanNodename("primary-1"),
                    new PingExt.ForgottenNode(R1, 60),
                    new PingExt.ShardId(R2),
                    new PingExt.Unknown(42, new byte[16]))),
            new MessageData.Module(7, 3, new byte[] {1, 2, 3}),
            new MessageData.Publish(new byte[0], new byte[0]),
            new MessageData.Empty());
    int[] types = {ClusterMessage.PONG, ClusterMessage.MODULE, ClusterMessage.PUBLISHSHARD, 5};
    for (int i = 0; i < datas.size(); i++) {
      ClusterMessage m = new ClusterMessage();
      m.type = types[i];
      m.sender = R1;
      m.primaryId = R2;
      m.myip = "::1";
      m.data = datas.get(i);
      byte[] raw = m.encode();
      ClusterMessage back = ClusterMessage.decode(raw);
      assertThat(back.encode()).isEqualTo(raw);
      assertThat(back.primaryId).isEqualTo(R2);
      assertThat(back.myip).isEqualTo("::1");
    }
    ClusterMessage m = new ClusterMessage();
    m.type = ClusterMessage.PING;
    m.sender = R1;
    m.data = datas.get(0);
    ClusterMessage back = ClusterMessage.decode(m.encode());
    assertThat(back.mflags[0] & ClusterMessage.MFLAG0_EXT_DATA).isNotZero();
    assertThat(back.ping().extensions()).hasSize(5).startsWith(new PingExt.Hostname("h"));
    assertThat(back.ping().extensions().get(2)).isEqualTo(new PingExt.ForgottenNode(R1, 60));
  }

  static int slots(byte[] bitmap) {
    int n = 0;
    for (byte b : bitmap) {
      n += Integer.bitCount(b & 0xFF);
    }
    return n;
  }

  @Test
  void frameLength() throws Exception {
    byte[] raw = golden("publish");
    assertThat(ClusterMessage.frameLength(Unpooled.wrappedBuffer(raw, 0, 7), 1 << 20))
        .isEqualTo(-1);
    assertThat(ClusterMessage.frameLength(Unpooled.wrappedBuffer(raw, 0, 8), 1 << 20))
        .isEqualTo(2277);
    assertThatThrownBy(() -> ClusterMessage.frameLength(Unpooled.wrappedBuffer(raw), 2000))
        .isInstanceOf(BusProtocolException.class);
    byte[] bad = raw.clone();
    bad[0] = 'X';
    assertThatThrownBy(() -> ClusterMessage.frameLength(Unpooled.wrappedBuffer(bad), 1 << 20))
        .isInstanceOf(BusProtocolException.class);
    byte[] small = raw.clone();
    putInt(small, 4, 2255);
    assertThatThrownBy(() -> ClusterMessage.frameLength(Unpooled.wrappedBuffer(small), 1 << 20))
        .isInstanceOf(BusProtocolException.class);
  }

  static void putInt(byte[] b, int at, long v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  @Test
  void everyTruncationIsRejected() throws Exception {
    for (String name : GOLDEN) {
      byte[] raw = golden(name);
      for (int k = 0; k < raw.length; k++) {
        byte[] cut = java.util.Arrays.copyOf(raw, k);
        assertRejected(cut, name + " cut to " + k);
        if (k >= 8) {
          putInt(cut, 4, k);
          assertRejected(cut, name + " cut to " + k + " with totlen patched");
        }
      }
    }
  }

  @Test
  void wrongSignatureVersionAndTotlenAreRejected() throws Exception {
    byte[] raw = golden("meet");
    byte[] sig = raw.clone();
    sig[3] = 'B';
    assertRejected(sig, "signature");
    byte[] ver = raw.clone();
    putShort(ver, 8, 2);
    assertRejected(ver, "version");
    byte[] tot = raw.clone();
    putInt(tot, 4, 2257);
    assertRejected(tot, "totlen");
    byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 8);
    putInt(longer, 4, longer.length);
    assertRejected(longer, "trailing bytes");
  }

  @Test
  void forgedLengthsAreRejectedWithoutAllocating() throws Exception {
    byte[] pub = golden("publish");
    putInt(pub, 2256, 0xFFFFFFFFL);
    assertRejected(pub, "channel_len");
    byte[] pub2 = golden("publish");
    putInt(pub2, 2260, 0x7FFFFFFFL);
    assertRejected(pub2, "message_len");
    byte[] gossip = golden("ping-gossip");
    putShort(gossip, 14, 0xFFFF);
    assertRejected(gossip, "gossip count");
    byte[] exts = golden("ping-gossip");
    putShort(exts, 2214, 0xFFFF);
    assertRejected(exts, "extension count");
    byte[] extLen = golden("ping-gossip");
    putInt(extLen, 2256 + 208, 0xFFFFFFF8L);
    assertRejected(extLen, "extension length");
    byte[] extOdd = golden("ping-gossip");
    putInt(extOdd, 2256 + 208, 20);
    assertRejected(extOdd, "unaligned extension length");
    byte[] noNul = golden("meet-hostname");
    for (int i = 2264; i < noNul.length; i++) {
      noNul[i] = 'x';
    }
    assertRejected(noNul, "hostname without NUL");
    byte[] fail = golden("fail");
    putShort(fail, 12, ClusterMessage.UPDATE);
    assertRejected(fail, "FAIL-sized UPDATE");
    byte[] auth = golden("meet");
    putShort(auth, 12, ClusterMessage.FAILOVER_AUTH_ACK);
    assertThat(ClusterMessage.decode(auth).data).isInstanceOf(MessageData.Empty.class);
  }

  @Test
  void randomMutationsNeverEscapeAsUncheckedExceptions() throws Exception {
    Random rnd = new Random(20260101);
    for (String name : GOLDEN) {
      byte[] raw = golden(name);
      for (int round = 0; round < 2000; round++) {
        byte[] b = raw.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
          // Mostly the integer fields and the data section, where lengths live.
          int at =
              rnd.nextBoolean()
                  ? rnd.nextInt(16)
                  : rnd.nextBoolean()
                      ? 2214 + rnd.nextInt(42)
                      : 2256 + rnd.nextInt(b.length - 2256 + 1);
          if (at < b.length) {
            b[at] = (byte) rnd.nextInt(256);
          }
        }
        try {
          ClusterMessage m = ClusterMessage.decode(b);
          m.encode();
        } catch (BusProtocolException expected) {
          // rejected: fine
        }
      }
    }
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[2256 + rnd.nextInt(600)];
      rnd.nextBytes(b);
      b[0] = 'R';
      b[1] = 'C';
      b[2] = 'm';
      b[3] = 'b';
      putInt(b, 4, b.length);
      putShort(b, 8, 1);
      putShort(b, 12, rnd.nextInt(12));
      putShort(b, 14, rnd.nextInt(6));
      try {
        ClusterMessage.decode(b);
      } catch (BusProtocolException expected) {
        // rejected: fine
      }
    }
  }

  static void assertRejected(byte[] b, String what) {
    assertThatThrownBy(() -> ClusterMessage.decode(b))
        .as(what)
        .isInstanceOf(BusProtocolException.class);
  }
}
