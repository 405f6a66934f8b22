package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.protocol.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Replies built from a recorded nodes.conf equal what that redis-server replied, byte for byte. */
class ClusterRepliesTest {
  static java.util.List<String> captures() {
    return Recorded.CAPTURES;
  }

  private static String render(int resp, Consumer<Reply> body) {
    ByteBuf buf = Unpooled.buffer();
    try {
      Reply r = new Reply();
      r.target(buf);
      r.setProtocol(resp);
      body.accept(r);
      return buf.toString(StandardCharsets.ISO_8859_1);
    } finally {
      buf.release();
    }
  }

  private static ClusterReplies.Endpoint endpoint(String capture) {
    if (capture.startsWith("endpoint-hostname")) {
      return ClusterReplies.Endpoint.HOSTNAME;
    }
    return capture.startsWith("endpoint-unknown")
        ? ClusterReplies.Endpoint.UNKNOWN_ENDPOINT
        : ClusterReplies.Endpoint.IP;
  }

  @ParameterizedTest
  @MethodSource("captures")
  void nodes(String capture) throws Exception {
    NodeTable t = Recorded.table(capture);
    for (int resp = 2; resp <= 3; resp++) {
      assertThat(render(resp, r -> ClusterReplies.nodes(r, t)))
          .isEqualTo(Recorded.text(capture, "nodes.resp" + resp));
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void slots(String capture) throws Exception {
    NodeTable t = Recorded.table(capture);
    for (int resp = 2; resp <= 3; resp++) {
      assertThat(render(resp, r -> ClusterReplies.slots(r, t, endpoint(capture))))
          .isEqualTo(Recorded.text(capture, "slots.resp" + resp));
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void shards(String capture) throws Exception {
    NodeTable t = Recorded.table(capture);
    for (int resp = 2; resp <= 3; resp++) {
      assertThat(render(resp, r -> ClusterReplies.shards(r, t, endpoint(capture))))
          .isEqualTo(Recorded.text(capture, "shards.resp" + resp));
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void replicasAndSlaves(String capture) throws Exception {
    NodeTable t = Recorded.table(capture);
    ClusterNode primary = t.myself.primaryId == null ? t.myself : t.primaryOf(t.myself);
    for (int resp = 2; resp <= 3; resp++) {
      assertThat(render(resp, r -> ClusterReplies.replicas(r, t, primary)))
          .isEqualTo(Recorded.text(capture, "replicas.resp" + resp));
    }
    assertThat(render(2, r -> ClusterReplies.replicas(r, t, primary)))
        .isEqualTo(Recorded.text(capture, "slaves.resp2"));
  }

  @ParameterizedTest
  @MethodSource("captures")
  void myId(String capture) throws Exception {
    NodeTable t = Recorded.table(capture);
    assertThat(render(2, r -> r.bulk(t.myself.id))).isEqualTo(Recorded.text(capture, "myid.resp2"));
  }
}
