package io.cinnabar.keyspace;

/**
 * A value that COPY can duplicate. Collection types implement it so that a copied key never shares
 * mutable state with its source (Redis duplicates the whole object: dupStringObject, zsetDup,
 * listTypeDup, ...).
 */
public interface DeepCopyable {
  /** An independent copy of this value, with the same encoding. */
  Object deepCopy();
}
