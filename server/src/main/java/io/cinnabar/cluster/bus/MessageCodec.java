package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clusterMsg wire format. Length rules follow Redis 7.0's clusterIsValidPacket (totlen must be
 * exactly what type, count and extensions imply); every read is bounds-checked against the frame
 * first, so malformed input ends in a {@link BusProtocolException}, never in an unchecked one.
 * Strings are ISO-8859-1 so that any byte round-trips unchanged.
 */
final class MessageCodec {
  private static final byte[] SIG = {'R', 'C', 'm', 'b'};
  private static final int SLOTS_BYTES = ClusterNode.SLOTS / 8;
  private static final int FAIL_SIZE = ClusterMessage.NAME_LEN;
  private static final int PUBLISH_FIXED = 8;
  private static final int UPDATE_SIZE = 8 + ClusterMessage.NAME_LEN + SLOTS_BYTES;
  private static final int MODULE_FIXED = 13;
  private static final int FORGOTTEN_SIZE = ClusterMessage.NAME_LEN + 8;

  private MessageCodec() {}

  static int frameLength(ByteBuf in, int maxLength) throws BusProtocolException {
    if (in.readableBytes() < 8) {
      return -1;
    }
    int at = in.readerIndex();
    for (int i = 0; i < 4; i++) {
      if (in.getByte(at + i) != SIG[i]) {
        throw new BusProtocolException("bad signature");
      }
    }
    long totlen = in.getUnsignedInt(at + 4);
    if (totlen < ClusterMessage.HEADER_SIZE || totlen > maxLength) {
      throw new BusProtocolException("bad totlen " + totlen);
    }
    return (int) totlen;
  }

  // ---- encoding ----

  static int length(ClusterMessage m) {
    return ClusterMessage.HEADER_SIZE + dataLength(m.data);
  }

  private static int dataLength(MessageData d) {
    if (d instanceof MessageData.Ping p) {
      int n = p.gossip().size() * Gossip.SIZE;
      for (PingExt e : p.extensions()) {
        n += extLength(e);
      }
      return n;
    } else if (d instanceof MessageData.Fail) {
      return FAIL_SIZE;
    } else if (d instanceof MessageData.Publish p) {
      return PUBLISH_FIXED + p.channel().length + p.message().length;
    } else if (d instanceof MessageData.Update) {
      return UPDATE_SIZE;
    } else if (d instanceof MessageData.Module mod) {
      return MODULE_FIXED + mod.payload().length;
    } else if (d instanceof MessageData.Unknown u) {
      return u.raw().length;
    }
    return 0;
  }

  /** Header included, payload padded to a multiple of 8 (EIGHT_BYTE_ALIGN). */
  static int extLength(PingExt e) {
    int payload;
    if (e instanceof PingExt.Hostname h) {
      payload = h.hostname().length() + 1;
    } else if (e instanceof PingExt.HumanNodename h) {
      payload = h.name().length() + 1;
    } else if (e instanceof PingExt.ForgottenNode) {
      payload = FORGOTTEN_SIZE;
    } else if (e instanceof PingExt.ShardId) {
      payload = ClusterMessage.NAME_LEN;
    } else {
      payload = ((PingExt.Unknown) e).payload().length;
    }
    return PingExt.HEADER + ((payload + 7) & ~7);
  }

  static void encode(ClusterMessage m, ByteBuf out) {
    int start = out.writerIndex();
    int totlen = length(m);
    out.ensureWritable(totlen);
    MessageData.Ping ping = m.data instanceof MessageData.Ping p ? p : null;
    out.writeBytes(SIG);
    out.writeInt(totlen);
    out.writeShort(ClusterMessage.VERSION);
    out.writeShort(m.port);
    out.writeShort(m.type);
    out.writeShort(ping == null ? 0 : ping.gossip().size());
    out.writeLong(m.currentEpoch);
    out.writeLong(m.configEpoch);
    out.writeLong(m.offset);
    writeFixed(out, m.sender, ClusterMessage.NAME_LEN);
    if (m.myslots.length != SLOTS_BYTES) {
      throw new IllegalArgumentException("myslots must be " + SLOTS_BYTES + " bytes");
    }
    out.writeBytes(m.myslots);
    writeFixed(out, m.primaryId, ClusterMessage.NAME_LEN);
    writeIp(out, m.myip);
    int exts = ping == null ? 0 : ping.extensions().size();
    out.writeShort(exts);
    out.writeZero(30);
    out.writeShort(m.pport);
    out.writeShort(m.cport);
    out.writeShort(m.flags);
    out.writeByte(m.state);
    out.writeByte(m.mflags[0] | (exts > 0 ? ClusterMessage.MFLAG0_EXT_DATA : 0));
    out.writeByte(m.mflags[1]);
    out.writeByte(m.mflags[2]);
    encodeData(m.data, out);
    if (out.writerIndex() - start != totlen) {
      throw new IllegalStateException("encoded " + (out.writerIndex() - start) + " != " + totlen);
    }
  }

