package io.cinnabar.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.util.Bytes;
import org.junit.jupiter.api.Test;

/** Keyspace.activeExpireCycle without a server: deterministic clock, direct database access. */
class ActiveExpireTest {
  private static void fill(Database db, int n, String prefix, long expireAt) {
    for (int i = 0; i < n; i++) {
      Entry e =
          db.add(Bytes.ascii(prefix + i), Bytes.ascii("v"), ValueType.STRING, ValueType.ENC_RAW, 0);
      if (expireAt >= 0) {
        db.setExpire(e, expireAt);
      }
    }
  }

  @Test
  void repeatsWhileManySampledKeysAreExpired() {
    Keyspace ks = new Keyspace(16);
    Database db = ks.db(3);
    fill(db, 10_000, "gone", 1000);
    fill(db, 100, "kept", 10_000);
    fill(db, 100, "plain", -1);
    long expired = 0;
    for (int i = 0; i < 1000 && db.size() > 200; i++) {
      expired += ks.activeExpireCycle(2000, 10, 1);
    }
    assertThat(db.size()).isEqualTo(200);
    assertThat(expired).isEqualTo(10_000);
    assertThat(ks.stats().expiredKeys).isEqualTo(10_000);
    assertThat(db.expiresCount()).isEqualTo(100);
    assertThat(ks.stats().expiredStalePerc).isGreaterThan(0);
    // the survivors have a TTL of 8 s: the running average estimate is near it
    for (int i = 0; i < 50; i++) {
      ks.activeExpireCycle(2000, 10, 1);
    }
    assertThat(db.avgTtl()).isBetween(1000L, 8000L);
  }

  @Test
  void aMostlyLiveSampleEndsTheDatabaseQuickly() {
    Keyspace ks = new Keyspace(1);
    Database db = ks.db(0);
    fill(db, 5000, "live", 10_000);
    fill(db, 5, "dead", 1000);
    long expired = ks.activeExpireCycle(2000, 10, 1);
    // one batch of 20 keys, at most 5 of them expired (< 25% would continue; 10% ends it)
    assertThat(expired).isLessThanOrEqualTo(5);
    assertThat(db.size()).isGreaterThanOrEqualTo(5000);
  }

  @Test
  void everyExpiredKeyIsFoundWithinOneSweepOfTheCursor() {
    Keyspace ks = new Keyspace(1);
    Database db = ks.db(0);
    fill(db, 1000, "live", 10_000);
    fill(db, 3, "dead", 1000);
    // sequential batches of 20: 1003 keys are all tested within ~51 cycles
    for (int i = 0; i < 60; i++) {
      ks.activeExpireCycle(2000, 10, 1);
    }
    assertThat(db.size()).isEqualTo(1000);
  }

  @Test
  void fastCycleRunsOnlyAfterASlowCycleHitItsTimeLimit() {
    Keyspace ks = new Keyspace(1);
    Database db = ks.db(0);
    fill(db, 100, "dead", 1000);
    assertThat(ks.activeExpireCycleFast(2000, 1)).isZero();
    assertThat(db.size()).isEqualTo(100);
  }

  @Test
  void aCycleOutOfTimeStopsAndLetsFastCyclesContinue() {
    Keyspace ks = new Keyspace(16);
    Database db = ks.db(0);
    fill(db, 50_000, "dead", 1000);
    // at hz 1e6 the budget is 1 microsecond: the cycle stops at the first check (16 batches)
    long expired = ks.activeExpireCycle(2000, 1_000_000, 1);
    assertThat(expired).isEqualTo(16 * 20);
    assertThat(ks.stats().expiredTimeCapReached).isEqualTo(1);
    assertThat(ks.activeExpireCycleFast(2000, 1)).isPositive();
  }

  @Test
  void higherEffortAcceptsFewerStaleKeys() {
    // one key in 20 is expired: 5% per batch, above effort 10's 1% but within effort 1's 10%
    for (int effort : new int[] {1, 10}) {
      Keyspace ks = new Keyspace(1);
      Database db = ks.db(0);
      for (int i = 0; i < 5000; i++) {
        fill(db, 1, (i % 20 == 0 ? "dead" : "live") + i + "_", i % 20 == 0 ? 1000 : 10_000);
      }
      long expired = ks.activeExpireCycle(2000, 10, effort);
      if (effort == 1) {
        assertThat(expired).isLessThanOrEqualTo(2);
      } else {
        assertThat(expired).isEqualTo(250);
      }
    }
  }
}
