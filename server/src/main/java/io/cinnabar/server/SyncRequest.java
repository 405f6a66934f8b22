package io.cinnabar.server;

import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbFile;
import io.cinnabar.repl.ReplicationSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * PSYNC and SYNC on the primary (Redis's syncCommand and primaryTryPartialResynchronization): a
 * partial resync from the backlog when the replica's history allows, else a full resync with a
 * disk-less RDB image serialized on the keyspace thread, so the replication ID and offset sent are
 * those of the image and the stream that follows starts right after it.
 */
final class SyncRequest {
  private SyncRequest() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An output stream whose buffer becomes a ByteBuf without a copy. */
  private static final class Image extends ByteArrayOutputStream {
    Image() {
      super(1 << 16);
    }

    ByteBuf wrap() {
      return Unpooled.wrappedBuffer(buf, 0, count);
    }
  }

  /** Serves PSYNC {@code id offset} ({@code legacy}: SYNC, no +FULLRESYNC line). */
  static void serve(Client c, String id, long offset, boolean legacy) {
    ServerContext s = c.server;
    Primary p = s.primary;
    Primary.Link l = Primary.link(c);
    if (l.online) {
      return; // as Redis: a replica asking again is ignored
    }
    ReplicationSource src = p.source;
    c.flush(); // replies before PSYNC go first; then the payload straight to the socket
    if (!legacy && !"?".equals(id)) {
      ReplicationSource.Psync d = src.psync(id, offset);
      if (d != ReplicationSource.Psync.FULL) {
        ByteBuf out = c.channel.alloc().buffer();
        String line = l.capaPsync2 ? "+CONTINUE " + src.replId() + "\r\n" : "+CONTINUE\r\n";
        out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        long n = src.backlog().copyFrom(offset, out);
        c.server.stats.netReplOutputBytes += n; // the +CONTINUE line is not replication data
        c.channel.writeAndFlush(out, c.channel.voidPromise());
        p.syncPartialOk++;
        p.attach(l);
        Log.notice(
            "Partial resynchronization request from "
                + c.address()
                + " accepted. Sending "
                + n
                + " bytes of backlog starting from offset "
                + offset
                + ".");
        return;
      }
      p.syncPartialErr++;
    }
    src.ensureBacklog();
    src.flush();
    long replOffset = src.offset();
    Image image = new Image();
    try {
      RdbFile.save(s.keyspace, s.config, System.currentTimeMillis(), s.keyspace.memory(), image);
    } catch (IOException | RdbException e) {
      Log.warning("Can't serialize the snapshot for replica " + c.address() + ": " + e);
      c.close();
      return;
    }
    ByteBuf body = image.wrap();
    ByteBuf head = c.channel.alloc().buffer(128);
    if (!legacy) {
      head.writeBytes(
          ("+FULLRESYNC " + src.replId() + " " + replOffset + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
    int resyncLine = head.readableBytes(); // a reply to PSYNC, not counted as replication data
    ByteBuf tail = null;
    if (l.capaEof && s.config.getBool("repl-diskless-sync")) {
      byte[] mark = new byte[40];
      for (int i = 0; i < 40; i++) {
        mark[i] = (byte) HEX[RANDOM.nextInt(16)];
      }
      head.writeBytes("$EOF:".getBytes(StandardCharsets.US_ASCII)).writeBytes(mark);
      head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      tail = Unpooled.wrappedBuffer(mark);
    } else {
      head.writeBytes(("$" + body.readableBytes() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    Log.notice(
        "Replica "
            + c.address()
            + " asks for synchronization; starting disk-less full resync with "
            + body.readableBytes()
            + " bytes at offset "
            + replOffset);
    long payload = head.readableBytes() + body.readableBytes() + (tail == null ? 0 : 40);
    c.server.stats.netReplOutputBytes += payload - resyncLine;
    c.channel.write(head, c.channel.voidPromise());
    c.channel.write(body, c.channel.voidPromise());
    if (tail != null) {
      c.channel.write(tail, c.channel.voidPromise());
    }
    c.channel.flush();
    p.syncFull++;
    l.legacy = legacy;
    l.rdbBytes = payload;
    if (tail != null) {
      l.held = Unpooled.buffer();
    }
    p.attach(l);
  }
}