  private static void encodeData(MessageData d, ByteBuf out) {
    if (d instanceof MessageData.Ping p) {
      for (Gossip g : p.gossip()) {
        writeFixed(out, g.nodeId(), ClusterMessage.NAME_LEN);
        out.writeInt((int) g.pingSent());
        out.writeInt((int) g.pongReceived());
        writeIp(out, g.ip());
        out.writeShort(g.port());
        out.writeShort(g.cport());
        out.writeShort(g.flags());
        out.writeShort(g.pport());
        out.writeShort(0);
      }
      for (PingExt e : p.extensions()) {
        encodeExt(e, out);
      }
    } else if (d instanceof MessageData.Fail f) {
      writeFixed(out, f.nodeId(), ClusterMessage.NAME_LEN);
    } else if (d instanceof MessageData.Publish p) {
      out.writeInt(p.channel().length);
      out.writeInt(p.message().length);
      out.writeBytes(p.channel());
      out.writeBytes(p.message());
    } else if (d instanceof MessageData.Update u) {
      out.writeLong(u.configEpoch());
      writeFixed(out, u.nodeId(), ClusterMessage.NAME_LEN);
      if (u.slots().length != SLOTS_BYTES) {
        throw new IllegalArgumentException("slots must be " + SLOTS_BYTES + " bytes");
      }
      out.writeBytes(u.slots());
    } else if (d instanceof MessageData.Module mod) {
      out.writeLong(mod.moduleId());
      out.writeInt(mod.payload().length);
      out.writeByte(mod.moduleType());
      out.writeBytes(mod.payload());
    } else if (d instanceof MessageData.Unknown u) {
      out.writeBytes(u.raw());
    }
  }

  private static void encodeExt(PingExt e, ByteBuf out) {
    int len = extLength(e);
    int start = out.writerIndex();
    out.writeInt(len);
    out.writeShort(e.type());
    out.writeShort(0);
    if (e instanceof PingExt.Hostname h) {
      out.writeBytes(h.hostname().getBytes(StandardCharsets.ISO_8859_1));
    } else if (e instanceof PingExt.HumanNodename h) {
      out.writeBytes(h.name().getBytes(StandardCharsets.ISO_8859_1));
    } else if (e instanceof PingExt.ForgottenNode f) {
      writeFixed(out, f.nodeId(), ClusterMessage.NAME_LEN);
      out.writeLong(f.ttlSeconds());
    } else if (e instanceof PingExt.ShardId s) {
      writeFixed(out, s.shardId(), ClusterMessage.NAME_LEN);
    } else {
      out.writeBytes(((PingExt.Unknown) e).payload());
    }
    out.writeZero(len - (out.writerIndex() - start));
  }

  /** A NUL-padded char[size]; null writes all NULs. */
  private static void writeFixed(ByteBuf out, String s, int size) {
    int n = s == null ? 0 : s.length();
    if (n > size) {
      throw new IllegalArgumentException("longer than " + size + " bytes: " + s);
    }
    for (int i = 0; i < n; i++) {
      out.writeByte(s.charAt(i));
    }
    out.writeZero(size - n);
  }

  private static void writeIp(ByteBuf out, String ip) {
    if (ip.length() >= ClusterMessage.IP_LEN) {
      throw new IllegalArgumentException("ip too long: " + ip);
    }
    writeFixed(out, ip, ClusterMessage.IP_LEN);
  }

  // ---- decoding ----

