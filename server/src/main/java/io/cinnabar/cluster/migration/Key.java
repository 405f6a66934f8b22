package io.cinnabar.cluster.migration;

import java.util.Arrays;

/** A key as a hash-set member (byte content equality). */
record Key(byte[] bytes) {
  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }
}
