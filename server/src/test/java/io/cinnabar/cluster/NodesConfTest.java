package io.cinnabar.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodesConfTest {
  private static final String A = "7df96120dec2463879195b9a1a93cb68b9f88d40";
  private static final String B = "49cd0a55386e8f4b9598b7f2e41096a743e63b78";
  private static final String MYSELF =
      A + " 127.0.0.1:16821@26821 myself,master - 0 0 1 connected 0-5\n";

  static java.util.List<String> captures() {
    return Recorded.CAPTURES;
  }

  @ParameterizedTest
  @MethodSource("captures")
  void everyRecordedFileRoundTrips(String capture) throws Exception {
    String text = Recorded.text(capture, "nodes.conf");
    assertThat(NodesConf.render(NodesConf.parse(text))).isEqualTo(text);
  }

  /**
   * Slot ranges render byte-skipping; random runs (single slots, byte-aligned and unaligned runs,
   * the last slot) must come back as the same bitmap.
   */
  @Test
  void randomSlotRangesRoundTrip() throws Exception {
    java.util.Random rnd = new java.util.Random(42);
    for (int round = 0; round < 200; round++) {
      NodeTable t = NodesConf.parse(MYSELF + "vars currentEpoch 1 lastVoteEpoch 0\n");
      ClusterNode me = t.myself;
      for (int s = 0; s < ClusterNode.SLOTS; s++) {
        t.unassignSlot(s);
      }
      boolean on = rnd.nextBoolean();
      for (int s = 0; s < ClusterNode.SLOTS; ) {
        int run = 1 + rnd.nextInt(round % 2 == 0 ? 20 : 2000);
        for (int i = s; i < Math.min(ClusterNode.SLOTS, s + run); i++) {
          if (on) {
            t.assignSlot(me, i);
          }
        }
        s += run;
        on = !on;
      }
      NodeTable back = NodesConf.parse(NodesConf.render(t));
      assertThat(back.myself.slots).as("round " + round).isEqualTo(me.slots);
    }
  }

  @Test
  void parsesEveryField() throws Exception {
    NodeTable t = NodesConf.parse(Recorded.text("fail-16823", "nodes.conf"));
    assertThat(t.currentEpoch).isEqualTo(6);
    assertThat(t.lastVoteEpoch).isZero();
    assertThat(t.size()).isEqualTo(6);
    ClusterNode me = t.myself;
    assertThat(me.id).isEqualTo("bf2f11b772bdbe568f091e60e87289b8baae90de");
    assertThat(me.flags).isEqualTo(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_PRIMARY);
    assertThat(me.slotCount()).isEqualTo(16384 - 10923);
    assertThat(t.owner(10923)).isSameAs(me);
    assertThat(t.importingFrom(6).id).isEqualTo(A);
    assertThat(t.migratingTo(11000).id).isEqualTo(A);
    ClusterNode failed = t.get("aebf84b257f40d0536351cbeb1abcd2fd42d3996");
    assertThat(failed.flags).isEqualTo(ClusterNode.FLAG_REPLICA | ClusterNode.FLAG_FAIL);
    assertThat(failed.primaryId).isEqualTo(me.id);
    assertThat(failed.pingSentMs).isEqualTo(1795232397278L);
    assertThat(failed.linkConnected).isFalse();
    ClusterNode b = t.get(B);
    assertThat(b.hostname).isEqualTo("node-b.example");
    assertThat(b.ip).isEqualTo("127.0.0.1");
    assertThat(b.port).isEqualTo(16822);
    assertThat(b.cport).isEqualTo(26822);
    assertThat(b.hasSlot(100)).isTrue();
    assertThat(b.configEpoch).isEqualTo(2);
  }

  @Test
  void oldFormatWithoutBusPortAndNoflags() throws Exception {
    NodeTable t =
        NodesConf.parse(
            MYSELF + B + " 10.0.0.2:7000 noflags - 0 0 0 disconnected\nvars currentEpoch 1\n");
    assertThat(t.get(B).cport).isEqualTo(17000);
    assertThat(t.get(B).flags).isZero();
    assertThat(NodesConf.line(t, t.get(B)))
        .isEqualTo(B + " 10.0.0.2:7000@17000 noflags - 0 0 0 disconnected");
  }

  @Test
  void restartAppliesWhatRedisRecomputes() throws Exception {
    NodeTable t = NodesConf.parse(Recorded.text("fail-16823", "nodes.conf"));
    NodesConf.restart(t, 5000);
    ClusterNode failed = t.get("aebf84b257f40d0536351cbeb1abcd2fd42d3996");
    assertThat(failed.pingSentMs).isEqualTo(5000);
    assertThat(failed.failTimeMs).isEqualTo(5000);
    assertThat(t.get(A).pingSentMs).isZero();
    assertThat(t.get(A).linkConnected).isFalse();
    assertThat(NodesConf.line(t, t.myself)).contains(" connected ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        A + " 127.0.0.1:16821@26821 myself,master - 0 0 1\n",
        A + " 127.0.0.1 myself,master - 0 0 1 connected\n",
        A + " 127.0.0.1:16821@26821 myself,master - 0 0 1 connected 16384\n",
        A + " 127.0.0.1:16821@26821 myself,master - 0 0 1 connected 5-16384\n",
        A + " 127.0.0.1:16821@26821 myself,master - x 0 1 connected\n",
        "zz 127.0.0.1:16821@26821 myself,master - 0 0 1 connected\n",
        A + " 127.0.0.1:16821@26821 myself,master - 0 0 1 connected [16384->-" + B + "]\n",
        "\"unbalanced\n",
      })
  void corruptLinesAreRejectedWithRedisMessage(String text) {
    String line = text.substring(0, text.length() - 1);
    assertThatThrownBy(() -> NodesConf.parse(text))
        .isInstanceOf(NodesConf.FormatException.class)
        .hasMessage("Unrecoverable error: corrupted cluster config file \"" + line + "\".");
  }

  @Test
  void otherParseErrors() {
    assertThatThrownBy(() -> NodesConf.parse(MYSELF.replace("myself,master", "myself,boss")))
        .isInstanceOf(NodesConf.FormatException.class)
        .hasMessage("Unknown flag in redis cluster config file: 'boss'");
    assertThatThrownBy(() -> NodesConf.parse(MYSELF.replace("0-5", "[5->-abc]")))
        .isInstanceOf(NodesConf.FormatException.class)
        .hasMessageStartingWith("Unrecoverable error: corrupted cluster config file");
    assertThatThrownBy(() -> NodesConf.parse(MYSELF.replace("0-5", "[5-x-" + B + "]")))
        .isInstanceOf(NodesConf.FormatException.class)
        .hasMessageStartingWith("Invalid node ID in migrating/importing slot configuration");
    assertThatThrownBy(() -> NodesConf.parse(MYSELF.replace("myself,", "")))
        .isInstanceOf(NodesConf.FormatException.class)
        .hasMessageContaining("no node has the myself flag");
  }

  @Test
  void lockedFileRefusesASecondNode(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nodes.conf");
    try (NodesConfFile first = NodesConfFile.lock(conf)) {
      assertThatThrownBy(() -> NodesConfFile.lock(conf))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "Sorry, the cluster configuration file "
                  + conf
                  + " is already used by a different Redis Cluster node. Please make sure that"
                  + " different nodes use different cluster configuration files.");
      assertThat(first.load()).isNull();
    }
    NodesConfFile.lock(conf).close(); // released on close
  }

  @Test
  void saveThenLoad(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nodes.conf");
    String text = Recorded.text("16821", "nodes.conf");
    try (NodesConfFile f = NodesConfFile.lock(conf)) {
      f.save(NodesConf.parse(text), true);
      assertThat(Files.readString(conf, StandardCharsets.ISO_8859_1)).isEqualTo(text);
      assertThat(NodesConf.render(f.load())).isEqualTo(text);
      f.save(NodesConf.parse(text), false);
    }
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder("nodes.conf", "nodes.conf.lock");
  }

  @Test
  void failedWriteLeavesTheOldFile(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nodes.conf");
    Files.writeString(conf, "old\n");
    assertThatThrownBy(
            () ->
                NodesConfFile.writeAtomically(
                    conf,
                    "new\n".getBytes(StandardCharsets.US_ASCII),
                    true,
                    () -> {
                      throw new UncheckedIOException(new IOException("disk full"));
                    }))
        .hasMessageContaining("disk full");
    assertThat(Files.readString(conf)).isEqualTo("old\n");
    assertThat(dir.toFile().list()).containsExactly("nodes.conf");
  }

  @Test
  void readersSeeTheOldOrTheNewFileNeverAMix(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("nodes.conf");
    String small = Recorded.text("16826", "nodes.conf");
    String big = Recorded.text("16821", "nodes.conf");
    Files.writeString(conf, small, StandardCharsets.ISO_8859_1);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> seen = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  String s = Files.readString(conf, StandardCharsets.ISO_8859_1);
                  if (!s.equals(small) && !s.equals(big)) {
                    seen.set(s);
                  }
                } catch (IOException e) {
                  seen.set(e.toString());
                }
              }
            });
    reader.start();
    try {
      for (int i = 0; i < 200; i++) {
        String s = i % 2 == 0 ? big : small;
        NodesConfFile.writeAtomically(conf, s.getBytes(StandardCharsets.ISO_8859_1), false, null);
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertThat(seen.get()).isNull();
  }
}
