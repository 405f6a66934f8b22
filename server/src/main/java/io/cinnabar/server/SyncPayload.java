package io.cinnabar.server;

import io.cinnabar.keyspace.Keyspace;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbFile;
import io.cinnabar.rdb.RdbStreamLoader;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RDB payload of a full sync as it arrives: {@code $<len>} then len bytes (disk-based), or
 * {@code $EOF:<40-byte mark>} then the RDB followed by the mark (diskless). It is parsed while it
 * arrives into a fresh keyspace, which the replica swaps in once the payload is complete.
 */
final class SyncPayload {
  static final int EOF_MARK = 40;

  private byte[] data;
  private int len;
  private final byte[] eofMark;
  private final Keyspace loading;
  private final RdbStreamLoader loader;

  /** Starts from the primary's header line; throws IllegalArgumentException if it is malformed. */
  SyncPayload(String header, ServerContext server) {
    if (header.startsWith("$EOF:") && header.length() == 5 + EOF_MARK) {
      eofMark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
      data = new byte[1 << 20];
      Log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
    } else {
      long size;
      try {
        size = Long.parseLong(header.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Bad bulk length from MASTER: " + header);
      }
      if (size < 0 || size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("RDB payload too large for this replica: " + size);
      }
      eofMark = null;
      data = new byte[(int) size];
      Log.notice("MASTER <-> REPLICA sync: receiving " + size + " bytes from master to disk");
    }
    loading = new Keyspace(server.keyspace.databases(), server.clusterEnabled());
    loader =
        new RdbStreamLoader(loading, server.config, System.currentTimeMillis(), server.lruClock());
  }

  /**
   * Takes the payload's bytes from {@code in} (never more) and parses what is complete. Returns
   * true once the whole payload has arrived and loaded; throws if it is bad.
   */
  boolean receive(ByteBuf in) throws RdbException {
    if (eofMark == null) {
      int n = Math.min(in.readableBytes(), data.length - len);
      in.readBytes(data, len, n);
      len += n;
      boolean complete = len == data.length;
      loader.feed(data, len, complete);
      return complete;
    }
    // Diskless: everything read belongs to the payload, which ends with the mark. The primary
    // starts the stream only once we acknowledge, so a read never holds both.
    int n = in.readableBytes();
    if (data.length - len < n) {
      long grown = Math.max(len + (long) n, data.length * 2L);
      data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16, grown));
    }
    in.readBytes(data, len, n);
    len += n;
    boolean complete =
        len >= EOF_MARK && Arrays.equals(data, len - EOF_MARK, len, eofMark, 0, EOF_MARK);
    if (complete || len > EOF_MARK) {
      loader.feed(data, len - EOF_MARK, complete);
    }
    return complete;
  }

  /** The loaded dataset (once {@link #receive} returned true). */
  Keyspace loaded() {
    return loading;
  }

  RdbFile.LoadStats stats() {
    return loader.stats();
  }

  long received() {
    return len;
  }

  /** The announced size, -1 for a diskless payload. */
  long size() {
    return eofMark == null ? data.length : -1;
  }
}
