package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import java.io.IOException;

/**
 * Serializes the values of one data type (Redis's rdbSaveObject / rdbLoadObject for that type). One
 * implementation per type, registered in {@link RdbValues}.
 */
public interface ValueCodec {
  /** A loaded value with the type and encoding its entry gets. */
  record Loaded(Object value, byte type, byte encoding) {}

  /** The RDB type byte Redis writes for a value of this encoding. */
  int rdbType(Object value, byte encoding);

  /** Writes the value (without its type byte). */
  void save(RdbOutput out, Object value, byte encoding) throws IOException;

  /**
   * Reads a value of RDB type {@code rdbType}; null if it is empty (Redis skips empty keys on load
   * and rejects them in RESTORE). The config gives the encoding thresholds.
   */
  Loaded load(RdbInput in, int rdbType, Config config) throws RdbException;
}
