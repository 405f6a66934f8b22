package io.cinnabar.cluster.migration;

import io.cinnabar.protocol.Reply;
import java.util.BitSet;

/**
 * One atomic slot migration as one node sees it: an export (source side) or an import (target
 * side). What CLUSTER GETSLOTMIGRATIONS reports, with Valkey 9.0's field names plus progress
 * counters (keys, bytes, elapsed time). Keyspace thread only.
 */
abstract class MigrationJob {
  static final String CONNECTING = "connecting";
  static final String SYNCING = "syncing";
  static final String FINISHING = "finishing";
  static final String SUCCESS = "success";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";

  final String name;
  final BitSet slots;
  final String sourceId;
  final String targetId;
  final long createMs = System.currentTimeMillis();
  long updateMs = createMs;
  long ackMs;
  long endMs;
  String state;
  String message = "";

  MigrationJob(String name, BitSet slots, String sourceId, String targetId, String state) {
    this.name = name;
    this.slots = slots;
    this.sourceId = sourceId;
    this.targetId = targetId;
    this.state = state;
  }

  abstract String operation();

  /** Keys moved so far (sent by the source, held by the target). */
  abstract long keys();

  /** Keys to move in all (known on the source side; -1 when unknown). */
  abstract long keysTotal();

  abstract long bytes();

  /** The longest single event-loop turn of this job's work on this node (microseconds). */
  long longestTurnUs() {
    return 0;
  }

  /** As {@link #longestTurnUs}, in thread CPU time (without GC pauses and preemption). */
  long longestTurnCpuUs() {
    return 0;
  }

  boolean active() {
    return !state.equals(SUCCESS) && !state.equals(FAILED) && !state.equals(CANCELLED);
  }

  void setState(String s, String msg) {
    state = s;
    message = msg == null ? "" : msg;
    updateMs = System.currentTimeMillis();
    if (!active()) {
      endMs = updateMs;
    }
  }

  /** "0-99 200-299": the slot ranges as Valkey prints them. */
  static String ranges(BitSet slots) {
    StringBuilder b = new StringBuilder();
    int s = slots.nextSetBit(0);
    while (s >= 0) {
      int e = slots.nextClearBit(s) - 1;
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(s).append('-').append(e);
      s = slots.nextSetBit(e + 1);
    }
    return b.toString();
  }

  void render(Reply r) {
    r.map(18);
    r.bulk("name");
    r.bulk(name);
    r.bulk("operation");
    r.bulk(operation());
    r.bulk("slot_ranges");
    r.bulk(ranges(slots));
    r.bulk("target_node");
    r.bulk(targetId);
    r.bulk("source_node");
    r.bulk(sourceId);
    r.bulk("create_time");
    r.integer(createMs / 1000);
    r.bulk("last_update_time");
    r.integer(updateMs / 1000);
    r.bulk("last_ack_time");
    r.integer(ackMs / 1000);
    r.bulk("state");
    r.bulk(state);
    r.bulk("message");
    r.bulk(message);
    r.bulk("cow_size");
    r.integer(0);
    r.bulk("slots");
    r.integer(slots.cardinality());
    r.bulk("keys");
    r.integer(keys());
    r.bulk("bytes");
    r.integer(bytes());
    r.bulk("keys_total");
    r.integer(keysTotal());
    r.bulk("longest_turn_us");
    r.integer(longestTurnUs());
    r.bulk("longest_turn_cpu_us");
    r.integer(longestTurnCpuUs());
    r.bulk("elapsed_ms");
    r.integer((active() ? System.currentTimeMillis() : endMs) - createMs);
  }
}
