package io.cinnabar.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.testkit.Await;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FAIL message (type 3) encoded by our codec, sent by a fake primary A about a fake primary B
 * that serves slot 0, makes the receiver flag B {@code fail} at once: a real redis-server (when on
 * PATH) and a Cinnabar node alike. B keeps answering, but a failed primary with slots is only
 * cleared after 2 x the node timeout, so the flag is observable.
 */
class FailInteropTest {
  static final String A = "a0a0000000000000000000000000000000000001";
  static final String B = "b0b0000000000000000000000000000000000002";

  @TempDir Path dir;

  @Test
  void realRedisAcceptsOurFail() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server not on PATH");
    try (RealRedis r = BusCapture.startNode();
        RespClient c = r.client()) {
      failAccepted(c, Integer.parseInt(BusCapture.busPort(r)));
    }
  }

  @Test
  void cinnabarAcceptsFail() throws Exception {
    try (TestServer s =
            TestServer.start(
                "cluster-enabled", "yes", "cluster-node-timeout", "2000", "dir", dir.toString());
        RespClient c = s.client()) {
      failAccepted(c, Integer.parseInt(s.config.get("cluster-port")));
    }
  }

  private static void failAccepted(RespClient c, int busPort) throws Exception {
    try (FakeNode a = new FakeNode(A, TestServer.freePort());
        FakeNode b = new FakeNode(B, TestServer.freePort())) {
      b.template.myslots[0] = 1; // slot 0
      b.template.configEpoch = 1;
      b.template.currentEpoch = 1;
      BusCapture.meet(c, a);
      BusCapture.meet(c, b);
      Await.until(
          "B known with slot 0", 15_000, () -> line(c, B).endsWith(" 0") && !line(c, A).isEmpty());
      assertThat(line(c, B)).doesNotContain("fail");
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), busPort)) {
        ClusterMessage m = a.message(ClusterMessage.FAIL);
        m.data = new MessageData.Fail(B);
        OutputStream os = s.getOutputStream();
        os.write(m.encode());
        os.flush();
        Await.until("B flagged fail", 2_000, () -> line(c, B).contains("master,fail "));
        assertThat(line(c, A)).doesNotContain("fail");
      }
      assertThat(a.errors).isEmpty();
      assertThat(b.errors).isEmpty();
    }
  }

  static String line(RespClient c, String id) {
    for (String l : BusCapture.bulk(c.call("CLUSTER", "NODES")).split("\n")) {
      if (l.startsWith(id)) {
        return l.trim();
      }
    }
    return "";
  }

  /**
   * A Cinnabar node puts a PFAIL node into the gossip of its pings (flags and count as Redis sends
   * them); a slot-owning fake primary reporting it too makes the quorum, and the node broadcasts a
   * FAIL about it.
   */
  @Test
  void cinnabarGossipsPfailAndBroadcastsFail() throws Exception {
    try (TestServer s =
            TestServer.start(
                "cluster-enabled", "yes", "cluster-node-timeout", "500", "dir", dir.toString());
        RespClient c = s.client();
        FakeNode a = new FakeNode(A, TestServer.freePort());
        FakeNode b = new FakeNode(B, TestServer.freePort())) {
      String me = BusCapture.bulk(c.call("CLUSTER", "MYID"));
      a.template.myslots[0] = 1;
      a.template.configEpoch = 1;
      a.template.currentEpoch = 1;
      BusCapture.meet(c, a);
      BusCapture.meet(c, b);
      Await.until(
          "A serves slot 0, B known",
          15_000,
          () -> line(c, A).endsWith(" 0") && line(c, B).contains(" connected"));
      b.silent = true;
      Await.until("B fail?", 10_000, () -> line(c, B).contains("master,fail? "));
      FakeNode.Received ping =
          a.await(
              m ->
                  m.type == ClusterMessage.PING
                      && me.equals(m.sender)
                      && m.ping().gossip().stream()
                          .anyMatch(
                              g ->
                                  g.nodeId().equals(B)
                                      && (g.flags() & io.cinnabar.cluster.ClusterNode.FLAG_PFAIL)
                                          != 0),
              10_000);
      assertThat(ping).as("a PING gossiping B as PFAIL").isNotNull();
      int count = ((ping.raw()[14] & 0xff) << 8) | (ping.raw()[15] & 0xff);
      assertThat(count).isEqualTo(ping.msg().ping().gossip().size());
      assertThat(ping.raw().length).isEqualTo(ClusterMessage.HEADER_SIZE + count * Gossip.SIZE);
      assertThat(c.call("CLUSTER", "COUNT-FAILURE-REPORTS", B)).isEqualTo(":0\r\n");

      a.gossip =
          java.util.List.of(
              new Gossip(
                  B,
                  0,
                  0,
                  "127.0.0.1",
                  b.port,
                  b.cport(),
                  io.cinnabar.cluster.ClusterNode.FLAG_PRIMARY
                      | io.cinnabar.cluster.ClusterNode.FLAG_PFAIL,
                  0));
      FakeNode.Received fail = a.await(ClusterMessage.FAIL, me, 10_000);
      assertThat(fail).as("FAIL broadcast").isNotNull();
      assertThat(((MessageData.Fail) fail.msg().data).nodeId()).isEqualTo(B);
      assertThat(fail.raw().length).isEqualTo(ClusterMessage.HEADER_SIZE + 40);
      assertThat(line(c, B)).contains("master,fail ");
      assertThat(c.call("CLUSTER", "COUNT-FAILURE-REPORTS", B)).isEqualTo(":1\r\n");
      assertThat(a.errors).isEmpty();
    }
  }
}
