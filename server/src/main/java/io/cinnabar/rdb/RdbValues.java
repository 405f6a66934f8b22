package io.cinnabar.rdb;

import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import java.io.IOException;

/**
 * The dispatch from value types to their {@link ValueCodec}s, both ways. A type without a codec
 * (streams, modules) loads with an "unsupported type" error.
 */
public final class RdbValues {
  private static final ValueCodec[] BY_VALUE_TYPE = new ValueCodec[16];
  private static final ValueCodec[] BY_RDB_TYPE = new ValueCodec[256];

  static {
    register(ValueType.STRING, new RdbStrings(), Rdb.TYPE_STRING);
    register(
        ValueType.LIST,
        new RdbLists(),
        Rdb.TYPE_LIST,
        Rdb.TYPE_LIST_ZIPLIST,
        Rdb.TYPE_LIST_QUICKLIST,
        Rdb.TYPE_LIST_QUICKLIST_2);
    register(
        ValueType.HASH,
        new RdbHashes(),
        Rdb.TYPE_HASH,
        Rdb.TYPE_HASH_ZIPMAP,
        Rdb.TYPE_HASH_ZIPLIST,
        Rdb.TYPE_HASH_LISTPACK);
    register(ValueType.SET, new RdbSets(), Rdb.TYPE_SET, Rdb.TYPE_SET_INTSET);
    register(
        ValueType.ZSET,
        new RdbZsets(),
        Rdb.TYPE_ZSET,
        Rdb.TYPE_ZSET_2,
        Rdb.TYPE_ZSET_ZIPLIST,
        Rdb.TYPE_ZSET_LISTPACK);
  }

  private RdbValues() {}

  /** Registers the codec of a value type and the RDB types it reads. */
  public static synchronized void register(byte valueType, ValueCodec codec, int... rdbTypes) {
    BY_VALUE_TYPE[valueType] = codec;
    for (int t : rdbTypes) {
      BY_RDB_TYPE[t] = codec;
    }
  }

  static ValueCodec forValueType(byte type) throws RdbException {
    ValueCodec c = type >= 0 && type < BY_VALUE_TYPE.length ? BY_VALUE_TYPE[type] : null;
    if (c == null) {
      throw new RdbException(
          "Saving values of type " + ValueType.typeName(type) + " is not supported yet");
    }
    return c;
  }

  /** Writes the type byte and the value (Redis's rdbSaveObjectType + rdbSaveObject). */
  public static void save(RdbOutput out, Object value, byte type, byte encoding)
      throws IOException, RdbException {
    ValueCodec c = forValueType(type);
    out.writeByte(c.rdbType(value, encoding));
    c.save(out, value, encoding);
  }

  /** True if {@code rdbType} is a value type byte (not an opcode) Redis 7.0 can write. */
  static boolean isValueType(int rdbType) {
    return (rdbType >= 0 && rdbType <= 7) || (rdbType >= 9 && rdbType <= 19);
  }

  /** Reads a value of the given RDB type; null when the value is empty. */
  public static ValueCodec.Loaded load(RdbInput in, int rdbType, Config config)
      throws RdbException {
    ValueCodec c = BY_RDB_TYPE[rdbType & 0xff];
    if (c == null) {
      if (!isValueType(rdbType)) {
        throw new RdbException("Unknown RDB encoding type " + rdbType);
      }
      throw new RdbException(
          "Unsupported RDB value type " + rdbType + " (" + describe(rdbType) + ")");
    }
    return c.load(in, rdbType, config);
  }

  private static String describe(int rdbType) {
    return switch (rdbType) {
      case Rdb.TYPE_STREAM_LISTPACKS, Rdb.TYPE_STREAM_LISTPACKS_2 -> "streams are not supported";
      case Rdb.TYPE_MODULE_2 -> "module values are not supported";
      default -> "not supported";
    };
  }
}
