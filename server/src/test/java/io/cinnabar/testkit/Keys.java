package io.cinnabar.testkit;

import io.cinnabar.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/** Keys chosen by hash slot. */
public final class Keys {
  private Keys() {}

  /** The first of "k0", "k1", ... that hashes to {@code slot}: a key there, or a hash tag. */
  public static String inSlot(int slot) {
    for (int i = 0; ; i++) {
      String k = "k" + i;
      if (SlotHash.slot(k.getBytes(StandardCharsets.US_ASCII)) == slot) {
        return k;
      }
    }
  }
}
