package io.cinnabar.server;

import io.cinnabar.keyspace.Database;
import io.cinnabar.protocol.QueryBuffer;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.protocol.RespParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;

/**
 * One connection's state, as Redis's client struct: its input buffer and parser, the request being
 * run, the reply buffer, the selected database, name, protocol and flags. Lives on the keyspace
 * thread; every method is called there.
 */
public final class Client {
  private static final int QB_INITIAL = 16 * 1024;

  /** Redis caps an unauthenticated client's query buffer at 1MB whatever the limit says. */
  private static final int UNAUTHENTICATED_QB_LIMIT = 1024 * 1024;

  public final long id;
  public final ServerContext server;
  public final Channel channel;
  public final Request req = new Request();
  public final Reply reply = new Reply();
  final QueryBuffer qb = new QueryBuffer(QB_INITIAL);
  final RespParser parser = new RespParser();

  public Database db;
  public byte[] name;
  public byte[] libName;
  public byte[] libVersion;
  public final long createdAt;
  public long lastInteraction;
  public String lastCommand = "NULL";
  public boolean authenticated;

  /** This client runs the primary's replication stream on this replica (see ReplicaLink). */
  public boolean primaryStream;

  /** The last blocking timeout argument this client sent and its length in ms (see Blocking). */
  byte[] lastTimeoutArg;

  long lastTimeoutMs;

  /** A published message waits in the reply buffer for {@link PubSub}'s end-of-batch flush. */
  boolean pubsubFlushPending;

  public String user = "default";

  /** CLIENT REPLY: 0 on, 1 off, 2 skip next command. */
  public int replyMode;

  public boolean noEvict;

  /** When pending output first passed the soft limit (0 if it is below). */
  long softLimitSince;

  /** Set when the current command's reply included an error (failed_calls). */
  public boolean commandFailed;

  /** READONLY: in cluster mode, may read the slots of the primary this replica follows. */
  public boolean clusterReadOnly;

  /**
   * ASKING (Redis's CLIENT_ASKING): non-zero while the next command may use an importing slot; 2
   * right after ASKING itself, 1 for the command after it. The dispatcher clears it after that
   * command unless inside MULTI.
   */
  public int asking;

  /** True between MULTI and EXEC/DISCARD: commands are queued, not run. */
  public boolean inMulti;

  /** True while EXEC runs the queued commands (blocking commands must not block then). */
  public boolean inExec;

  /** MULTI queue and WATCHed keys (null until the first MULTI or WATCH). */
  Transaction tx;

  /** REPLCONF/PSYNC state when this connection is (becoming) a replica, else null. */
  public Primary.Link replicaLink;

  /** The slot import this connection streams (atomic slot migration's target side), else null. */
  public io.cinnabar.cluster.migration.ImportJob slotImport;

  /** master_repl_offset right after this client's last propagated write (WAIT waits for it). */
  public long writeOffset;

  /** Pub/sub subscriptions (null until the first SUBSCRIBE). */
  PubSub.Subs pubsub;

  private boolean closeAfterReply;
  private boolean closed;
  private boolean blocked;

  /** What this client waits for while blocked on keys, else null; owned by {@link Blocking}. */
  Blocking.Waiter waiter;

  Client(ServerContext server, Channel channel) {
    this.server = server;
    this.channel = channel;
    this.id = server.newClientId();
    this.db = server.keyspace.db(0);
    this.createdAt = System.currentTimeMillis();
    this.lastInteraction = createdAt;
    String pass = server.config.requirepass;
    this.authenticated = pass == null || pass.isEmpty();
    reply.setErrorListener(
        (b, off, len) -> {
          commandFailed = true;
          server.stats.totalErrorReplies++;
          server.stats.errorCodes.merge(io.cinnabar.util.Bytes.latin1(b, off, len), 1L, Long::sum);
        });
  }

