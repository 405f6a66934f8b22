package io.cinnabar.cluster.migration;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * Paces the import stream on the target: one read of at most 16 KB per event-loop turn, requested
 * by a zero-delay timer after each read, so the stream's commands run between other clients'
 * commands and timers. (With auto-read, edge-triggered epoll reads a socket dry in one go: the
 * megabytes queued in socket buffers then ran as one long stall.)
 */
final class ImportPacer extends ChannelInboundHandlerAdapter {
  private ImportPacer() {}

  static void install(Channel ch) {
    ch.config()
        .setRecvByteBufAllocator(
            new AdaptiveRecvByteBufAllocator(512, 8192, 16384).maxMessagesPerRead(1));
    ch.config().setAutoRead(false);
    ch.pipeline().addFirst("slot-import-pacer", new ImportPacer());
    ch.read();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    Channel ch = ctx.channel();
    if (!ch.config().isAutoRead()) {
      // Scheduled, not executed: timers and other channels' I/O come first.
      ctx.executor().schedule(() -> ch.read(), 0, TimeUnit.NANOSECONDS);
    }
  }
}
