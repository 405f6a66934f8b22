package io.cinnabar.bench;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collection commands redis-benchmark drives (LPUSH/LPOP, HSET, LRANGE) on the server path
 * without sockets, as {@link ServerPathBench}. Each benchmark leaves the data as it found it, so
 * the numbers do not drift with the run length. Run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DataTypePathBench {
  private EmbeddedServer server;
  private ByteBuf lpush;
  private ByteBuf lpop;
  private ByteBuf hset;
  private ByteBuf lrange100;

  @Setup
  public void setup() {
    server = new EmbeddedServer();
    lpush = EmbeddedServer.command("LPUSH", "mylist", "xxx");
    lpop = EmbeddedServer.command("LPOP", "mylist");
    hset = EmbeddedServer.command("HSET", "myhash", "element:000000000042", "xxx");
    lrange100 = EmbeddedServer.command("LRANGE", "biglist", "0", "99");
    for (int i = 0; i < 1000; i++) {
      server.call(EmbeddedServer.command("LPUSH", "mylist", "xxx"));
      server.call(EmbeddedServer.command("LPUSH", "biglist", "xxx"));
      server.call(EmbeddedServer.command("HSET", "myhash", String.format("element:%012d", i), "x"));
    }
    check(server.text(hset), ":0\r\n");
    check(server.text(lpush), ":1001\r\n");
    check(server.text(lpop), "$3\r\nxxx\r\n");
  }

  private static void check(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw new IllegalStateException("expected " + expected + " got " + actual);
    }
  }

  @TearDown
  public void tearDown() {
    server.close();
  }

  /** One LPUSH and one LPOP: the list keeps its length. */
  @Benchmark
  public int lpushLpop() {
    return server.call(lpush) + server.call(lpop);
  }

  /** HSET of an existing field of a 1000-field hash (hashtable encoding). */
  @Benchmark
  public int hset() {
    return server.call(hset);
  }

  @Benchmark
  public int lrange100() {
    return server.call(lrange100);
  }
}
