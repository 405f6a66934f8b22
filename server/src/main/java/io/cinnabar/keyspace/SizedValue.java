package io.cinnabar.keyspace;

/** A value that knows its approximate memory footprint (for used_memory and eviction). */
public interface SizedValue {
  long memoryBytes();
}
