package io.cinnabar.commands;

import io.cinnabar.server.Client;
import java.nio.charset.StandardCharsets;

/** One CLIENT LIST / CLIENT INFO line, with Redis 7.0.15's fields in its order. */
final class ClientInfo {
  private ClientInfo() {}

  /** Estimated fixed bytes of a client's structures (Redis counts its client struct here). */
  private static final int CLIENT_STRUCT = 1024;

  /** The line describing {@code o}; {@code self} is the client asking (its argv is in use). */
  static String line(Client o, Client self) {
    long now = System.currentTimeMillis();
    long argvMem = 0;
    if (o == self) {
      for (int i = 0; i < o.req.argc; i++) {
        argvMem += o.req.lens[i];
      }
    }
    int qbuf = o.queryBufferLength();
    int qbufFree = o.queryBufferCapacity() - qbuf;
    long pending = o.pendingOutputBytes();
    long rbs = o.reply.target() == null ? 0 : o.reply.target().capacity();
    long totMem = CLIENT_STRUCT + o.queryBufferCapacity() + argvMem + rbs + pending;
    StringBuilder sb = new StringBuilder(256);
    sb.append("id=").append(o.id);
    sb.append(" addr=").append(o.address());
    sb.append(" laddr=").append(o.localAddress());
    sb.append(" fd=").append(fd(o));
    sb.append(" name=");
    if (o.name != null) {
      sb.append(new String(o.name, StandardCharsets.ISO_8859_1));
    }
    sb.append(" age=").append((now - o.createdAt) / 1000);
    sb.append(" idle=").append((now - o.lastInteraction) / 1000);
    sb.append(" flags=").append(flags(o));
    sb.append(" db=").append(o.db.id());
    sb.append(" sub=").append(io.cinnabar.server.PubSub.channelCount(o));
    sb.append(" psub=").append(io.cinnabar.server.PubSub.patternCount(o));
    sb.append(" ssub=").append(io.cinnabar.server.PubSub.shardCount(o));
    io.cinnabar.server.Transaction tx = o.transactionOrNull();
    sb.append(" multi=").append(o.inMulti ? tx.commands.size() : -1);
    sb.append(" qbuf=").append(qbuf);
    sb.append(" qbuf-free=").append(qbufFree);
    sb.append(" argv-mem=").append(argvMem);
    sb.append(" multi-mem=0");
    sb.append(" rbs=").append(rbs);
    sb.append(" rbp=").append(rbs);
    long obl = o.reply.target() == null ? 0 : o.reply.target().readableBytes();
    sb.append(" obl=").append(obl);
    sb.append(" oll=0");
    sb.append(" omem=").append(pending - obl);
    sb.append(" tot-mem=").append(totMem);
    sb.append(" events=").append(pending > 0 && o != self ? "rw" : "r");
    sb.append(" cmd=").append(o.lastCommand);
    sb.append(" user=").append(o.user);
    sb.append(" redir=-1");
    sb.append(" resp=").append(o.reply.protocol());
    return sb.toString();
  }

  private static int fd(Client o) {
    if (o.channel instanceof io.netty.channel.unix.UnixChannel u) {
      return u.fd().intValue();
    }
    return -1;
  }

  /** Redis's flag letters; N when none applies. */
  private static String flags(Client o) {
    StringBuilder f = new StringBuilder();
    if (o.isReplica()) {
      f.append('S');
    }
    io.cinnabar.server.ReplicaLink link = o.server.replicaLink();
    if (link != null && link.isPrimary(o)) {
      f.append('M');
    }
    if (io.cinnabar.server.PubSub.subscribed(o)) {
      f.append('P');
    }
    if (o.inMulti) {
      f.append('x');
    }
    if (o.isBlocked()) {
      f.append('b');
    }
    io.cinnabar.server.Transaction tx = o.transactionOrNull();
    if (tx != null && tx.dirtyCas) {
      f.append('d');
    }
    if (o.isClosingAfterReply()) {
      f.append('c');
    }
    if (o.noEvict) {
      f.append('e');
    }
    return f.length() == 0 ? "N" : f.toString();
  }
}
