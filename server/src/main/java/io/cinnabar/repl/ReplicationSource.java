package io.cinnabar.repl;

import io.cinnabar.protocol.Request;
import io.cinnabar.util.Numbers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's side of replication: its replication IDs and offset, the backlog, and the stream of
 * write commands every replica receives (Redis's replicationFeedSlaves and the PSYNC2 rules of
 * primaryTryPartialResynchronization).
 *
 * <p>Commands are encoded as RESP arrays into a pending buffer as they run, preceded by a SELECT
 * when the database differs from the previous propagated command's; {@link #flush} (once per event
 * loop batch, as Redis's beforeSleep) moves the pending bytes into the backlog and to each online
 * replica, so a pipelined batch of writes costs one write per replica. Nothing is encoded while
 * there is neither a replica nor a backlog.
 */
public final class ReplicationSource {
  /** Where an online replica's stream goes (its connection). */
  public interface Sink {
    /** Takes ownership of {@code bytes} (a retained slice of the shared stream). */
    void write(ByteBuf bytes);
  }

  /** Answers to a PSYNC request. */
  public enum Psync {
    /** Continue from the backlog with the same replication ID. */
    CONTINUE,
    /** Continue, but the replica must switch to our current ID (it asked with our old one). */
    CONTINUE_NEW_ID,
    FULL
  }

  public static final String NO_ID = "0000000000000000000000000000000000000000";

  private static final byte[] SELECT =
      "*2\r\n$6\r\nSELECT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private String replId;
  private String replId2 = NO_ID;

  /** The first offset that replId2's history does not cover (Redis's second_replid_offset). */
  private long secondOffset = -1;

  private Backlog backlog;
  private int backlogSize;

  /** master_repl_offset when no backlog exists yet. */
  private long offset;

  private final ByteBuf pending = Unpooled.buffer(4096);
  private int lastDb = -1;
  private final List<Sink> replicas = new ArrayList<>();

  public ReplicationSource(String replId, int backlogSize) {
    this.replId = replId;
    this.backlogSize = backlogSize;
  }

  public String replId() {
    return replId;
  }

  public String replId2() {
    return replId2;
  }

  public long secondOffset() {
    return secondOffset;
  }

  /** master_repl_offset, counting bytes not yet flushed. */
  public long offset() {
    return (backlog == null ? offset : backlog.offset()) + pending.readableBytes();
  }

  public Backlog backlog() {
    return backlog;
  }

  /** True while anything (a replica or a backlog) wants the stream. */
  public boolean active() {
    return backlog != null;
  }

  /** Creates the backlog (when the first replica attaches, as Redis does). */
  public void ensureBacklog() {
    if (backlog == null) {
      backlog = new Backlog(backlogSize, offset);
      lastDb = -1; // the next command re-selects its database
    }
  }

  /** Frees the backlog (repl-backlog-ttl passed with no replica), keeping the offset. */
  public void freeBacklog() {
    if (backlog != null && replicas.isEmpty()) {
      flush();
      offset = backlog.offset();
      backlog = null;
    }
  }

  /** CONFIG SET repl-backlog-size. */
  public void resizeBacklog(int size) {
    backlogSize = size;
    if (backlog != null) {
      flush();
      backlog.resize(size);
    }
  }

  public void addReplica(Sink s) {
    replicas.add(s);
  }

  public void removeReplica(Sink s) {
    replicas.remove(s);
  }

  public int replicaCount() {
    return replicas.size();
  }

  /** Appends the command in {@code r} (as received) to the stream. */
  public void propagate(int db, Request r) {
    if (backlog == null) {
      return;
    }
    select(db);
    arrayHeader(r.argc);
    for (int i = 0; i < r.argc; i++) {
      bulk(r.bufs[i], r.offs[i], r.lens[i]);
    }
  }

  /** Appends a command given as arguments (a rewritten or synthesized command) to the stream. */
  public void propagate(int db, byte[]... args) {
    if (backlog == null) {
      return;
    }
    select(db);
    arrayHeader(args.length);
    for (byte[] a : args) {
      bulk(a, 0, a.length);
    }
  }

  /** Appends bytes that belong to no database (e.g. the primary's periodic PING). */
  public void propagateRaw(byte[] resp) {
    if (backlog != null) {
      pending.writeBytes(resp);
    }
  }

  private void select(int db) {
    if (db != lastDb && db >= 0) {
      pending.writeBytes(SELECT);
      byte[] d = Integer.toString(db).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      bulk(d, 0, d.length);
      lastDb = db;
    }
  }

  private void arrayHeader(int n) {
    pending.writeByte('*');
    writeNumber(n);
  }

  private void bulk(byte[] b, int off, int len) {
    pending.writeByte('$');
    writeNumber(len);
    pending.writeBytes(b, off, len);
    pending.writeByte('\r').writeByte('\n');
  }

  private final byte[] digits = new byte[20];

  private void writeNumber(long n) {
    int len = Numbers.writeLong(n, digits, 0);
    pending.writeBytes(digits, 0, len);
    pending.writeByte('\r').writeByte('\n');
  }

  /** Moves the pending stream into the backlog and to every online replica. */
  public void flush() {
    if (!pending.isReadable()) {
      return;
    }
    if (backlog != null) {
      backlog.feed(pending);
      if (!replicas.isEmpty()) {
        // One copy shared by all replicas: each write holds a reference until it is sent.
        ByteBuf shared = Unpooled.copiedBuffer(pending);
        for (Sink s : replicas) {
          s.write(shared.retainedSlice());
        }
        shared.release();
      }
    }
    pending.clear();
    if (pending.capacity() > 1 << 20) {
      pending.capacity(4096);
    }
  }

  /**
   * Decides a PSYNC request (PSYNC2): continue when the replica's history is ours (our ID, or our
   * previous ID up to the offset where it ended) and the backlog still holds what it missed.
   */
  public Psync psync(String id, long psyncOffset) {
    flush();
    boolean ours = id.equals(replId);
    boolean previous = id.equals(replId2) && psyncOffset <= secondOffset;
    if ((!ours && !previous) || backlog == null || !backlog.canServe(psyncOffset)) {
      return Psync.FULL;
    }
    return ours ? Psync.CONTINUE : Psync.CONTINUE_NEW_ID;
  }

  /**
   * Starts a new history (a replica promoted to primary, Redis's shiftReplicationId): the old ID
   * stays valid up to the current offset, so siblings that followed the same primary can continue.
   */
  public void shiftReplicationId(String newId) {
    flush();
    replId2 = replId;
    secondOffset = offset() + 1;
    replId = newId;
  }

  /** Adopts a primary's history (a replica after a full or partial sync). */
  public void adopt(String id, long newOffset) {
    pending.clear();
    replId = id;
    replId2 = NO_ID;
    secondOffset = -1;
    lastDb = -1;
    if (backlog != null) {
      backlog.reset(newOffset);
    } else {
      offset = newOffset;
    }
  }
}
