package io.cinnabar.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.SlotHash;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cluster-mode keyspace: one dict per slot, behaving as one database. */
class SlotKeyspaceTest {
  private static Database clusterDb() {
    return new Keyspace(16, true).db(0);
  }

  private static Entry add(Database db, String k) {
    return db.add(Bytes.ascii(k), Bytes.ascii("v" + k), ValueType.STRING, ValueType.ENC_RAW, 0);
  }

  @Test
  void clusterModeHasOneDatabase() {
    Keyspace ks = new Keyspace(16, true);
    assertThat(ks.databases()).isEqualTo(1);
    assertThat(ks.db(0).perSlot()).isTrue();
    assertThat(new Keyspace(16).db(0).perSlot()).isFalse();
  }

  @Test
  void addLookupDeleteAcrossSlotsKeepsSizeAndSlotCounts() {
    Database db = clusterDb();
    int n = 20_000;
    int[] perSlot = new int[SlotHash.SLOTS];
    for (int i = 0; i < n; i++) {
      add(db, "key:" + i);
      perSlot[SlotHash.slot(Bytes.ascii("key:" + i))]++;
    }
    assertThat(db.size()).isEqualTo(n);
    for (int i = 0; i < n; i += 7) {
      assertThat(db.lookupWrite(Bytes.ascii("key:" + i), 0)).isNotNull();
    }
    assertThat(db.lookupWrite(Bytes.ascii("nope"), 0)).isNull();
    for (int s = 0; s < SlotHash.SLOTS; s += 97) {
      assertThat(db.countKeysInSlot(s)).isEqualTo(perSlot[s]);
      List<byte[]> keys = db.keysInSlot(s, 1000);
      assertThat(keys).hasSize(perSlot[s]);
      for (byte[] k : keys) {
        assertThat(SlotHash.slot(k)).isEqualTo(s);
      }
      assertThat(db.keysInSlot(s, 1)).hasSize(Math.min(1, perSlot[s]));
    }
    for (int i = 0; i < n; i += 2) {
      assertThat(db.delete(Bytes.ascii("key:" + i), 0, ("key:" + i).length())).isTrue();
    }
    assertThat(db.size()).isEqualTo(n / 2);
    assertThat(db.flush()).isEqualTo(n / 2);
    assertThat(db.size()).isZero();
    assertThat(db.randomKey(0)).isNull();
    assertThat(db.scan(0, e -> {})).isZero();
  }

  @Test
  void ttlAndPersistWorkPerSlot() {
    Database db = clusterDb();
    Entry e = add(db, "{t}a");
    add(db, "{t}b");
    db.setExpire(e, 100);
    assertThat(db.expiresCount()).isEqualTo(1);
    assertThat(db.lookupWrite(Bytes.ascii("{t}a"), 50)).isNotNull();
    assertThat(db.lookupWrite(Bytes.ascii("{t}a"), 100)).isNull(); // expired and deleted
    assertThat(db.countKeysInSlot(SlotHash.slot(Bytes.ascii("t")))).isEqualTo(1);
    Entry b = db.setExpire(db.lookupWrite(Bytes.ascii("{t}b"), 0), 10);
    Entry plain = db.persist(b);
    assertThat(db.lookupWrite(Bytes.ascii("{t}b"), 1000)).isSameAs(plain);
  }

  @Test
  void randomKeyReachesEveryKey() {
    Database db = clusterDb();
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      add(db, "r" + i);
      all.add("r" + i);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000 && seen.size() < all.size(); i++) {
      seen.add(Bytes.latin1(db.randomKey(0).key()));
    }
    assertThat(seen).isEqualTo(all);
  }

  /**
   * SCAN's guarantee across slots: a key present for the whole iteration is returned, whatever is
   * added or removed (slots emptied and refilled, dicts growing and shrinking) between calls.
   */
  @Test
  void scanReturnsEveryKeyPresentThroughoutDespiteChanges() {
    Random rnd = new Random(42);
    for (int round = 0; round < 6; round++) {
      // odd rounds put keys in 4 slots (hash tags) so per-slot dicts grow, shrink and rehash
      String tag = round % 2 == 0 ? "" : "{t%d}";
      Database db = clusterDb();
      Map<String, Boolean> stable = new HashMap<>();
      List<String> volatileKeys = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        String k = String.format(tag, i % 4) + "s" + round + ":" + i;
        add(db, k);
        stable.put(k, false);
      }
      long cursor = 0;
      int next = 0;
      int calls = 0;
      do {
        cursor =
            db.scan(
                cursor,
                e -> {
                  String k = Bytes.latin1(e.key());
                  if (stable.containsKey(k)) {
                    stable.put(k, true);
                  }
                });
        calls++;
        // churn: add a batch (growing dicts), delete some volatile keys (emptying slots)
        for (int j = 0; j < rnd.nextInt(40); j++) {
          String k = String.format(tag, next % 4) + "v" + round + ":" + next++;
          add(db, k);
          volatileKeys.add(k);
        }
        for (int j = 0; j < rnd.nextInt(40) && !volatileKeys.isEmpty(); j++) {
          String k = volatileKeys.remove(rnd.nextInt(volatileKeys.size()));
          db.delete(Bytes.ascii(k), 0, k.length());
        }
        if (rnd.nextInt(10) == 0) {
          db.cron(); // shrinks and rehashes
        }
      } while (cursor != 0 && calls < 1_000_000);
      assertThat(cursor).isZero();
      assertThat(stable.values()).doesNotContain(false);
    }
  }

  @Test
  void forEachVisitsAllAndMemoryShrinksWhenEmpty() {
    Database db = clusterDb();
    long empty = db.memory();
    for (int i = 0; i < 1000; i++) {
      add(db, "m" + i);
    }
    int[] n = new int[1];
    db.forEach(e -> n[0]++);
    assertThat(n[0]).isEqualTo(1000);
    assertThat(db.memory()).isGreaterThan(empty);
    for (int i = 0; i < 1000; i++) {
      db.delete(Bytes.ascii("m" + i), 0, ("m" + i).length());
    }
    assertThat(db.memory()).isEqualTo(empty);
  }

  @Test
  void standaloneSlotQueriesFilterByHash() {
    Database db = new Keyspace(1).db(0);
    add(db, "{x}1");
    add(db, "{x}2");
    add(db, "other");
    int slot = SlotHash.slot(Bytes.ascii("x"));
    assertThat(db.countKeysInSlot(slot)).isEqualTo(2);
    assertThat(db.keysInSlot(slot, 10)).hasSize(2);
  }
}
