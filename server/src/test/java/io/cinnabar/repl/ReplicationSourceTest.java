package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.protocol.Request;
import io.cinnabar.repl.ReplicationSource.Psync;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplicationSourceTest {
  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);

  private static Request request(String... args) {
    Request r = new Request();
    for (String a : args) {
      byte[] b = ("xx" + a).getBytes(StandardCharsets.UTF_8);
      r.add(b, 2, b.length - 2);
    }
    return r;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nothingIsEncodedWithoutABacklog() {
    ReplicationSource src = new ReplicationSource(A, 1024);
    src.propagate(0, request("SET", "k", "v"));
    assertThat(src.offset()).isZero();
  }

  @Test
  void commandsReachReplicasWithSelectOnlyWhenTheDatabaseChanges() {
    ReplicationSource src = new ReplicationSource(A, 1024);
    StringBuilder got = new StringBuilder();
    ReplicationSource.Sink sink =
        bytes -> {
          got.append(bytes.toString(StandardCharsets.UTF_8));
          bytes.release();
        };
    src.ensureBacklog();
    src.addReplica(sink);
    src.propagate(0, request("SET", "k", "v"));
    src.propagate(0, request("INCR", "n"));
    src.propagate(3, b("PEXPIREAT"), b("k"), b("1700000000000"));
    assertThat(got).isEmpty(); // nothing before the flush
    src.flush();
    String expected =
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
            + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
            + "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
            + "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n1700000000000\r\n";
    assertThat(got.toString()).isEqualTo(expected);
    assertThat(src.offset()).isEqualTo(expected.length());
    assertThat(src.backlog().offset()).isEqualTo(expected.length());
  }

  @Test
  void psyncContinuesOnlyWithinTheBacklogAndTheKnownHistories() {
    ReplicationSource src = new ReplicationSource(A, 64);
    src.ensureBacklog();
    assertThat(src.psync(A, 1)).isEqualTo(Psync.CONTINUE);
    assertThat(src.psync(B, 1)).isEqualTo(Psync.FULL);
    assertThat(src.psync("?", -1)).isEqualTo(Psync.FULL);
    src.propagateRaw(b("*1\r\n$4\r\nPING\r\n")); // 14 bytes
    assertThat(src.psync(A, 15)).isEqualTo(Psync.CONTINUE);
    assertThat(src.psync(A, 16)).as("ahead of the primary").isEqualTo(Psync.FULL);
    for (int i = 0; i < 10; i++) {
      src.propagateRaw(b("*1\r\n$4\r\nPING\r\n"));
    }
    assertThat(src.psync(A, 15)).as("fell out of a 64-byte backlog").isEqualTo(Psync.FULL);
    assertThat(src.psync(A, src.offset() + 1 - 64)).isEqualTo(Psync.CONTINUE);

    // Promotion: the old ID stays valid up to the offset where it ended.
    long end = src.offset();
    src.shiftReplicationId(B);
    assertThat(src.replId2()).isEqualTo(A);
    assertThat(src.psync(A, end + 1)).isEqualTo(Psync.CONTINUE_NEW_ID);
    src.propagateRaw(b("*1\r\n$4\r\nPING\r\n"));
    assertThat(src.psync(A, end + 2)).as("past the old history's end").isEqualTo(Psync.FULL);
    assertThat(src.psync(B, src.offset() + 1)).isEqualTo(Psync.CONTINUE);
  }

  @Test
  void aSharedStreamBufferIsReleasedOnceEveryReplicaHasSentIt() {
    ReplicationSource src = new ReplicationSource(A, 1024);
    ByteBuf[] held = new ByteBuf[2];
    src.ensureBacklog();
    src.addReplica(bytes -> held[0] = bytes);
    src.addReplica(bytes -> held[1] = bytes);
    src.propagate(0, request("DEL", "k"));
    src.flush();
    assertThat(held[0].refCnt()).isEqualTo(2);
    held[0].release();
    held[1].release();
    assertThat(held[0].refCnt()).isZero();
  }
}
