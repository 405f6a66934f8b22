package io.cinnabar.bench;

import io.cinnabar.config.Config;
import io.cinnabar.net.BenchHandlers;
import io.cinnabar.server.BenchAccess;
import io.cinnabar.server.ServerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connection of a server without sockets: Netty's EmbeddedChannel with the real ClientHandler,
 * so a request goes through the same code as from the network (query buffer, parser, dispatcher,
 * handler, reply buffer, flush) on the calling thread. Requests are pre-encoded buffers that are
 * re-read every time, so feeding one allocates nothing.
 */
final class EmbeddedServer implements AutoCloseable {
  final EmbeddedChannel channel = new EmbeddedChannel();
  final ServerContext context;

  EmbeddedServer() {
    context = BenchAccess.context(new Config(), channel.eventLoop());
    channel.pipeline().addLast(BenchHandlers.clientHandler(context));
    channel.pipeline().fireChannelActive();
  }

  /** A request buffer for {@link #call}: the command as RESP multibulk. */
  static ByteBuf command(String... args) {
    StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(b.length).writeBytes(b));
  }

  /** Runs one pre-encoded request as a read batch and returns the reply size in bytes. */
  int call(ByteBuf request) {
    request.readerIndex(0);
    channel.pipeline().fireChannelRead(request);
    channel.pipeline().fireChannelReadComplete();
    ByteBuf out = channel.readOutbound();
    if (out == null) {
      return 0;
    }
    int n = out.readableBytes();
    out.release();
    return n;
  }

  /** Runs a request and returns its reply as text (for setup checks). */
  String text(ByteBuf request) {
    request.readerIndex(0);
    channel.pipeline().fireChannelRead(request);
    channel.pipeline().fireChannelReadComplete();
    ByteBuf out = channel.readOutbound();
    String s = out.toString(StandardCharsets.ISO_8859_1);
    out.release();
    return s;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }
}
