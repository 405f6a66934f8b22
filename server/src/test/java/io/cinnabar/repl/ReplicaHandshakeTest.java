package io.cinnabar.repl;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinnabar.repl.ReplicaHandshake.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica's handshake on a fake clock, with the I/O recorded. */
class ReplicaHandshakeTest {
  private static final String ID = "8de1d6d2fd6a3c1c1ac1a1f8e1b5a6a0c7e8f9d0";

  private long now = 1_000;
  private final List<String> io = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private ReplicaHandshake link(String user, String pass, String announceIp) {
    return new ReplicaHandshake(
        "127.0.0.1",
        6379,
        new ReplicaHandshake.Settings(user, pass, 7001, announceIp, 60_000),
        () -> now,
        new ReplicaHandshake.Io() {
          @Override
          public void connect(String host, int port) {
            io.add("connect " + host + ":" + port);
          }

          @Override
          public void send(String... args) {
            io.add(String.join(" ", args));
          }

          @Override
          public void close() {
            io.add("close");
          }
        },
        new ReplicaHandshake.Listener() {
          @Override
          public void fullResync(String replId, long offset) {
            events.add("full " + replId + " " + offset);
          }

          @Override
          public void continued(String replId) {
            events.add("continue " + replId);
          }
        });
  }

  @Test
  void fullSyncWithoutAuth() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    assertThat(io).containsExactly("connect 127.0.0.1:6379");
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    assertThat(h.state()).isEqualTo(State.RECEIVE_PSYNC_REPLY);
    h.reply(""); // keepalive newline while the primary prepares the RDB
    h.reply("+FULLRESYNC " + ID + " 1234");
    assertThat(io)
        .containsExactly(
            "connect 127.0.0.1:6379",
            "PING",
            "REPLCONF listening-port 7001",
            "REPLCONF capa eof capa psync2",
            "PSYNC ? -1");
    assertThat(events).containsExactly("full " + ID + " 1234");
    assertThat(h.state()).isEqualTo(State.TRANSFER);
    h.transferDone();
    assertThat(h.state()).isEqualTo(State.CONNECTED);
  }

  @Test
  void authWithUserAndAnnouncedIpThenPartialResync() {
    ReplicaHandshake h = link("repl", "secret", "10.0.0.5");
    h.cachePrimary(ID, 99);
    h.tick();
    h.connected();
    h.reply("-NOAUTH Authentication required."); // accepted: AUTH follows
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+CONTINUE");
    assertThat(io)
        .containsExactly(
            "connect 127.0.0.1:6379",
            "PING",
            "AUTH repl secret",
            "REPLCONF listening-port 7001",
            "REPLCONF ip-address 10.0.0.5",
            "REPLCONF capa eof capa psync2",
            "PSYNC " + ID + " 100");
    assertThat(events).containsExactly("continue " + ID);
    assertThat(h.state()).isEqualTo(State.CONNECTED);
  }

  @Test
  void continueWithANewReplicationId() {
    ReplicaHandshake h = link(null, null, null);
    h.cachePrimary(ID, 5);
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    String newId = "0".repeat(40);
    h.reply("+CONTINUE " + newId);
    assertThat(events).containsExactly("continue " + newId);
  }

  @Test
  void nonCriticalReplconfErrorsAreTolerated() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("-ERR unknown command 'REPLCONF'");
    h.reply("-ERR unknown command 'REPLCONF'");
    assertThat(h.state()).isEqualTo(State.RECEIVE_PSYNC_REPLY);
  }

  @Test
  void authFailureRetriesWithDoublingBackoff() {
    ReplicaHandshake h = link(null, "wrong", null);
    long[] expectedDelays = {100, 200, 400, 800, 1000, 1000};
    for (long delay : expectedDelays) {
      h.tick();
      assertThat(h.state()).isEqualTo(State.CONNECTING);
      h.connected();
      h.reply("+PONG");
      h.reply("-WRONGPASS invalid username-password pair or user is disabled.");
      assertThat(h.state()).isEqualTo(State.CONNECT);
      assertThat(h.lastError()).startsWith("Unable to AUTH to MASTER");
      assertThat(h.nextAttemptAt()).isEqualTo(now + delay);
      now += delay - 1;
      h.tick();
      assertThat(h.state()).as("not before the backoff").isEqualTo(State.CONNECT);
      now += 1;
    }
    assertThat(io.stream().filter(s -> s.equals("close"))).hasSize(expectedDelays.length);
  }

  @Test
  void aStageThatHearsNothingTimesOut() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.connected();
    now += 60_000;
    h.tick();
    assertThat(h.state()).isEqualTo(State.RECEIVE_PING_REPLY);
    now += 1;
    h.tick();
    assertThat(h.state()).isEqualTo(State.CONNECT);
    assertThat(h.lastError()).isEqualTo("Timeout during the handshake with the MASTER");
  }

  @Test
  void transferKeepsAliveWhileDataArrives() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+FULLRESYNC " + ID + " 0");
    for (int i = 0; i < 5; i++) {
      now += 30_000;
      h.dataReceived();
      h.tick();
      assertThat(h.state()).isEqualTo(State.TRANSFER);
    }
    now += 60_001;
    h.tick();
    assertThat(h.state()).isEqualTo(State.CONNECT);
    assertThat(h.lastError()).startsWith("Timeout receiving bulk data from MASTER");
  }

  @Test
  void loadingPrimaryIsRetriedAndAWorkingLinkReconnectsAtOnce() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("-LOADING Redis is loading the dataset in memory");
    assertThat(h.state()).isEqualTo(State.CONNECT);
    now += 100;
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+FULLRESYNC " + ID + " 7");
    h.transferDone();
    h.disconnected();
    assertThat(h.state()).isEqualTo(State.CONNECT);
    assertThat(h.nextAttemptAt()).isEqualTo(now);
  }

  @Test
  void malformedFullResyncFails() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.connected();
    h.reply("+PONG");
    h.reply("+OK");
    h.reply("+OK");
    h.reply("+FULLRESYNC nope");
    assertThat(h.state()).isEqualTo(State.CONNECT);
    assertThat(events).isEmpty();
  }

  @Test
  void stopClosesAndStaysStopped() {
    ReplicaHandshake h = link(null, null, null);
    h.tick();
    h.stop();
    h.tick();
    h.disconnected();
    assertThat(h.state()).isEqualTo(State.STOPPED);
    assertThat(io).containsExactly("connect 127.0.0.1:6379", "close");
  }
}