  /** Appends received bytes and runs every complete command in them. */
  void onRead(ByteBuf in) {
    server.stats.netInputBytes += in.readableBytes();
    server.stats.readsProcessed++;
    qb.append(in);
    lastInteraction = System.currentTimeMillis();
    processInput();
  }

  /** Runs complete commands from the query buffer until it is empty, or the client blocks. */
  public void processInput() {
    while (!blocked && !closeAfterReply && !closed) {
      int r = parser.parse(qb, req, server.config.protoMaxBulkLen, authenticated);
      if (r == RespParser.NEED_MORE) {
        break;
      }
      ensureOutput();
      if (r == RespParser.PROTOCOL_ERROR) {
        Log.verbose("Protocol error (" + parser.error() + ") from client: " + describe());
        reply.error("ERR " + parser.error());
        closeAfterReply = true;
        break;
      }
      if (req.argc == 0) {
        continue;
      }
      server.dispatcher.dispatch(this);
    }
    qb.compact(QB_INITIAL);
    if (qb.pending() > server.config.clientQueryBufferLimit
        || (!authenticated && qb.pending() > UNAUTHENTICATED_QB_LIMIT)) {
      Log.warning("Closing client that reached max query buffer length: " + describe());
      close();
    }
  }

  /**
   * The reply buffer, kept from batch to batch so a request allocates none. We hold one reference;
   * a write in flight holds another and releases it once the bytes are in the socket, so a
   * reference count of 1 means the buffer is free to reuse. A buffer that grew past {@link
   * #SPARE_MAX} for a big reply is let go after its write.
   */
  private ByteBuf spare;

  private static final int SPARE_MAX = 64 * 1024;

  /** Makes sure replies have a buffer to go to. */
  public void ensureOutput() {
    if (reply.target() != null) {
      return;
    }
    ByteBuf b = spare;
    if (b != null && b.refCnt() == 1) {
      b.clear();
    } else {
      if (b != null) {
        b.release(); // still being written: the write drops the last reference
      }
      b = channel.alloc().ioBuffer(1024);
      spare = b;
    }
    reply.target(b);
  }

  private void dropSpare() {
    if (spare != null) {
      spare.release();
      spare = null;
    }
  }

  /** Sends buffered replies (end of a read batch, or after an asynchronous wake-up). */
  public void flush() {
    ByteBuf out = reply.target();
    if (out == null || closed) {
      return;
    }
    reply.target(null);
    if (!out.isReadable()) {
      if (closeAfterReply) {
        close();
      }
      return;
    }
    server.stats.netOutputBytes += out.readableBytes();
    server.stats.writesProcessed++;
    if (closeAfterReply) {
      channel.writeAndFlush(out.retain()).addListener(ChannelFutureListener.CLOSE);
      closed = true;
      dropSpare();
    } else {
      channel.writeAndFlush(out.retain(), channel.voidPromise());
      if (out.capacity() > SPARE_MAX) {
        dropSpare();
      }
    }
  }

  /** Replies still queued in the socket (for output buffer limits). */
  public long pendingOutputBytes() {
    io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
    long queued = ob == null ? 0 : ob.totalPendingWriteBytes();
    ByteBuf out = reply.target();
    long total = queued + (out == null ? 0 : out.readableBytes());
    if (replicaLink != null) {
      total = Math.max(0, total + replicaLink.pendingAdjustment());
    }
    return total;
  }

  public int queryBufferLength() {
    return qb.pending();
  }

  public int queryBufferCapacity() {
    return qb.capacity();
  }

  /** Closes once the replies written so far are sent (QUIT, protocol errors, CLIENT KILL self). */
  public void closeAfterReply() {
    closeAfterReply = true;
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    reply.target(null);
    dropSpare();
    channel.close();
  }

  /** True once QUIT, a protocol error or CLIENT KILL asked to close after the reply. */
  public boolean isClosingAfterReply() {
    return closeAfterReply;
  }

