package io.cinnabar.testkit;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes: the tests' one replacement for sleeps. */
public final class Await {
  private Await() {}

  /** Waits up to {@code timeoutMillis} for {@code cond}; fails naming {@code what} otherwise. */
  public static void until(String what, long timeoutMillis, BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
