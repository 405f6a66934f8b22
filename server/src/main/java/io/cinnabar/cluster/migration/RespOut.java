package io.cinnabar.cluster.migration;

import io.cinnabar.protocol.Request;
import io.cinnabar.util.Numbers;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Appends commands in RESP (arrays of bulk strings) to a buffer: the migration stream. */
final class RespOut {
  private RespOut() {}

  static void header(ByteBuf out, int argc) {
    out.writeByte('*');
    writeLong(out, argc);
    out.writeByte('\r').writeByte('\n');
  }

  static void bulk(ByteBuf out, byte[] b, int off, int len) {
    out.writeByte('$');
    writeLong(out, len);
    out.writeByte('\r').writeByte('\n');
    out.writeBytes(b, off, len);
    out.writeByte('\r').writeByte('\n');
  }

  static void bulk(ByteBuf out, byte[] b) {
    bulk(out, b, 0, b.length);
  }

  static void bulk(ByteBuf out, String s) {
    bulk(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static void command(ByteBuf out, byte[]... args) {
    header(out, args.length);
    for (byte[] a : args) {
      bulk(out, a);
    }
  }

  static void command(ByteBuf out, String... args) {
    header(out, args.length);
    for (String a : args) {
      bulk(out, a);
    }
  }

  static void command(ByteBuf out, Request r) {
    header(out, r.argc);
    for (int i = 0; i < r.argc; i++) {
      bulk(out, r.bufs[i], r.offs[i], r.lens[i]);
    }
  }

  private static void writeLong(ByteBuf out, long v) {
    if (v >= 0 && v < 10) {
      out.writeByte('0' + (int) v);
      return;
    }
    out.writeBytes(Numbers.toBytes(v));
  }
}
