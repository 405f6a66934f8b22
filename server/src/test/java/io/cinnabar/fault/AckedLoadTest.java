package io.cinnabar.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load's own bookkeeping, on one primary (all slots) with one replica: writes are acked only
 * after WAIT counted the replica, and {@link AckedLoad#verify} does report acked writes that are
 * gone (here: deleted behind its back), so the fault tests' "nothing lost" can fail.
 */
class AckedLoadTest {
  @TempDir Path dir;

  private TestServer node(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled", "yes", "dir", d.toString(), "repl-diskless-sync-delay", "0");
  }

  @Test
  void countsAckedWritesAndReportsTheOnesThatVanish() throws Exception {
    try (TestServer p = node("p");
        TestServer r = node("r");
        RespClient pc = p.client();
        RespClient rc = r.client()) {
      assertThat(pc.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      String[] bus = pc.call("CONFIG", "GET", "cluster-port").split("\r\n");
      assertThat(rc.call("CLUSTER", "MEET", "127.0.0.1", "" + p.port(), bus[bus.length - 1]))
          .isEqualTo("+OK\r\n");
      String id = Node.bulk(pc.call("CLUSTER", "MYID"));
      Await.until(
          "replica attached", 20_000, () -> rc.call("CLUSTER", "REPLICATE", id).equals("+OK\r\n"));
      Await.until(
          "link up",
          10_000,
          () -> rc.call("INFO", "replication").contains("master_link_status:up"));

      AckedLoad load = new AckedLoad(List.of(p.port()), 2, 1, 300, 20_000);
      try (load) {
        load.start();
        Await.until("some writes acked", 10_000, () -> load.acked() >= 60);
      }
      AckedLoad.Result clean = load.verify();
      assertThat(clean.lostAcked()).as(clean.toString()).isZero();
      assertThat(clean.lostUnacked()).isZero();
      assertThat(clean.lostNoWait()).isZero();
      assertThat(clean.acked()).isEqualTo(load.acked()).isEqualTo(clean.okWrites());
      assertThat(clean.noWaitOk()).isPositive();

      // Writes lost behind the load's back are reported one by one, even when a later write to the
      // same key survived.
      assertThat(pc.call("LPOP", load.firstKey()))
          .startsWith("$1\r\n1"); // the first write of a key
      AckedLoad.Result one = load.verify();
      assertThat(one.lostAcked()).as(one.toString()).isEqualTo(1);
      assertThat(one.lostUnacked()).isEqualTo(1);
      assertThat(pc.call("FLUSHALL")).isEqualTo("+OK\r\n");
      AckedLoad.Result lost = load.verify();
      assertThat(lost.lostAcked()).isEqualTo(lost.acked());
      assertThat(lost.lostUnacked()).isEqualTo(lost.okWrites());
      assertThat(lost.lostNoWait()).isEqualTo(lost.noWaitOk());
    }
  }
}