  static ClusterMessage decode(ByteBuf b, int at, int length) throws BusProtocolException {
    if (length < ClusterMessage.HEADER_SIZE || b.writerIndex() - at < length) {
      throw new BusProtocolException("short message: " + length + " bytes");
    }
    for (int i = 0; i < 4; i++) {
      if (b.getByte(at + i) != SIG[i]) {
        throw new BusProtocolException("bad signature");
      }
    }
    if (b.getUnsignedInt(at + 4) != length) {
      throw new BusProtocolException("totlen " + b.getUnsignedInt(at + 4) + " != " + length);
    }
    int ver = b.getUnsignedShort(at + 8);
    if (ver != ClusterMessage.VERSION) {
      throw new BusProtocolException("unsupported version " + ver);
    }
    ClusterMessage m = new ClusterMessage();
    m.port = b.getUnsignedShort(at + 10);
    m.type = b.getUnsignedShort(at + 12);
    int count = b.getUnsignedShort(at + 14);
    m.currentEpoch = b.getLong(at + 16);
    m.configEpoch = b.getLong(at + 24);
    m.offset = b.getLong(at + 32);
    m.sender = fixed(b, at + 40, ClusterMessage.NAME_LEN);
    b.getBytes(at + 80, m.myslots);
    m.primaryId = name(b, at + 2128);
    m.myip = cstring(b, at + 2168, ClusterMessage.IP_LEN - 1);
    int extensions = b.getUnsignedShort(at + 2214);
    m.pport = b.getUnsignedShort(at + 2246);
    m.cport = b.getUnsignedShort(at + 2248);
    m.flags = b.getUnsignedShort(at + 2250);
    m.state = b.getUnsignedByte(at + 2252);
    b.getBytes(at + 2253, m.mflags);
    int data = at + ClusterMessage.HEADER_SIZE;
    int rest = length - ClusterMessage.HEADER_SIZE;
    m.data =
        switch (m.type) {
          case ClusterMessage.PING, ClusterMessage.PONG, ClusterMessage.MEET ->
              decodePing(
                  b,
                  data,
                  rest,
                  count,
                  (m.mflags[0] & ClusterMessage.MFLAG0_EXT_DATA) != 0 ? extensions : -1);
          case ClusterMessage.FAIL ->
              new MessageData.Fail(fixed(b, data, expect(rest, FAIL_SIZE, m.type)));
          case ClusterMessage.PUBLISH, ClusterMessage.PUBLISHSHARD -> decodePublish(b, data, rest);
          case ClusterMessage.UPDATE -> decodeUpdate(b, data, expect(rest, UPDATE_SIZE, m.type));
          case ClusterMessage.MODULE -> decodeModule(b, data, rest);
          case ClusterMessage.FAILOVER_AUTH_REQUEST,
              ClusterMessage.FAILOVER_AUTH_ACK,
              ClusterMessage.MFSTART -> {
            expect(rest, 0, m.type);
            yield new MessageData.Empty();
          }
          default -> new MessageData.Unknown(bytes(b, data, rest));
        };
    return m;
  }

  private static int expect(int rest, int size, int type) throws BusProtocolException {
    if (rest != size) {
      throw new BusProtocolException(
          ClusterMessage.typeName(type) + " data is " + rest + " bytes, expected " + size);
    }
    return size;
  }

  /** {@code extensions} is -1 when the EXT_DATA flag is off (Redis then ignores the count). */
  private static MessageData.Ping decodePing(ByteBuf b, int at, int rest, int count, int extensions)
      throws BusProtocolException {
    if ((long) count * Gossip.SIZE > rest) {
      throw new BusProtocolException(count + " gossip entries do not fit in " + rest + " bytes");
    }
    List<Gossip> gossip = new ArrayList<>(count);
    for (int i = 0; i < count; i++, at += Gossip.SIZE) {
      gossip.add(
          new Gossip(
              fixed(b, at, ClusterMessage.NAME_LEN),
              b.getUnsignedInt(at + 40),
              b.getUnsignedInt(at + 44),
              cstring(b, at + 48, ClusterMessage.IP_LEN - 1),
              b.getUnsignedShort(at + 94),
              b.getUnsignedShort(at + 96),
              b.getUnsignedShort(at + 98),
              b.getUnsignedShort(at + 100)));
    }
    rest -= count * Gossip.SIZE;
    List<PingExt> exts = new ArrayList<>(Math.min(Math.max(extensions, 0), rest / 8));
    for (int i = 0; i < extensions; i++) {
      if (rest < PingExt.HEADER) {
        throw new BusProtocolException("extension " + i + " header past the end");
      }
      long len = b.getUnsignedInt(at);
      if (len < PingExt.HEADER || len % 8 != 0 || len > rest) {
        throw new BusProtocolException("bad extension length " + len);
      }
      exts.add(decodeExt(b, b.getUnsignedShort(at + 4), at + 8, (int) len - 8));
      at += (int) len;
      rest -= (int) len;
    }
    if (rest != 0) {
      throw new BusProtocolException(rest + " trailing bytes after ping data");
    }
    return new MessageData.Ping(gossip, exts);
  }

