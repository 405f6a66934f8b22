package io.cinnabar.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A connection's input bytes, as Redis's querybuf: bytes arrive at {@code end}, the parser reads
 * from {@code pos}. Bytes before the start of the command being parsed are dropped by {@link
 * #compact}.
 */
public final class QueryBuffer {
  byte[] buf;
  int pos;
  int end;

  /** Start of the command currently being parsed (bytes before it are consumed). */
  int cmdStart;

  public QueryBuffer(int initial) {
    buf = new byte[initial];
  }

  /** Appends everything readable in {@code in}, growing as needed. */
  public void append(ByteBuf in) {
    int n = in.readableBytes();
    if (buf.length - end < n) {
      grow(n);
    }
    in.readBytes(buf, end, n);
    end += n;
  }

  public void append(byte[] b, int off, int n) {
    if (buf.length - end < n) {
      grow(n);
    }
    System.arraycopy(b, off, buf, end, n);
    end += n;
  }

  private void grow(int need) {
    int live = end - cmdStart;
    int cap = buf.length;
    while (cap - live < need) {
      cap = cap < (1 << 29) ? cap << 1 : Integer.MAX_VALUE - 8;
      if (cap - live < need && cap == Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("query buffer too large");
      }
    }
    byte[] nb = cap == buf.length ? buf : new byte[cap];
    shiftInto(nb);
  }

  private Request owner;

  void bind(Request r) {
    owner = r;
  }

  private void shiftInto(byte[] nb) {
    int delta = cmdStart;
    System.arraycopy(buf, cmdStart, nb, 0, end - cmdStart);
    if (owner != null) {
      owner.rebase(buf, nb, delta);
    }
    buf = nb;
    pos -= delta;
    end -= delta;
    cmdStart = 0;
  }

  /** Counts the command just parsed as consumed (its arguments were copied out of the buffer). */
  public void consumeParsed() {
    cmdStart = pos;
  }

  /** Drops consumed bytes; shrinks a buffer that grew large once it is idle. */
  public void compact(int idleCapacity) {
    if (cmdStart == end) {
      pos = end = cmdStart = 0;
      if (buf.length > idleCapacity * 32) {
        buf = new byte[idleCapacity];
      }
    } else if (cmdStart > 0) {
      shiftInto(buf);
    }
  }

  /** Bytes held that belong to commands not yet complete (Redis's querybuf length). */
  public int pending() {
    return end - cmdStart;
  }

  /** Copies the last parsed command's raw bytes (a replica proxies its primary's stream). */
  public void copyParsed(ByteBuf out) {
    out.writeBytes(buf, cmdStart, pos - cmdStart);
  }

  /** Bytes received but not yet parsed into a command. */
  public int unparsed() {
    return end - pos;
  }

  public int capacity() {
    return buf.length;
  }
}
