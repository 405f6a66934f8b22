package io.cinnabar.server;

/** Server-wide counters for INFO (keyspace thread only, except where noted). */
public final class ServerStats {
  public long totalConnections;
  public long rejectedConnections;
  public long commandsProcessed;
  public long netInputBytes;
  public long netOutputBytes;

  /** Bytes read from my primary (its RDB and stream) and sent to my replicas, as Redis 7.0. */
  public long netReplInputBytes;

  public long netReplOutputBytes;
  public long totalErrorReplies;
  public long unexpectedErrorReplies;
  public long readsProcessed;
  public long writesProcessed;

  /** Highest used_memory seen (INFO memory's used_memory_peak). */
  public long peakMemory;

  /** errorstat_&lt;CODE&gt;:count. */
  public final java.util.Map<String, Long> errorCodes = new java.util.TreeMap<>();

  // instantaneous_ops_per_sec: samples of the command count every 100 ms, like Redis's
  // trackInstantaneousMetric.
  private static final int SAMPLES = 16;
  private final long[] opsSamples = new long[SAMPLES];
  private int sampleIdx;
  private long lastSampleTime;
  private long lastSampleCount;

  public void reset() {
    totalConnections = rejectedConnections = commandsProcessed = 0;
    netInputBytes = netOutputBytes = totalErrorReplies = unexpectedErrorReplies = 0;
    netReplInputBytes = netReplOutputBytes = 0;
    readsProcessed = writesProcessed = 0;
    errorCodes.clear();
    java.util.Arrays.fill(opsSamples, 0);
  }

  void sampleOps(long nowMs) {
    if (lastSampleTime == 0) {
      lastSampleTime = nowMs;
      lastSampleCount = commandsProcessed;
      return;
    }
    long dt = nowMs - lastSampleTime;
    if (dt < 100) {
      return;
    }
    long ops = commandsProcessed - lastSampleCount;
    opsSamples[sampleIdx] = ops * 1000 / dt;
    sampleIdx = (sampleIdx + 1) % SAMPLES;
    lastSampleTime = nowMs;
    lastSampleCount = commandsProcessed;
  }

  public long instantaneousOpsPerSec() {
    long sum = 0;
    for (long s : opsSamples) {
      sum += s;
    }
    return sum / SAMPLES;
  }
}
