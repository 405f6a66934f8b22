package io.cinnabar.fault;

import io.cinnabar.cluster.SlotHash;
import io.cinnabar.testkit.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded write load whose acknowledgements are exact. Each writer thread owns its keys (a few in
 * each primary's slot range) and appends a per-key sequence number that only grows ({@code RPUSH
 * key seq}), then runs {@code WAIT 1 1000}: a write is <em>acked</em> only when that WAIT returned
 * at least 1 (a replica holds it). Since every write stays in its list, the check is per write:
 * after a fault every acked number must be in its list; numbers whose RPUSH was answered but that
 * are gone (no WAIT guarantee) are counted, not failed, even when a later write to the key
 * survived.
 *
 * <p>Routing is its own: a slot map from CLUSTER NODES, fixed by MOVED, refreshed after any
 * connection error. Every loop is bounded by an operation count and a deadline.
 */
final class AckedLoad implements AutoCloseable {
  static final int KEYS_PER_RANGE = 4;

  private final List<Integer> seeds;
  private final int maxOps;
  private final long deadlineNanos;
  private final AtomicIntegerArray slotPort = new AtomicIntegerArray(16384);
  private final List<Writer> threads = new ArrayList<>();

  /** Each load writes its own keys ("l3w0:7"), so a second load in a test starts from scratch. */
  private static final java.util.concurrent.atomic.AtomicInteger LOADS =
      new java.util.concurrent.atomic.AtomicInteger();

  private final String prefix = "l" + LOADS.incrementAndGet();
  private volatile boolean stop;

  /** Writes the server answered (RPUSH's integer reply), per primary slot range (0-2). */
  final AtomicLongArray okByRange = new AtomicLongArray(3);

  /** Writes acked by WAIT, per range. */
  final AtomicLongArray ackedByRange = new AtomicLongArray(3);

  /** Replies that were errors, and commands without a reply (timeouts, refused, reset). */
  final AtomicLong errors = new AtomicLong();

  final AtomicLong waitShort = new AtomicLong();

  /**
   * {@code writers} threads that WAIT after each write, plus {@code noWaitWriters} that never WAIT
   * (their answered writes lost to a failover show what WAIT protects against).
   */
  AckedLoad(List<Integer> seeds, int writers, int noWaitWriters, int maxOps, long maxMillis) {
    this.seeds = seeds;
    this.maxOps = maxOps;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    refresh();
    for (int t = 0; t < writers + noWaitWriters; t++) {
      threads.add(new Writer(t, t < writers));
    }
  }

  /** The range (0-2) of the 3-primary layout a slot belongs to. */
  static int range(int slot) {
    for (int i = 0; i < ProcCluster.RANGES.length; i++) {
      if (slot <= ProcCluster.RANGES[i][1]) {
        return i;
      }
    }
    throw new IllegalArgumentException("slot " + slot);
  }

  static int slot(String key) {
    return SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
  }

  void start() {
    for (Writer w : threads) {
      w.start();
    }
  }

  /** The first key of the first writer (tests of the bookkeeping remove its first write). */
  String firstKey() {
    return threads.get(0).keys[0];
  }

  long acked() {
    long n = 0;
    for (int i = 0; i < 3; i++) {
      n += ackedByRange.get(i);
    }
    return n;
  }

