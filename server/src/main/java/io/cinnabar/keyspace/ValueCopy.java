package io.cinnabar.keyspace;

/** Deep copies of stored values, for COPY. */
public final class ValueCopy {
  private ValueCopy() {}

  /**
   * An independent copy of {@code value}: byte[] strings are cloned (they may later be changed in
   * place, e.g. by APPEND or SETRANGE); other types must implement {@link DeepCopyable}.
   */
  public static Object of(Object value) {
    if (value instanceof byte[] b) {
      return b.clone();
    }
    if (value instanceof DeepCopyable d) {
      return d.deepCopy();
    }
    throw new IllegalStateException("value type cannot be copied: " + value.getClass().getName());
  }
}
