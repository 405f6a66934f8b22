package io.cinnabar.keyspace;

/** Value types and encodings, with the names TYPE and OBJECT ENCODING report. */
public final class ValueType {
  private ValueType() {}

  public static final byte STRING = 0;
  public static final byte LIST = 1;
  public static final byte SET = 2;
  public static final byte ZSET = 3;
  public static final byte HASH = 4;
  public static final byte STREAM = 6;

  public static final byte ENC_RAW = 0;
  public static final byte ENC_INT = 1;
  public static final byte ENC_HASHTABLE = 2;
  public static final byte ENC_INTSET = 6;
  public static final byte ENC_SKIPLIST = 7;
  public static final byte ENC_EMBSTR = 8;
  public static final byte ENC_QUICKLIST = 9;
  public static final byte ENC_STREAM = 10;
  public static final byte ENC_LISTPACK = 11;

  /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
  public static final int EMBSTR_LIMIT = 44;

  public static String typeName(byte type) {
    return switch (type) {
      case STRING -> "string";
      case LIST -> "list";
      case SET -> "set";
      case ZSET -> "zset";
      case HASH -> "hash";
      case STREAM -> "stream";
      default -> "unknown";
    };
  }

  public static String encodingName(byte enc) {
    return switch (enc) {
      case ENC_RAW -> "raw";
      case ENC_INT -> "int";
      case ENC_HASHTABLE -> "hashtable";
      case ENC_INTSET -> "intset";
      case ENC_SKIPLIST -> "skiplist";
      case ENC_EMBSTR -> "embstr";
      case ENC_QUICKLIST -> "quicklist";
      case ENC_STREAM -> "stream";
      case ENC_LISTPACK -> "listpack";
      default -> "unknown";
    };
  }
}