  /** Stops the writers and waits for them (each finishes its command in flight). */
  void finish() {
    stop = true;
    try {
      for (Writer w : threads) {
        w.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    finish();
  }

  /** The outcome of {@link #verify}. */
  record Result(
      long keys,
      long acked,
      long okWrites,
      long lostAcked,
      long lostUnacked,
      long noWaitOk,
      long lostNoWait,
      String detail) {
    @Override
    public String toString() {
      return String.format(
          "%d keys; WAIT writers: %d writes answered, %d acked by WAIT; lost: %d acked, %d"
              + " answered; no-WAIT writers: %d writes answered, %d lost%s",
          keys,
          okWrites,
          acked,
          lostAcked,
          lostUnacked,
          noWaitOk,
          lostNoWait,
          detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  /**
   * Reads every key from its current owner (after {@link #finish}) and compares it with what was
   * acked and what was answered.
   */
  Result verify() {
    refresh();
    long keys = 0;
    long acked = 0;
    long ok = 0;
    long lostAcked = 0;
    long lostUnacked = 0;
    long noWaitOk = 0;
    long lostNoWait = 0;
    StringBuilder detail = new StringBuilder();
    for (Writer w : threads) {
      for (int k = 0; k < w.keys.length; k++) {
        keys++;
        Set<Long> present = read(w.keys[k]);
        if (!w.waits) {
          noWaitOk += w.okSeqs.get(k).size();
          for (long s : w.okSeqs.get(k)) {
            lostNoWait += present.contains(s) ? 0 : 1;
          }
          continue;
        }
        ok += w.okSeqs.get(k).size();
        acked += w.ackedSeqs.get(k).size();
        for (long s : w.ackedSeqs.get(k)) {
          if (!present.contains(s)) {
            lostAcked++;
            if (detail.length() < 300) {
              detail.append(w.keys[k]).append(" lacks acked ").append(s).append("; ");
            }
          }
        }
        for (long s : w.okSeqs.get(k)) {
          lostUnacked += present.contains(s) ? 0 : 1;
        }
      }
    }
    return new Result(
        keys, acked, ok, lostAcked, lostUnacked, noWaitOk, lostNoWait, detail.toString());
  }

  /** The numbers in a key's list (none when missing), following MOVED; bounded retries. */
  private Set<Long> read(String key) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = slotPort.get(slot(key));
      try (RespClient c = new RespClient("127.0.0.1", port, 2000)) {
        String r = c.call("LRANGE", key, "0", "-1");
        if (r.startsWith("*")) {
          Set<Long> out = new HashSet<>();
          String[] lines = r.split("\r\n");
          for (int i = 2; i < lines.length; i += 2) {
            out.add(Long.parseLong(lines[i]));
          }
          return out;
        }
        moved(r);
      } catch (RuntimeException e) {
        refresh();
      }
      pause(50);
    }
    throw new AssertionError("cannot read " + key);
  }

  /** Applies "-MOVED slot host:port"; other replies are ignored. */
  private void moved(String reply) {
    if (reply.startsWith("-MOVED ")) {
      String[] f = reply.trim().split(" ");
      int slot = Integer.parseInt(f[1]);
      slotPort.set(slot, Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1)));
    }
  }

  /** Rebuilds the slot map from the first seed that answers CLUSTER NODES. */
  void refresh() {
    for (int port : seeds) {
      String nodes = Node.bulk(callOnce(port, "CLUSTER", "NODES"));
      if (nodes.isEmpty()) {
        continue;
      }
      for (String line : nodes.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
          continue;
        }
        String addr = f[1].substring(0, f[1].indexOf('@'));
        int p = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
        for (int i = 8; i < f.length; i++) {
          if (f[i].startsWith("[")) {
            continue;
          }
          int dash = f[i].indexOf('-');
          int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
          int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1));
          for (int s = from; s <= to; s++) {
            slotPort.set(s, p);
          }
        }
      }
      return;
    }
  }

  private static String callOnce(int port, String... args) {
    try (RespClient c = new RespClient("127.0.0.1", port, 1000)) {
      return c.call(args);
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One writer: its keys, their sequence numbers, and what was acked. */
  private final class Writer extends Thread {
    final String[] keys;
    final long[] next;
    final List<List<Long>> ackedSeqs = new ArrayList<>();
    final List<List<Long>> okSeqs = new ArrayList<>();
    final boolean waits;
    private final Map<Integer, RespClient> conns = new HashMap<>();

    Writer(int t, boolean waits) {
      super("acked-load-" + t);
      this.waits = waits;
      setDaemon(true);
      List<String> ks = new ArrayList<>();
      int[] perRange = new int[3];
      for (int i = 0; ks.size() < 3 * KEYS_PER_RANGE; i++) {
        String k = prefix + "w" + t + ":" + i;
        int r = range(slot(k));
        if (perRange[r] < KEYS_PER_RANGE) {
          perRange[r]++;
          ks.add(k);
        }
      }
      keys = ks.toArray(new String[0]);
      next = new long[keys.length];
      for (int i = 0; i < keys.length; i++) {
        okSeqs.add(new ArrayList<>());
        ackedSeqs.add(new ArrayList<>());
      }
    }

    @Override
    public void run() {
      try {
        for (int op = 0; !stop && op < maxOps && System.nanoTime() < deadlineNanos; op++) {
          write(op % keys.length);
        }
      } finally {
        for (RespClient c : conns.values()) {
          c.close();
        }
      }
    }

    private void write(int k) {
      String key = keys[k];
      int slot = slot(key);
      int port = slotPort.get(slot);
      long seq = ++next[k];
      try {
        RespClient c = conns.computeIfAbsent(port, p -> new RespClient("127.0.0.1", p, 2000));
        String r = c.call("RPUSH", key, Long.toString(seq));
        if (!r.startsWith(":")) {
          errors.incrementAndGet();
          moved(r);
          if (!r.startsWith("-MOVED")) {
            pause(20);
          }
          return;
        }
        okSeqs.get(k).add(seq);
        okByRange.incrementAndGet(range(slot));
        if (!waits) {
          pause(1); // about 1000 writes/s: keeps going through the whole test, within maxOps
          return;
        }
        String w = c.call("WAIT", "1", "1000");
        if (w.startsWith(":") && Long.parseLong(w.substring(1).trim()) >= 1) {
          ackedSeqs.get(k).add(seq);
          ackedByRange.incrementAndGet(range(slot));
        } else {
          waitShort.incrementAndGet();
        }
      } catch (RuntimeException e) {
        errors.incrementAndGet();
        RespClient c = conns.remove(port);
        if (c != null) {
          c.close();
        }
        pause(20);
        refresh();
      }
    }
  }
}
