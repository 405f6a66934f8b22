package io.cinnabar.bench;

import io.cinnabar.protocol.QueryBuffer;
import io.cinnabar.protocol.Request;
import io.cinnabar.protocol.RespParser;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/** RespParser alone: one multibulk SET (and an inline PING) appended, parsed and compacted. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RespParserBench {
  private final QueryBuffer qb = new QueryBuffer(16 * 1024);
  private final Request req = new Request();
  private final RespParser parser = new RespParser();
  private byte[] multibulk;
  private byte[] inline;

  @Setup
  public void setup() {
    multibulk =
        "*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$3\r\nxxx\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    inline = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  private int parse(byte[] b) {
    qb.append(b, 0, b.length);
    int r = parser.parse(qb, req, 512L << 20, true);
    qb.compact(16 * 1024);
    return r + req.argc;
  }

  @Benchmark
  public int multibulkSet() {
    return parse(multibulk);
  }

  @Benchmark
  public int inlinePing() {
    return parse(inline);
  }
}
