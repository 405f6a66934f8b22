package io.cinnabar.cluster;

import static io.cinnabar.cluster.ClusterBusTest.await;
import static io.cinnabar.cluster.ClusterBusTest.connected;
import static io.cinnabar.cluster.ClusterBusTest.cport;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pub/sub across a 3-node in-process cluster: PUBLISH on any node reaches subscribers on every node
 * through the bus; shard channels are routed by slot and stay within the owner's shard.
 */
class ClusterPubSubTest {
  @TempDir Path dir;

  private TestServer node(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    return TestServer.start(
        "cluster-enabled", "yes", "dir", d.toString(), "cluster-node-timeout", "2000");
  }

  @Test
  void publishReachesEveryNodeAndShardChannelsStayInTheirShard() throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    List<RespClient> cs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(node("n" + i));
        cs.add(nodes.get(i).client());
      }
      for (int i = 1; i < 3; i++) {
        String p = Integer.toString(nodes.get(i).port());
        assertThat(cs.get(0).call("CLUSTER", "MEET", "127.0.0.1", p, cport(nodes.get(i))))
            .isEqualTo("+OK\r\n");
      }
      for (RespClient c : cs) {
        await("3 connected nodes", () -> connected(c) == 3);
      }
      cs.get(0).call("CLUSTER", "ADDSLOTSRANGE", "0", "5460");
      cs.get(1).call("CLUSTER", "ADDSLOTSRANGE", "5461", "10922");
      cs.get(2).call("CLUSTER", "ADDSLOTSRANGE", "10923", "16383");
      for (RespClient c : cs) {
        await("cluster_state:ok", () -> c.call("CLUSTER", "INFO").contains("cluster_state:ok"));
      }
      try (RespClient subA = nodes.get(0).client();
          RespClient subB = nodes.get(1).client();
          RespClient shardSub = nodes.get(2).client()) {
        assertThat(subA.call("SUBSCRIBE", "news"))
            .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        assertThat(subB.call("PSUBSCRIBE", "n*"))
            .isEqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n");
        // The reply counts local receivers only; the others get it over the bus.
        assertThat(cs.get(2).call("PUBLISH", "news", "hello")).isEqualTo(":0\r\n");
        assertThat(subA.readReply())
            .isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
        assertThat(subB.readReply())
            .isEqualTo("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n");

        // "foo" hashes to slot 12182, served by the third node.
        String moved = "-MOVED 12182 127.0.0.1:" + nodes.get(2).port() + "\r\n";
        assertThat(cs.get(0).call("SSUBSCRIBE", "foo")).isEqualTo(moved);
        assertThat(cs.get(0).call("SPUBLISH", "foo", "x")).isEqualTo(moved);
        assertThat(cs.get(0).call("SSUBSCRIBE", "foo", "bar"))
            .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
        assertThat(shardSub.call("SSUBSCRIBE", "foo"))
            .isEqualTo("*3\r\n$10\r\nssubscribe\r\n$3\r\nfoo\r\n:1\r\n");
        assertThat(subA.call("SUBSCRIBE", "foo"))
            .isEqualTo("*3\r\n$9\r\nsubscribe\r\n$3\r\nfoo\r\n:2\r\n");
        assertThat(cs.get(2).call("SPUBLISH", "foo", "s")).isEqualTo(":1\r\n");
        assertThat(shardSub.readReply())
            .isEqualTo("*3\r\n$8\r\nsmessage\r\n$3\r\nfoo\r\n$1\r\ns\r\n");
        // The shard message did not cross to the plain subscriber on the first node: the next
        // thing it receives is the following PUBLISH.
        assertThat(cs.get(1).call("PUBLISH", "foo", "p")).isEqualTo(":0\r\n");
        assertThat(subA.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$3\r\nfoo\r\n$1\r\np\r\n");
      }
    } finally {
      for (RespClient c : cs) {
        c.close();
      }
      for (TestServer s : nodes) {
        s.close();
      }
    }
  }
}
