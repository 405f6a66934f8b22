package io.cinnabar.fault;

import io.cinnabar.testkit.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A real cluster client (JedisCluster, Lettuce) writing and reading back keys in every primary's
 * slot range from one thread, counting successes per range: "the client continues" means its
 * successes on the failed range grow again after the fault. Bounded in operations and time.
 */
final class ClientLoad implements AutoCloseable {
  private final Thread thread;
  private volatile boolean stop;
  final AtomicLongArray okByRange = new AtomicLongArray(3);
  final AtomicLong errors = new AtomicLong();
  final AtomicReference<String> lastError = new AtomicReference<>("");

  ClientLoad(
      String name,
      BiConsumer<String, String> set,
      Function<String, String> get,
      int maxOps,
      long maxMillis) {
    List<String> keys = new ArrayList<>();
    int[] per = new int[3];
    for (int i = 0; keys.size() < 30; i++) {
      String k = name + ":" + i;
      int r = AckedLoad.range(AckedLoad.slot(k));
      if (per[r] < 10) {
        per[r]++;
        keys.add(k);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    thread =
        new Thread(
            () -> {
              for (int op = 0; !stop && op < maxOps && System.nanoTime() < deadline; op++) {
                String k = keys.get(op % keys.size());
                String v = Integer.toString(op);
                try {
                  set.accept(k, v);
                  if (v.equals(get.apply(k))) {
                    okByRange.incrementAndGet(AckedLoad.range(AckedLoad.slot(k)));
                  }
                } catch (RuntimeException e) {
                  errors.incrementAndGet();
                  lastError.set(e.toString());
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException ie) {
                    return;
                  }
                }
              }
            },
            name + "-load");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until this client's successes on {@code range} grow by {@code n} beyond now. */
  void awaitProgress(int range, int n, long timeoutMillis, String what)
      throws InterruptedException {
    long from = okByRange.get(range);
    Await.until(
        what + " (errors " + errors.get() + ", last " + lastError.get() + ")",
        timeoutMillis,
        () -> okByRange.get(range) >= from + n);
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
