package io.cinnabar.server;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.Entry;
import io.cinnabar.util.LongDouble;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked on keys (Redis's blocking.c): per database, a FIFO queue of waiters per key; the
 * keys that became ready; the timeouts.
 *
 * <p>A key becomes ready when a value is added under it while someone waits on it ({@link
 * Database#add} tells us, and costs nothing when nobody waits in that database). After each
 * top-level command the dispatcher calls {@link #serveReadyKeys}: for every ready key, waiters
 * whose value type matches the key's are served in FIFO order while the key exists. Serving runs
 * the waiter's held command again through the dispatcher, so one code path pops; while it runs,
 * {@link #servedKey} names the key being served (Redis 7.0 pops from that key, not from the first
 * non-empty one). A served command that adds keys (BLMOVE) makes more keys ready, served in the
 * same round. Input a served client sent behind its blocking command runs afterwards, as Redis's
 * unblocked-clients queue.
 *
 * <p>A new blocking command plugs in like this (see BlockingListCommands):
 *
 * <ol>
 *   <li>parse its arguments, then its timeout with {@link #deadlineOrReply};
 *   <li>if one of its keys holds a value, pop it (restricted to {@link #servedKey} when set) with
 *       the non-blocking command's code, and return;
 *   <li>if {@link Client#inExec}, reply as Redis does in MULTI (a null) and return;
 *   <li>else call {@link #block} with the key arguments, the value type it waits for and its
 *       timeout reply.
 * </ol>
 */
public final class Blocking {
  /** How a command answers when its wait ends unserved (timeout, CLIENT UNBLOCK TIMEOUT). */
  @FunctionalInterface
  public interface TimeoutReply {
    void reply(Client c);
  }

  /** A blocked client's wait: its database, distinct keys, value type and deadline. */
  static final class Waiter {
    final Client client;
    final Database db;
    final List<Key> keys;
    final byte type;
    final long deadline;
    final long seq;
    final TimeoutReply onTimeout;
    final CommandSpec cmd;

    Waiter(
        Client client,
        Database db,
        List<Key> keys,
        byte type,
        long deadline,
        long seq,
        TimeoutReply onTimeout,
        CommandSpec cmd) {
      this.client = client;
      this.db = db;
      this.keys = keys;
      this.type = type;
      this.deadline = deadline;
      this.seq = seq;
      this.onTimeout = onTimeout;
      this.cmd = cmd;
    }
  }

  /** A key as a map key (content equality). */
  record Key(byte[] b) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(b, k.b);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(b);
    }

    @Override
    public String toString() {
      return io.cinnabar.util.Bytes.latin1(b, 0, b.length);
    }
  }

  private record ReadyKey(int db, Key key) {}

  private static final byte[] UNBLOCKED =
      io.cinnabar.util.Bytes.ascii("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  private static final byte[] NOT_FLOAT =
      io.cinnabar.util.Bytes.ascii("ERR timeout is not a float or out of range");
  private static final byte[] NEGATIVE = io.cinnabar.util.Bytes.ascii("ERR timeout is negative");
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private final ServerContext server;

  /** Per database index: key → waiters in arrival order. */
  private final List<Map<Key, LinkedHashSet<Waiter>>> byDb = new ArrayList<>();

  private final List<ReadyKey> ready = new ArrayList<>();
  private final HashSet<ReadyKey> readySet = new HashSet<>();

  /** Waiters with a deadline, earliest first. */
  private final TreeSet<Waiter> timeouts =
      new TreeSet<>(
          (a, b) ->
              a.deadline != b.deadline
                  ? Long.compare(a.deadline, b.deadline)
                  : Long.compare(a.seq, b.seq));

  private final List<Client> toResume = new ArrayList<>();
  private boolean resumeQueued;
  private boolean serving;
  private Waiter servingWaiter;
  private byte[] servingKey;
  private ScheduledFuture<?> timer;
  private long timerAt;
  private long seq;

  /** Blocked clients, written on the keyspace thread, read by the cluster bus thread. */
  private volatile int blockedCount;

  Blocking(ServerContext server) {
    this.server = server;
  }

  /** Number of clients blocked on keys. */
  public int blockedClients() {
    return blockedCount;
  }

  /** Blocked clients with a timeout (INFO's clients_in_timeout_table). */
  public int clientsWithTimeout() {
    return timeouts.size();
  }

  /**
   * The timeout argument {@code i} (seconds as a double, 0 = forever) as an absolute deadline in
   * Unix ms, 0 for none; replies Redis's error and returns -1 when invalid. As Redis 7.0, the
   * product with 1000 is rounded up to whole ms (so -0.0001 means forever, 0.0001 one ms) and a
   * product past the long range counts as negative.
   */
  public static long deadlineOrReply(Client c, int i) {
    byte[] b = c.req.bufs[i];
    int off = c.req.offs[i];
    int len = c.req.lens[i];
    if (len > 0 && len <= 12) {
      // Whole seconds, what clients send nearly always: exact without the long double path.
      long secs = 0;
      int k = 0;
      while (k < len && b[off + k] >= '0' && b[off + k] <= '9') {
        secs = secs * 10 + (b[off + k++] - '0');
      }
      if (k == len) {
        return secs == 0 ? 0 : c.server.now() + secs * 1000;
      }
    }
    if (c.lastTimeoutArg != null
        && java.util.Arrays.equals(
            c.lastTimeoutArg, 0, c.lastTimeoutArg.length, b, off, off + len)) {
      long ms = c.lastTimeoutMs; // a client repeats its timeout: the exact path once per value
      return ms == 0 ? 0 : deadline(c, ms);
    }
    LongDouble v = LongDouble.parse(b, off, len);
    if (v == null) {
      c.reply.errorBytes(NOT_FLOAT);
      return -1;
    }
    long ms = -1; // (long long) of an infinite or out of range value: LLONG_MIN on x86
    LongDouble product = v.isFinite() ? v.multiply(1000) : null;
    if (product != null && product.isFinite()) {
      BigDecimal p = product.exact().setScale(0, RoundingMode.CEILING);
      if (p.compareTo(LONG_MAX) <= 0 && p.compareTo(LONG_MAX.negate()) >= 0) {
        ms = p.longValue();
      }
    }
    if (ms < 0) {
      c.reply.errorBytes(NEGATIVE);
      return -1;
    }
    c.lastTimeoutArg = java.util.Arrays.copyOfRange(b, off, off + len);
    c.lastTimeoutMs = ms;
    if (ms == 0) {
      return 0;
    }
    return deadline(c, ms);
  }

  private static long deadline(Client c, long ms) {
    long now = c.server.now();
    return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
  }

  /**
   * The key being served to {@code c} while its held command runs again, else null: the command
   * must pop from this key only.
   */
  public byte[] servedKey(Client c) {
    return servingWaiter != null && servingWaiter.client == c ? servingKey : null;
  }

  /**
   * Blocks {@code c} on the keys at arguments {@code from} (inclusive) to {@code to} (exclusive) of
   * its current request, waiting for a value of {@code type}; {@code deadline} from {@link
   * #deadlineOrReply}. The command replies nothing now.
   */
  public void block(Client c, int from, int to, byte type, long deadline, TimeoutReply onTimeout) {
    if (servingWaiter != null && servingWaiter.client == c) {
      deadline = servingWaiter.deadline; // served but nothing to pop after all: same wait
    }
    LinkedHashSet<Key> keys = new LinkedHashSet<>();
    for (int i = from; i < to; i++) {
      keys.add(new Key(c.req.copy(i)));
    }
    CommandSpec cmd = server.commands.lookup(c.req.bufs[0], c.req.offs[0], c.req.lens[0]);
    Waiter w = new Waiter(c, c.db, new ArrayList<>(keys), type, deadline, seq++, onTimeout, cmd);
    Map<Key, LinkedHashSet<Waiter>> m = waitersOf(c.db);
    if (m.isEmpty()) {
      c.db.setKeyWaiters(this::keyAdded);
    }
    for (Key k : w.keys) {
      m.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(w);
    }
    c.waiter = w;
    c.blockOnKeys();
    blockedCount++;
    if (deadline > 0) {
      timeouts.add(w);
      if (timer == null || deadline < timerAt) {
        scheduleTimer(deadline);
      }
    }
  }

  private Map<Key, LinkedHashSet<Waiter>> waitersOf(Database db) {
    while (byDb.size() <= db.id()) {
      byDb.add(new HashMap<>());
    }
    return byDb.get(db.id());
  }

  /** {@link Database#add} hook: a key someone may wait on was added. */
  private void keyAdded(Database db, byte[] key) {
    Key k = new Key(key);
    if (!waitersOf(db).containsKey(k)) {
      return;
    }
    ReadyKey rk = new ReadyKey(db.id(), k);
    if (readySet.add(rk)) {
      ready.add(rk);
    }
  }

  /** SWAPDB: keys of both databases may now hold what their waiters wait for. */
  public void swapped(Database a, Database b) {
    for (Database db : new Database[] {a, b}) {
      if (db.id() < byDb.size()) {
        for (Key k : byDb.get(db.id()).keySet()) {
          if (db.peek(k.b) != null) {
            keyAdded(db, k.b);
          }
        }
      }
    }
  }

  public boolean hasReadyKeys() {
    return !ready.isEmpty();
  }

  /** Serves the ready keys until none is left (Redis's handleClientsBlockedOnKeys). */
  public void serveReadyKeys() {
    if (serving) {
      return; // a served command ran a write: its keys join the round in progress
    }
    serving = true;
    try {
      while (!ready.isEmpty()) {
        List<ReadyKey> batch = new ArrayList<>(ready);
        ready.clear();
        for (ReadyKey rk : batch) {
          readySet.remove(rk);
          serveKey(rk);
        }
      }
    } finally {
      serving = false;
    }
  }

  private void serveKey(ReadyKey rk) {
    if (rk.db >= byDb.size()) {
      return;
    }
    LinkedHashSet<Waiter> q = byDb.get(rk.db).get(rk.key);
    if (q == null) {
      return;
    }
    Database db = server.keyspace.db(rk.db);
    int n = q.size();
    while (n-- > 0 && !q.isEmpty()) {
      server.updateClock();
      Entry e = db.lookupWrite(rk.key.b, server.now());
      if (e == null) {
        return;
      }
      Waiter w = q.iterator().next();
      if (w.client.isClosed()) {
        remove(w);
        continue;
      }
      if (e.type() != w.type) {
        q.remove(w); // waits for another type: to the back, as Redis
        q.add(w);
        continue;
      }
      serve(w, rk.key.b);
    }
  }

  private void serve(Waiter w, byte[] key) {
    remove(w);
    Client c = w.client;
    servingWaiter = w;
    servingKey = key;
    try {
      c.endKeyBlock(true);
    } finally {
      servingWaiter = null;
      servingKey = null;
    }
    resumeLater(c);
  }

  /** Forgets a waiter everywhere (served, timed out, unblocked or disconnected). */
  private void remove(Waiter w) {
    Map<Key, LinkedHashSet<Waiter>> m = byDb.get(w.db.id());
    for (Key k : w.keys) {
      LinkedHashSet<Waiter> q = m.get(k);
      if (q != null && q.remove(w) && q.isEmpty()) {
        m.remove(k);
      }
    }
    if (m.isEmpty()) {
      w.db.setKeyWaiters(null);
    }
    if (w.deadline > 0) {
      timeouts.remove(w);
    }
    w.client.waiter = null;
    blockedCount--;
  }

  /** A disconnected client stops waiting. */
  void disconnected(Client c) {
    if (c.waiter != null) {
      remove(c.waiter);
    }
  }

  /**
   * CLIENT UNBLOCK: ends {@code c}'s wait on keys with its timeout reply or an UNBLOCKED error;
   * false if it is not blocked on keys (a client held by CLIENT PAUSE is not, as Redis).
   */
  public boolean unblock(Client c, boolean error) {
    Waiter w = c.waiter;
    if (w == null) {
      return false;
    }
    if (error) {
      end(w, () -> c.reply.errorBytes(UNBLOCKED));
    } else {
      end(w, () -> w.onTimeout.reply(c));
    }
    resumeLater(c);
    return true;
  }

  /** Ends a wait unserved: the reply, then the command's statistics. */
  private void end(Waiter w, Runnable reply) {
    remove(w);
    Client c = w.client;
    if (c.isClosed()) {
      return; // closed, its disconnect not yet seen: nobody to answer
    }
    c.endKeyBlock(false);
    c.commandFailed = false;
    reply.run();
    if (w.cmd != null) {
      server.dispatcher.account(c, w.cmd, 0);
    }
  }

  private void resumeLater(Client c) {
    toResume.add(c);
    if (!resumeQueued) {
      resumeQueued = true;
      server.loop().execute(this::resumeAll);
    }
  }

  private void resumeAll() {
    resumeQueued = false;
    List<Client> l = new ArrayList<>(toResume);
    toResume.clear();
    for (Client c : l) {
      c.resumeInput();
    }
  }

  private void scheduleTimer(long deadline) {
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = deadline;
    // Redis times out once the deadline has passed (timeout < now): fire 1 ms after it.
    long delay = Math.max(0, deadline + 1 - System.currentTimeMillis());
    timer = server.loop().schedule(this::fireTimeouts, delay, TimeUnit.MILLISECONDS);
  }

  private void fireTimeouts() {
    timer = null;
    long now = System.currentTimeMillis();
    server.updateClock();
    while (!timeouts.isEmpty() && timeouts.first().deadline < now) {
      Waiter w = timeouts.first();
      end(w, () -> w.onTimeout.reply(w.client));
      w.client.resumeInput();
    }
    if (!timeouts.isEmpty()) {
      scheduleTimer(timeouts.first().deadline);
    }
  }

  /**
   * Cluster mode, after a topology change: a client blocked on a slot this node no longer serves
   * gets the redirection (or CLUSTERDOWN) and stops waiting, as Redis's
   * clusterRedirectBlockedClientIfNeeded. Called on the keyspace thread.
   */
  void checkSlots() {
    io.cinnabar.cluster.ClusterTopology t = server.topology();
    if (t == null || blockedCount == 0) {
      return;
    }
    LinkedHashSet<Waiter> all = new LinkedHashSet<>();
    for (Map<Key, LinkedHashSet<Waiter>> m : byDb) {
      for (LinkedHashSet<Waiter> q : m.values()) {
        all.addAll(q);
      }
    }
    for (Waiter w : all) {
      String err = redirection(t, w);
      if (err != null && w.client.waiter == w) {
        end(w, () -> w.client.reply.error(err));
        resumeLater(w.client);
      }
    }
  }

  private static String redirection(io.cinnabar.cluster.ClusterTopology t, Waiter w) {
    if (!t.ok()) {
      return "CLUSTERDOWN The cluster is down";
    }
    byte[] key = w.keys.get(0).b; // all keys of a request share one slot
    int slot = io.cinnabar.cluster.SlotHash.slot(key, 0, key.length);
    int owner = t.owner(slot);
    if (owner == t.myself()) {
      return null;
    }
    // A READONLY client reading from this replica of the slot's primary keeps waiting; so does
    // one whose slot is being imported here (as Redis: only MOVED, never ASK, for blocked ones).
    boolean write = w.cmd != null && w.cmd.has(io.cinnabar.command.CommandFlag.WRITE);
    if (w.client.clusterReadOnly && !write && owner == t.myPrimary()) {
      return null;
    }
    if (t.importingFrom(slot) != io.cinnabar.cluster.ClusterTopology.NONE) {
      return null;
    }
    if (owner == io.cinnabar.cluster.ClusterTopology.NONE) {
      return "CLUSTERDOWN Hash slot not served";
    }
    return "MOVED " + slot + " " + t.endpoint(owner);
  }
}
