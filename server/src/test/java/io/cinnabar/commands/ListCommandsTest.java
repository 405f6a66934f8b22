package io.cinnabar.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.keyspace.Database;
import io.cinnabar.keyspace.ValueType;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import io.cinnabar.type.list.QuickList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** List commands end to end; every expected reply was checked against redis-server 7.0.15. */
class ListCommandsTest {
  private static final String OK = "+OK\r\n";
  private static final String NIL = "$-1\r\n";
  private static final String NIL_ARRAY = "*-1\r\n";
  private static final String EMPTY = "*0\r\n";
  private static final String SYNTAX = "-ERR syntax error\r\n";
  private static final String NOT_INT = "-ERR value is not an integer or out of range\r\n";
  private static final String WRONGTYPE =
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

  private static TestServer server;
  private static RespClient c;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    c = server.client();
  }

  @AfterAll
  static void stop() {
    c.close();
    server.close();
  }

  @BeforeEach
  void flush() {
    assertThat(c.call("FLUSHALL")).isEqualTo(OK);
  }

  private static String bulks(String... items) {
    StringBuilder sb = new StringBuilder("*" + items.length + "\r\n");
    for (String s : items) {
      sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void pushPopAndEmptiedKeyIsDeleted() {
    assertThat(c.call("RPUSH", "l", "a", "b", "c")).isEqualTo(":3\r\n");
    assertThat(c.call("LPUSH", "l", "x", "y")).isEqualTo(":5\r\n");
    assertThat(c.call("LRANGE", "l", "0", "-1")).isEqualTo(bulks("y", "x", "a", "b", "c"));
    assertThat(c.call("LPOP", "l")).isEqualTo("$1\r\ny\r\n");
    assertThat(c.call("RPOP", "l", "2")).isEqualTo(bulks("c", "b"));
    assertThat(c.call("LPOP", "l", "0")).isEqualTo(EMPTY);
    assertThat(c.call("LPOP", "l", "5")).isEqualTo(bulks("x", "a"));
    assertThat(c.call("EXISTS", "l")).isEqualTo(":0\r\n");
    assertThat(c.call("LPOP", "l")).isEqualTo(NIL);
    assertThat(c.call("LPOP", "l", "2")).isEqualTo(NIL_ARRAY);
    assertThat(c.call("LPOP", "l", "-1"))
        .isEqualTo("-ERR value is out of range, must be positive\r\n");
    assertThat(c.call("LPOP", "l", "1", "2"))
        .isEqualTo("-ERR wrong number of arguments for 'lpop' command\r\n");
    assertThat(c.call("LPUSHX", "l", "a")).isEqualTo(":0\r\n");
    assertThat(c.call("SET", "s", "v")).isEqualTo(OK);
    assertThat(c.call("RPUSH", "s", "a")).isEqualTo(WRONGTYPE);
    assertThat(c.call("LLEN", "s")).isEqualTo(WRONGTYPE);
  }

  @Test
  void resp3NullsForPops() {
    try (RespClient c3 = server.client()) {
      c3.call("HELLO", "3");
      assertThat(c3.call("LPOP", "nokey")).isEqualTo("_\r\n");
      assertThat(c3.call("LPOP", "nokey", "2")).isEqualTo("_\r\n");
      assertThat(c3.call("LMPOP", "1", "nokey", "LEFT")).isEqualTo("_\r\n");
      assertThat(c3.call("LMOVE", "nokey", "x", "LEFT", "RIGHT")).isEqualTo("_\r\n");
    }
  }

  @Test
  void indexSetInsertRemTrim() {
    c.call("RPUSH", "l", "a", "b", "c", "a", "b", "c");
    assertThat(c.call("LINDEX", "l", "-1")).isEqualTo("$1\r\nc\r\n");
    assertThat(c.call("LINDEX", "l", "6")).isEqualTo(NIL);
    assertThat(c.call("LINDEX", "l", "x")).isEqualTo(NOT_INT);
    assertThat(c.call("LSET", "l", "1", "B")).isEqualTo(OK);
    assertThat(c.call("LSET", "l", "10", "B")).isEqualTo("-ERR index out of range\r\n");
    assertThat(c.call("LSET", "nokey", "0", "B")).isEqualTo("-ERR no such key\r\n");
    assertThat(c.call("LINSERT", "l", "AFTER", "c", "X")).isEqualTo(":7\r\n");
    assertThat(c.call("LINSERT", "l", "before", "zz", "X")).isEqualTo(":-1\r\n");
    assertThat(c.call("LINSERT", "l", "middle", "c", "X")).isEqualTo(SYNTAX);
    assertThat(c.call("LREM", "l", "-1", "a")).isEqualTo(":1\r\n");
    assertThat(c.call("LRANGE", "l", "0", "-1")).isEqualTo(bulks("a", "B", "c", "X", "b", "c"));
    assertThat(c.call("LTRIM", "l", "1", "-2")).isEqualTo(OK);
    assertThat(c.call("LRANGE", "l", "0", "-1")).isEqualTo(bulks("B", "c", "X", "b"));
    assertThat(c.call("LTRIM", "l", "5", "1")).isEqualTo(OK);
    assertThat(c.call("EXISTS", "l")).isEqualTo(":0\r\n");
  }

  @Test
  void lposOptionsAndErrors() {
    c.call("RPUSH", "p", "a", "b", "c", "a", "b", "c", "a");
    assertThat(c.call("LPOS", "p", "a")).isEqualTo(":0\r\n");
    assertThat(c.call("LPOS", "p", "a", "RANK", "-1")).isEqualTo(":6\r\n");
    assertThat(c.call("LPOS", "p", "a", "COUNT", "0")).isEqualTo("*3\r\n:0\r\n:3\r\n:6\r\n");
    assertThat(c.call("LPOS", "p", "a", "RANK", "-2", "COUNT", "2"))
        .isEqualTo("*2\r\n:3\r\n:0\r\n");
    assertThat(c.call("LPOS", "p", "a", "COUNT", "0", "MAXLEN", "4"))
        .isEqualTo("*2\r\n:0\r\n:3\r\n");
    assertThat(c.call("LPOS", "p", "a", "RANK", "0"))
        .isEqualTo(
            "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ..."
                + " or use negative to start from the end of the list\r\n");
    assertThat(c.call("LPOS", "p", "a", "COUNT", "-1"))
        .isEqualTo("-ERR COUNT can't be negative\r\n");
    assertThat(c.call("LPOS", "p", "a", "MAXLEN", "x"))
        .isEqualTo("-ERR MAXLEN can't be negative\r\n");
    assertThat(c.call("LPOS", "p", "a", "RANK")).isEqualTo(SYNTAX);
    assertThat(c.call("LPOS", "nokey", "a", "COUNT", "1")).isEqualTo(EMPTY);
  }

  @Test
  void moveAndMpop() {
    c.call("RPUSH", "a", "1", "2", "3");
    assertThat(c.call("LMOVE", "a", "b", "LEFT", "RIGHT")).isEqualTo("$1\r\n1\r\n");
    assertThat(c.call("RPOPLPUSH", "a", "a")).isEqualTo("$1\r\n3\r\n");
    assertThat(c.call("LRANGE", "a", "0", "-1")).isEqualTo(bulks("3", "2"));
    assertThat(c.call("LMOVE", "a", "b", "UP", "LEFT")).isEqualTo(SYNTAX);
    assertThat(c.call("LMPOP", "2", "nokey", "a", "RIGHT", "COUNT", "10"))
        .isEqualTo("*2\r\n$1\r\na\r\n" + bulks("2", "3"));
    assertThat(c.call("EXISTS", "a")).isEqualTo(":0\r\n");
    assertThat(c.call("LMPOP", "0", "a", "LEFT"))
        .isEqualTo("-ERR numkeys should be greater than 0\r\n");
    assertThat(c.call("LMPOP", "1", "a", "LEFT", "COUNT", "0"))
        .isEqualTo("-ERR count should be greater than 0\r\n");
    assertThat(c.call("LMPOP", "5", "a", "LEFT")).isEqualTo(SYNTAX);
    assertThat(c.call("LMPOP", "1", "a", "LEFT")).isEqualTo(NIL_ARRAY);
  }

  @Test
  void typeEncodingDigestAndCopy() {
    c.call("RPUSH", "l", "a", "b", "c");
    assertThat(c.call("TYPE", "l")).isEqualTo("+list\r\n");
    assertThat(c.call("OBJECT", "ENCODING", "l")).isEqualTo("$9\r\nquicklist\r\n");
    assertThat(c.call("COPY", "l", "m")).isEqualTo(":1\r\n");
    c.call("RPUSH", "m", "d");
    assertThat(c.call("LLEN", "l")).isEqualTo(":3\r\n");
    assertThat(c.call("LLEN", "m")).isEqualTo(":4\r\n");
  }

  @Test
  void fillFromConfigSplitsNodesAndMemoryIsAccounted() {
    Database db = server.server.context().keyspace.db(0);
    long empty = db.memory();
    c.call("CONFIG", "SET", "list-max-listpack-size", "4");
    try {
      String[] args = new String[102];
      args[0] = "RPUSH";
      args[1] = "l";
      for (int i = 0; i < 100; i++) {
        args[i + 2] = "e" + i;
      }
      assertThat(c.call(args)).isEqualTo(":100\r\n");
      QuickList q = (QuickList) db.peek("l".getBytes()).value();
      assertThat(q.nodeCount()).isEqualTo(25);
      assertThat(db.memory() - empty).isGreaterThan(q.memoryBytes());
      assertThat(c.call("LINDEX", "l", "57")).isEqualTo("$3\r\ne57\r\n");
      c.call("DEL", "l");
      assertThat(db.memory()).isEqualTo(empty);
      assertThat(db.peek("l".getBytes())).isNull();
      assertThat(ValueType.encodingName(ValueType.ENC_QUICKLIST)).isEqualTo("quicklist");
    } finally {
      c.call("CONFIG", "SET", "list-max-listpack-size", "-2");
    }
  }
}
