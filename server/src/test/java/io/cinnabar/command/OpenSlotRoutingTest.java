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

/**
 * Routing of open slots (Redis's getNodeByQuery) with injected topologies: slots 0..8191 here, the
 * rest on another node; {bar} (slot 5061) migrating from here, foo / {foo} (slot 12182) importing.
 */
class OpenSlotRoutingTest {
  private static final String OTHER = "b".repeat(40);
  private static final String ASK = "-ASK 5061 10.0.0.2:7001\r\n";
  private static final String TRYAGAIN =
      "-TRYAGAIN Multiple keys request during rehashing of slot\r\n";
  private static final String MOVED = "-MOVED 12182 10.0.0.2:7001\r\n";

  private static ClusterTopology topology(ServerContext ctx, boolean open) {
    String me = ctx.topology().myId();
    String[] owners = new String[SlotHash.SLOTS];
    for (int s = 0; s < owners.length; s++) {
      owners[s] = s < 8192 ? me : OTHER;
    }
    String[] migrating = new String[SlotHash.SLOTS];
    String[] importing = new String[SlotHash.SLOTS];
    if (open) {
      migrating[5061] = OTHER;
      importing[12182] = OTHER;
    }
    return ClusterTopology.of(
        me,
        owners,
        Map.of(me, "127.0.0.1:1", OTHER, "10.0.0.2:7001"),
        null,
        true,
        migrating,
        importing);
  }

  @Test
  void migratingSlotServesPresentKeysAndAsksForMissingOnes() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      ServerContext ctx = s.server.context();
      ctx.publishTopology(topology(ctx, false));
      assertThat(c.call("MSET", "{bar}1", "a", "{bar}2", "b")).isEqualTo("+OK\r\n");
      ctx.publishTopology(topology(ctx, true));
      assertThat(ctx.topology().anyOpen()).isTrue();
      assertThat(c.call("GET", "{bar}1")).isEqualTo("$1\r\na\r\n");
      assertThat(c.call("SET", "{bar}1", "c")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "{bar}3")).isEqualTo(ASK);
      assertThat(c.call("SET", "{bar}3", "x")).isEqualTo(ASK);
      assertThat(c.call("MGET", "{bar}1", "{bar}2")).isEqualTo("*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
      // some keys missing: TRYAGAIN; all missing: ASK (as Redis 7.0)
      assertThat(c.call("MGET", "{bar}1", "{bar}3")).isEqualTo(TRYAGAIN);
      assertThat(c.call("MGET", "{bar}3", "{bar}4")).isEqualTo(ASK);
      assertThat(c.call("MGET", "{bar}3", "{bar}3")).isEqualTo(ASK);
      // other slots are not affected
      assertThat(c.call("GET", Keys.inSlot(1))).isEqualTo("$-1\r\n");
      // MIGRATE runs here whatever keys are missing
      assertThat(c.call("MIGRATE", "127.0.0.1", "1", "{bar}3", "0", "100")).isEqualTo("+NOKEY\r\n");
      // A command is routed when queued (flagging the transaction), and EXEC again with all the
      // queued keys: a key gone meanwhile redirects EXEC and discards the transaction.
      assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "{bar}3")).isEqualTo(ASK);
      assertThat(c.call("EXEC"))
          .isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
      assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "{bar}2")).isEqualTo("+QUEUED\r\n");
      try (RespClient other = s.client()) {
        assertThat(other.call("DEL", "{bar}2")).isEqualTo(":1\r\n");
      }
      assertThat(c.call("EXEC")).isEqualTo(ASK);
      assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
      assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "{bar}1")).isEqualTo("+QUEUED\r\n");
      assertThat(c.call("EXEC")).isEqualTo("*1\r\n$1\r\nc\r\n");
      // the slot closed: served normally again
      ctx.publishTopology(topology(ctx, false));
      assertThat(ctx.topology().anyOpen()).isFalse();
      assertThat(c.call("GET", "{bar}3")).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void importingSlotServesOnlyAfterAsking() {
    try (TestServer s = TestServer.start("cluster-enabled", "yes");
        RespClient c = s.client()) {
      ServerContext ctx = s.server.context();
      ctx.publishTopology(topology(ctx, true));
      assertThat(c.call("GET", "foo")).isEqualTo(MOVED);
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("$-1\r\n");
      // the flag lasts one command
      assertThat(c.call("GET", "foo")).isEqualTo(MOVED);
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("SET", "foo", "1")).isEqualTo("+OK\r\n");
      // several different keys, some missing: TRYAGAIN even after ASKING
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("MGET", "foo", "{foo}a")).isEqualTo(TRYAGAIN);
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("MGET", "foo", "foo")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n1\r\n");
      // a rejected command also uses up the flag
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("NOSUCHCOMMAND")).startsWith("-ERR unknown command");
      assertThat(c.call("GET", "foo")).isEqualTo(MOVED);
      // ASKING before MULTI covers the whole transaction, then ends with it
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("+QUEUED\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo("+QUEUED\r\n");
      assertThat(c.call("EXEC")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n1\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo(MOVED);
      // RESET clears it
      assertThat(c.call("ASKING")).isEqualTo("+OK\r\n");
      assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
      assertThat(c.call("GET", "foo")).isEqualTo(MOVED);
    }
  }

  @Test
  void askingNeedsClusterMode() {
    try (TestServer s = TestServer.start();
        RespClient c = s.client()) {
      assertThat(c.call("ASKING")).isEqualTo("-ERR This instance has cluster support disabled\r\n");
      assertThat(c.call("ASKING", "x"))
          .isEqualTo("-ERR wrong number of arguments for 'asking' command\r\n");
    }
  }
}
