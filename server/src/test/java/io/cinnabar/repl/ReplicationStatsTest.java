package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** INFO stats' replication byte counters, between a Cinnabar primary and a Cinnabar replica. */
class ReplicationStatsTest {
  @Test
  void replicationBytesAreCountedApartFromClientTraffic() throws Exception {
    try (TestServer primary = TestServer.start();
        TestServer replica = TestServer.start();
        RespClient p = primary.client();
        RespClient r = replica.client()) {
      for (int i = 0; i < 100; i++) {
        p.call("SET", "before:" + i, "x".repeat(100));
      }
      assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(primary.port())))
          .isEqualTo("+OK\r\n");
      Await.until(
          "link up", 15_000, () -> "up".equals(ReplicaLinkTest.info(r, "master_link_status")));
      for (int i = 0; i < 100; i++) {
        p.call("SET", "after:" + i, "y".repeat(100));
      }
      long[] sent = new long[1];
      Await.until(
          "the replica read everything the primary sent",
          15_000,
          () -> {
            sent[0] = Long.parseLong(ReplicaLinkTest.info(p, "total_net_repl_output_bytes"));
            return sent[0] == Long.parseLong(ReplicaLinkTest.info(r, "total_net_repl_input_bytes"));
          });
      // At least the stream's 100 SETs of 100-byte values (the RDB's values are compressed).
      assertThat(sent[0]).isGreaterThan(100 * 100);
      // Replication traffic is not client traffic (Redis 7.0 counts them apart).
      assertThat(Long.parseLong(ReplicaLinkTest.info(r, "total_net_input_bytes")))
          .isLessThan(sent[0]);
      assertThat(ReplicaLinkTest.info(p, "total_net_repl_input_bytes")).isEqualTo("0");
    }
  }
}
