package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client blocked on a key whose slot moves to another node is redirected with MOVED. */
class ClusterBlockingTest {
  @TempDir Path dir;

  private TestServer node(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled", "yes", "dir", d.toString(), "cluster-node-timeout", "2000");
  }

  @Test
  void blockedClientGetsMovedWhenItsSlotChangesOwner() throws Exception {
    try (TestServer a = node("a");
        TestServer b = node("b");
        RespClient ca = a.client();
        RespClient cb = b.client();
        RespClient waiter = a.client()) {
      assertThat(ca.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      ca.call("CLUSTER", "MEET", "127.0.0.1", "" + b.port(), b.config.get("cluster-port"));
      Await.until(
          "b knows a's slots",
          15_000,
          () -> cb.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      String bid = cb.call("CLUSTER", "MYID").split("\r\n")[1];
      waiter.send("BLPOP", "k", "0"); // slot 7629
      Await.until(
          "waiter blocked", 5_000, () -> ca.call("INFO", "clients").contains("blocked_clients:1"));
      assertThat(ca.call("CLUSTER", "SETSLOT", "7629", "NODE", bid)).isEqualTo("+OK\r\n");
      assertThat(waiter.readReply()).isEqualTo("-MOVED 7629 127.0.0.1:" + b.port() + "\r\n");
      assertThat(ca.call("INFO", "clients")).contains("blocked_clients:0");
      assertThat(waiter.call("BLPOP", "k", "0"))
          .isEqualTo("-MOVED 7629 127.0.0.1:" + b.port() + "\r\n");
    }
  }
}