  private static PingExt decodeExt(ByteBuf b, int type, int at, int len)
      throws BusProtocolException {
    switch (type) {
      case PingExt.TYPE_HOSTNAME:
        return new PingExt.Hostname(terminated(b, at, len));
      case PingExt.TYPE_HUMAN_NODENAME:
        return new PingExt.HumanNodename(terminated(b, at, len));
      case PingExt.TYPE_FORGOTTEN_NODE:
        if (len < FORGOTTEN_SIZE) {
          throw new BusProtocolException("short forgotten-node extension");
        }
        return new PingExt.ForgottenNode(
            fixed(b, at, ClusterMessage.NAME_LEN), b.getLong(at + ClusterMessage.NAME_LEN));
      case PingExt.TYPE_SHARDID:
        if (len < ClusterMessage.NAME_LEN) {
          throw new BusProtocolException("short shard-id extension");
        }
        return new PingExt.ShardId(fixed(b, at, ClusterMessage.NAME_LEN));
      default:
        return new PingExt.Unknown(type, bytes(b, at, len));
    }
  }

  private static MessageData.Publish decodePublish(ByteBuf b, int at, int rest)
      throws BusProtocolException {
    if (rest < PUBLISH_FIXED) {
      throw new BusProtocolException("short publish");
    }
    long channelLen = b.getUnsignedInt(at);
    long messageLen = b.getUnsignedInt(at + 4);
    if (PUBLISH_FIXED + channelLen + messageLen != rest) {
      throw new BusProtocolException("publish lengths do not match totlen");
    }
    byte[] channel = bytes(b, at + 8, (int) channelLen);
    byte[] message = bytes(b, at + 8 + (int) channelLen, (int) messageLen);
    return new MessageData.Publish(channel, message);
  }

  private static MessageData.Update decodeUpdate(ByteBuf b, int at, int size) {
    byte[] slots = new byte[SLOTS_BYTES];
    b.getBytes(at + 8 + ClusterMessage.NAME_LEN, slots);
    return new MessageData.Update(b.getLong(at), fixed(b, at + 8, ClusterMessage.NAME_LEN), slots);
  }

  private static MessageData.Module decodeModule(ByteBuf b, int at, int rest)
      throws BusProtocolException {
    if (rest < MODULE_FIXED || MODULE_FIXED + b.getUnsignedInt(at + 8) != rest) {
      throw new BusProtocolException("module lengths do not match totlen");
    }
    return new MessageData.Module(
        b.getLong(at), b.getUnsignedByte(at + 12), bytes(b, at + MODULE_FIXED, rest - 13));
  }

  private static byte[] bytes(ByteBuf b, int at, int len) {
    byte[] out = new byte[len];
    b.getBytes(at, out);
    return out;
  }

  private static String fixed(ByteBuf b, int at, int len) {
    return b.toString(at, len, StandardCharsets.ISO_8859_1);
  }

  /** A 40-byte node name, or null when all NULs (no primary). */
  private static String name(ByteBuf b, int at) {
    for (int i = 0; i < ClusterMessage.NAME_LEN; i++) {
      if (b.getByte(at + i) != 0) {
        return fixed(b, at, ClusterMessage.NAME_LEN);
      }
    }
    return null;
  }

  /** A char[] field up to its first NUL, at most {@code len} bytes (Redis NUL-terminates ips). */
  private static String cstring(ByteBuf b, int at, int len) {
    int n = 0;
    while (n < len && b.getByte(at + n) != 0) {
      n++;
    }
    return fixed(b, at, n);
  }

  /** An extension string, which must be NUL-terminated inside its payload. */
  private static String terminated(ByteBuf b, int at, int len) throws BusProtocolException {
    int n = b.indexOf(at, at + len, (byte) 0);
    if (n < 0) {
      throw new BusProtocolException("extension string without NUL");
    }
    return fixed(b, at, n - at);
  }
}
