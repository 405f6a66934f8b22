package io.cinnabar.rdb;

import io.cinnabar.commands.StringCommands;
import io.cinnabar.config.Config;
import io.cinnabar.keyspace.ValueType;
import java.io.IOException;

/** String values: RDB_TYPE_STRING with the int/LZF encodings of rdbSaveRawString. */
final class RdbStrings implements ValueCodec {
  @Override
  public int rdbType(Object value, byte encoding) {
    return Rdb.TYPE_STRING;
  }

  @Override
  public void save(RdbOutput out, Object value, byte encoding) throws IOException {
    out.writeString((byte[]) value);
  }

  @Override
  public Loaded load(RdbInput in, int rdbType, Config config) throws RdbException {
    byte[] v = in.readString();
    return new Loaded(v, ValueType.STRING, StringCommands.encodingFor(v));
  }
}
