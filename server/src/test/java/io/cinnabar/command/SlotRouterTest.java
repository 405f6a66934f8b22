package io.cinnabar.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.server.ServerContext;
import io.cinnabar.testkit.Keys;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing in cluster mode with injected topologies: slots 0..8191 here, the rest elsewhere. */
class SlotRouterTest {
  private static final String OTHER = "b".repeat(40);
  private static final String DOWN = "-CLUSTERDOWN The cluster is down\r\n";

  private static ClusterTopology split(ServerContext ctx, boolean ok, boolean replicaOfOther) {
    String me = ctx.topology().myId();
    String[] owners = new String[SlotHash.SLOTS];
    for (int s = 0; s < owners.length; s++) {
      owners[s] = s < 8192 ? me : OTHER;
    }
    owners[100] = null; // nobody serves slot 100
    return ClusterTopology.of(
        me,
        owners,
        Map.of(me, "127.0.0.1:1", OTHER, "10.0.0.2:7001"),
        replicaOfOther ? OTHER : null,
        ok);
  }

  @Test
  void movedCrossSlotHashTagsAndKeylessCommands() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      ServerContext ctx = s.server.context();
      ctx.publishTopology(split(ctx, true, false));
      // foo: 12182 (elsewhere), bar: 5061 (here), {a}: 15495 (elsewhere)
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
      assertThat(c.call("SET", "foo", "1")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
      assertThat(c.call("GET", "bar")).isEqualTo("$-1\r\n");
      assertThat(c.call("SET", "foo{bar}{zap}", "1")).isEqualTo("+OK\r\n");
      assertThat(c.call("MSET", "{bar}1", "1", "{bar}2", "2")).isEqualTo("+OK\r\n");
      assertThat(c.call("MSET", "{bar}1", "1", "foo", "2"))
          .isEqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
      assertThat(c.call("MGET", "{a}1", "{a}2")).isEqualTo("-MOVED 15495 10.0.0.2:7001\r\n");
      // the same key twice is one slot
      assertThat(c.call("MGET", "bar", "bar")).isEqualTo("*2\r\n$-1\r\n$-1\r\n");
      // a key whose slot nobody serves
      String unserved = Keys.inSlot(100);
      assertThat(c.call("GET", unserved)).isEqualTo("-CLUSTERDOWN Hash slot not served\r\n");
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("DBSIZE")).isEqualTo(":3\r\n");
      assertThat(c.call("KEYS", "nomatch")).isEqualTo("*0\r\n");
      assertThat(c.call("CLUSTER", "KEYSLOT", "foo")).isEqualTo(":12182\r\n");
      // arity is checked before routing
      assertThat(c.call("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
      assertThat(ctx.commands.get("get").stats.rejectedCalls).isEqualTo(3);
    }
  }

  @Test
  void clusterDownVariants() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      ServerContext ctx = s.server.context();
      ctx.publishTopology(split(ctx, false, false));
      assertThat(c.call("GET", "bar")).isEqualTo(DOWN);
      assertThat(c.call("SET", "bar", "1")).isEqualTo(DOWN);
      // an unserved slot is reported first, as Redis checks it while collecting the keys
      assertThat(c.call("GET", Keys.inSlot(100)))
          .isEqualTo("-CLUSTERDOWN Hash slot not served\r\n");
      assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
      assertThat(c.call("CONFIG", "SET", "cluster-allow-reads-when-down", "yes"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "bar")).isEqualTo("$-1\r\n");
      assertThat(c.call("SET", "bar", "1"))
          .isEqualTo("-CLUSTERDOWN The cluster is down and only accepts read commands\r\n");
      // reads of another node's slot are still redirected
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
    }
  }

  @Test
  void readOnlyClientReadsItsPrimarysSlots() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      ServerContext ctx = s.server.context();
      ctx.publishTopology(split(ctx, true, true));
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
      assertThat(c.call("READONLY")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("$-1\r\n");
      assertThat(c.call("SET", "foo", "1")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
      assertThat(c.call("READWRITE")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
      assertThat(c.call("READONLY")).isEqualTo("+OK\r\n");
      assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("-MOVED 12182 10.0.0.2:7001\r\n");
    }
  }

  @Test
  void singleNodeServesAfterAddSlots() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      assertThat(c.call("SET", "foo", "1")).isEqualTo("-CLUSTERDOWN Hash slot not served\r\n");
      assertThat(c.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383")).isEqualTo("+OK\r\n");
      assertThat(c.call("SET", "foo", "1")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("$1\r\n1\r\n");
      assertThat(c.call("CLUSTER", "DELSLOTS", "12182")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("-CLUSTERDOWN Hash slot not served\r\n");
      assertThat(c.call("GET", "bar")).isEqualTo(DOWN);
    }
  }
}