  public boolean isClosed() {
    return closed;
  }

  /** True once PSYNC/SYNC made this client a replica receiving the replication stream. */
  public boolean isReplica() {
    return replicaLink != null && replicaLink.online;
  }

  public boolean isBlocked() {
    return blocked;
  }

  /** True while the current request must run again when the client is unblocked. */
  private boolean retryCurrent;

  /**
   * Stops processing input, keeping the current request to run again on {@link #unblock} (the
   * client waits for CLIENT PAUSE to end). Its arguments are copied out of the query buffer.
   */
  public void blockAndRetry() {
    req.setAll(req.copyAll());
    retryCurrent = true;
    blocked = true;
    channel.config().setAutoRead(false);
  }

  /** Stops processing input; the current request has been handled (e.g. it waits for a key). */
  public void block() {
    blocked = true;
    channel.config().setAutoRead(false);
  }

  /**
   * Blocks on keys (BLPOP and the like): the current request is kept to run again when a key is
   * served. Unlike a pause, input is still read (and buffered, not run), so a disconnect is seen.
   */
  void blockOnKeys() {
    req.setAll(req.copyAll());
    qb.consumeParsed(); // as Redis, a blocked client's command no longer counts in its qbuf
    retryCurrent = true;
    blocked = true;
  }

  /**
   * Ends a block on keys: with {@code retry} the held request runs again now (the client is being
   * served); otherwise it is dropped (the caller replies). Input queued behind it waits for {@link
   * #resumeInput}.
   */
  void endKeyBlock(boolean retry) {
    blocked = false;
    ensureOutput();
    boolean again = retryCurrent && retry;
    retryCurrent = false;
    if (again) {
      server.dispatcher.dispatch(this);
    }
  }

  /** Runs input that arrived while blocked and sends the replies. */
  void resumeInput() {
    if (closed) {
      return;
    }
    ensureOutput();
    processInput();
    flush();
  }

  /** Resumes processing: the held request first, then input that arrived meanwhile. */
  public void unblock() {
    if (!blocked) {
      return;
    }
    blocked = false;
    channel.config().setAutoRead(true);
    ensureOutput();
    if (retryCurrent) {
      retryCurrent = false;
      server.dispatcher.dispatch(this);
    }
    processInput();
    flush();
  }

  public String address() {
    return format(channel.remoteAddress());
  }

  public String localAddress() {
    return format(channel.localAddress());
  }

  private static String format(java.net.SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
      return host + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  public String describe() {
    return "id=" + id + " addr=" + address() + " laddr=" + localAddress();
  }

  /**
   * Back to a new connection's state (RESET): database 0, RESP2, replies on, no name, no no-evict
   * flag, and authenticated only if the default user needs no password.
   */
  public void resetState() {
    discardTransaction();
    server.pubsub.clear(this);
    select(0);
    reply.setProtocol(2);
    replyMode = io.cinnabar.command.Dispatcher.REPLY_ON;
    reply.mute(false);
    name = null;
    noEvict = false;
    clusterReadOnly = false;
    asking = 0;
    user = "default";
    String pass = server.config.requirepass;
    authenticated = pass == null || pass.isEmpty();
  }

  /** This client's transaction state, created on first use. */
  public Transaction transaction() {
    if (tx == null) {
      tx = new Transaction();
    }
    return tx;
  }

  /** The transaction state, or null if this client never used MULTI or WATCH. */
  public Transaction transactionOrNull() {
    return tx;
  }

  /** Leaves MULTI (Redis's discardTransaction): the queue is dropped and WATCHes with it. */
  public void discardTransaction() {
    if (tx != null) {
      tx.clearQueue();
      tx.dirtyCas = false;
    }
    inMulti = false;
    server.watches.unwatchAll(this);
  }

  /** Selects database {@code index}; the caller has checked the range. */
  public void select(int index) {
    db = server.keyspace.db(index);
  }
}
