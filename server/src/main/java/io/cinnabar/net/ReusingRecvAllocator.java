package io.cinnabar.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * Reads every batch of a connection into the same 16 KB buffer instead of taking a fresh pooled
 * buffer per read: the bytes are copied into the connection's query buffer at once, so the read
 * buffer is free again (reference count back to 1) before the next read. One per channel; the
 * channel's handler {@link #release}s it when the connection closes.
 */
final class ReusingRecvAllocator extends DefaultMaxMessagesRecvByteBufAllocator {
  private static final int SIZE = 16 * 1024;

  private ByteBuf buf;

  ReusingRecvAllocator() {
    super(16);
  }

  @Override
  public ExtendedHandle newHandle() {
    return new MaxMessageHandle() {
      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        ByteBuf b = buf;
        if (b == null || b.refCnt() != 1) {
          if (b != null) {
            b.release(); // still referenced elsewhere: let that holder free it
          }
          b = alloc.directBuffer(SIZE);
          buf = b;
        }
        b.clear();
        return b.retain();
      }

      @Override
      public int guess() {
        return SIZE;
      }
    };
  }

  /** Drops this allocator's reference when the connection is gone. */
  void release() {
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }
}
