package io.cinnabar.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * A live redis-server accepts a fake node that speaks only our codec: it completes the MEET
 * handshake on our PONG, lists the node as a connected primary, and answers our own PING. Skipped
 * when redis-server is not on PATH.
 */
class BusInteropTest {
  static final String ID = "cafe0000000000000000000000000000000000c1";

  @Test
  void realRedisAcceptsOurHandshake() throws Exception {
    assumeTrue(RealRedis.available(), "redis-server not on PATH");
    try (RealRedis r = BusCapture.startNode();
        RespClient c = r.client();
        FakeNode fake = new FakeNode(ID, TestServer.freePort())) {
      String redisId = BusCapture.bulk(c.call("CLUSTER", "MYID"));
      BusCapture.meet(c, fake);

      FakeNode.Received meet = fake.await(ClusterMessage.MEET, redisId, 10_000);
      assertThat(meet).isNotNull();
      assertThat(meet.msg().port).isEqualTo(r.port());
      assertThat(meet.msg().flags & ClusterNode.FLAG_MYSELF).isNotZero();

      BusCapture.await(() -> nodeLine(c).contains(" connected"), "fake node connected");
      String line = nodeLine(c);
      assertThat(line)
          .startsWith(ID + " 127.0.0.1:" + fake.port + "@" + fake.cport() + " master - ")
          .doesNotContain("handshake")
          .doesNotContain("fail");

      // Our PING on an outbound link gets a PONG (no gossip: redis knows no third node).
      String busPort = BusCapture.busPort(r);
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(busPort))) {
        OutputStream os = s.getOutputStream();
        os.write(fake.message(ClusterMessage.PING).encode());
        os.flush();
        Thread t = new Thread(() -> fake.readLoop(s));
        t.setDaemon(true);
        t.start();
        FakeNode.Received pong = fake.await(ClusterMessage.PONG, redisId, 10_000);
        assertThat(pong).isNotNull();
        assertThat(pong.msg().port).isEqualTo(r.port());
        assertThat(pong.msg().ping().gossip()).isEmpty();
      }
      assertThat(fake.errors).isEmpty();
    }
  }

  static String nodeLine(RespClient c) {
    for (String line : BusCapture.bulk(c.call("CLUSTER", "NODES")).split("\n")) {
      if (line.startsWith(ID)) {
        return line;
      }
    }
    return "";
  }
}
