package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotMapTest {
  private static final int NONE = ClusterTopology.NONE;

  /**
   * Random batches of changes against a flat array model: values, counts, and the parent untouched.
   */
  @Test
  void agreesWithAFlatArray() {
    Random r = new Random(7);
    short[] model = new short[SlotHash.SLOTS];
    for (int s = 0; s < model.length; s++) {
      model[s] = (short) (s * 3 / SlotHash.SLOTS);
    }
    SlotMap map = SlotMap.of(model);
    assertThat(map.counts(4)).containsExactly(5462, 5461, 5461, 0);
    for (int round = 0; round < 300; round++) {
      int n = 1 + r.nextInt(20);
      int[] slots = new int[n];
      int[] values = new int[n];
      for (int k = 0; k < n; k++) {
        slots[k] = r.nextInt(SlotHash.SLOTS);
        values[k] = r.nextInt(5) - 1; // NONE or a node 0..3
      }
      short[] before = model.clone();
      SlotMap parent = map;
      map = map.with(slots, values, n);
      for (int k = 0; k < n; k++) {
        model[slots[k]] = (short) values[k];
      }
      for (int s = 0; s < SlotHash.SLOTS; s++) {
        assertThat(map.get(s)).isEqualTo(model[s]);
        assertThat(parent.get(s)).isEqualTo(before[s]);
      }
      int[] expected = new int[4];
      for (short v : model) {
        if (v != NONE) {
          expected[v]++;
        }
      }
      assertThat(map.counts(4)).containsExactly(expected);
    }
  }

  @Test
  void anUnchangedWriteReturnsTheSameMap() {
    SlotMap m = SlotMap.EMPTY.with(100, 2);
    assertThat(m.with(100, 2)).isSameAs(m);
    assertThat(SlotMap.EMPTY.isEmpty()).isTrue();
    assertThat(m.isEmpty()).isFalse();
    assertThat(m.with(100, NONE).isEmpty()).isTrue();
  }

  /** A node index beyond the counted ones is counted once asked for with more nodes. */
  @Test
  void countsGrowWithTheNodeList() {
    short[] flat = new short[SlotHash.SLOTS];
    Arrays.fill(flat, (short) 0);
    SlotMap m = SlotMap.of(flat);
    assertThat(m.counts(1)).containsExactly(SlotHash.SLOTS);
    SlotMap moved = m.with(new int[] {1, 2}, new int[] {5, 5}, 2);
    assertThat(moved.counts(6)).containsExactly(SlotHash.SLOTS - 2, 0, 0, 0, 0, 2);
  }
}
