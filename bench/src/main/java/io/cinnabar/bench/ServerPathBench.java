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
 * A whole request on the server path, without sockets: bytes in (ClientHandler.channelRead), query
 * buffer, RespParser, Dispatcher, the command, Reply into the output buffer, flush. Run with {@code
 * -prof gc}: gc.alloc.rate.norm is what one request allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServerPathBench {
  private EmbeddedServer server;
  private ByteBuf ping;
  private ByteBuf get;
  private ByteBuf getMissing;
  private ByteBuf set;

  @Setup
  public void setup() {
    server = new EmbeddedServer();
    ping = EmbeddedServer.command("PING");
    get = EmbeddedServer.command("GET", "key:000000000042");
    getMissing = EmbeddedServer.command("GET", "key:nosuchkey000");
    set = EmbeddedServer.command("SET", "key:000000000042", "xxx");
    for (int i = 0; i < 1000; i++) {
      server.call(EmbeddedServer.command("SET", String.format("key:%012d", i), "xxx"));
    }
    check(server.text(ping), "+PONG\r\n");
    check(server.text(get), "$3\r\nxxx\r\n");
    check(server.text(set), "+OK\r\n");
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

  @Benchmark
  public int ping() {
    return server.call(ping);
  }

  @Benchmark
  public int get() {
    return server.call(get);
  }

  @Benchmark
  public int getMissing() {
    return server.call(getMissing);
  }

  @Benchmark
  public int set() {
    return server.call(set);
  }
}
