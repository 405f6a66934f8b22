package io.cinnabar.bench;

import io.cinnabar.keyspace.Dict;
import io.cinnabar.keyspace.Entry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Dict lookups by slice (hit and miss) and a remove + add of one key, at a given size. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DictBench {
  @Param({"1000", "1000000"})
  public int size;

  private final Dict dict = new Dict();
  private byte[][] keys;
  private byte[] missing;
  private int next;

  @Setup
  public void setup() {
    keys = new byte[size][];
    for (int i = 0; i < size; i++) {
      keys[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
      dict.add(new Entry(keys[i], keys[i], (byte) 0, (byte) 0));
    }
    while (dict.isRehashing()) {
      dict.rehashStep(100);
    }
    missing = "key:nosuchkey000".getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] nextKey() {
    int i = next++;
    if (next == size) {
      next = 0;
    }
    return keys[i];
  }

  @Benchmark
  public Entry getHit() {
    byte[] k = nextKey();
    return dict.get(k, 0, k.length);
  }

  @Benchmark
  public Entry getMiss() {
    return dict.get(missing, 0, missing.length);
  }

  /** Removes a key and adds it back with a new entry (the entry allocation is inherent). */
  @Benchmark
  public int removeAdd() {
    byte[] k = nextKey();
    Entry e = dict.remove(k, 0, k.length);
    dict.add(new Entry(k, e.value(), (byte) 0, (byte) 0));
    return dict.size();
  }
}
