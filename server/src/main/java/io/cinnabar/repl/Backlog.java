package io.cinnabar.repl;

import io.netty.buffer.ByteBuf;

/**
 * The replication backlog, as Redis's: the last {@code capacity} bytes of the replication stream in
 * a ring, addressed by replication offset. The primary's offset counts every byte ever fed; the
 * backlog holds offsets {@code firstOffset() .. offset()}, so a replica that asks to continue from
 * an offset in that window (PSYNC) gets just the bytes it missed.
 *
 * <p>Offsets follow Redis: {@link #offset()} is master_repl_offset (bytes so far); a replica that
 * has processed up to offset {@code o} asks for {@code o + 1}.
 */
public final class Backlog {
  private byte[] ring;

  /** Next write position in the ring. */
  private int idx;

  /** Bytes of history held (at most the ring's length). */
  private long histlen;

  /** master_repl_offset: every byte fed since the replication ID began. */
  private long offset;

  public Backlog(int capacity, long offset) {
    this.ring = new byte[Math.max(16, capacity)];
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }

  /** The offset of the oldest byte held (Redis's repl_backlog_off); offset() + 1 when empty. */
  public long firstOffset() {
    return offset - histlen + 1;
  }

  public long historyLength() {
    return histlen;
  }

  public int capacity() {
    return ring.length;
  }

  /** Appends stream bytes. */
  public void feed(byte[] b, int off, int len) {
    offset += len;
    if (len >= ring.length) { // only the tail fits
      System.arraycopy(b, off + len - ring.length, ring, 0, ring.length);
      idx = 0;
      histlen = ring.length;
      return;
    }
    int first = Math.min(len, ring.length - idx);
    System.arraycopy(b, off, ring, idx, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    idx = (idx + len) % ring.length;
    histlen = Math.min(ring.length, histlen + len);
  }

  /** Appends the readable bytes of {@code b} without consuming them. */
  public void feed(ByteBuf b) {
    int len = b.readableBytes();
    int from = b.readerIndex();
    offset += len;
    if (len >= ring.length) {
      b.getBytes(from + len - ring.length, ring, 0, ring.length);
      idx = 0;
      histlen = ring.length;
      return;
    }
    int first = Math.min(len, ring.length - idx);
    b.getBytes(from, ring, idx, first);
    b.getBytes(from + first, ring, 0, len - first);
    idx = (idx + len) % ring.length;
    histlen = Math.min(ring.length, histlen + len);
  }

  /**
   * True when a replica asking to continue from {@code psyncOffset} (its processed offset + 1) can
   * be served from here (Redis's primaryTryPartialResynchronization window).
   */
  public boolean canServe(long psyncOffset) {
    return psyncOffset >= firstOffset() && psyncOffset <= offset + 1;
  }

  /** Writes the bytes from {@code psyncOffset} to the end into {@code out}; returns their count. */
  public long copyFrom(long psyncOffset, ByteBuf out) {
    if (!canServe(psyncOffset)) {
      throw new IllegalArgumentException("offset " + psyncOffset + " is not in the backlog");
    }
    long len = offset + 1 - psyncOffset;
    int start = (int) Math.floorMod(idx - len, (long) ring.length);
    int first = (int) Math.min(len, ring.length - start);
    out.writeBytes(ring, start, first);
    out.writeBytes(ring, 0, (int) (len - first));
    return len;
  }

  /**
   * Changes the capacity (CONFIG SET repl-backlog-size). As Redis, the history is dropped: replicas
   * that disconnect before new bytes accumulate need a full sync.
   */
  public void resize(int capacity) {
    int c = Math.max(16, capacity);
    if (c == ring.length) {
      return;
    }
    ring = new byte[c];
    idx = 0;
    histlen = 0;
  }

  /** Starts a new history at {@code newOffset} (a new replication ID, e.g. after a full sync). */
  public void reset(long newOffset) {
    offset = newOffset;
    idx = 0;
    histlen = 0;
  }
}
