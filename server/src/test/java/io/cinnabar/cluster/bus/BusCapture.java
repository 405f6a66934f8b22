package io.cinnabar.cluster.bus;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Records the golden bus messages of src/test/resources/cluster/bus/ from the redis-server on PATH
 * (7.0.15 when they were recorded). Run from the server module after test-compile:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.cinnabar.cluster.bus.BusCapture src/test/resources/cluster/bus
 * </pre>
 *
 * (cp.txt from {@code mvn -o dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 *
 * <p>Scenario: real nodes R1 (cluster-announce-hostname r1.example) and R2, fake nodes A and B
 * ({@link FakeNode}, which answer with PONGs from our codec). R1 meets A (MEET with a hostname
 * extension), R2 meets B (MEET without extensions), R1 meets R2 and B; once all four know each
 * other R1's PING to A carries gossip about R2 and B. A pings R1 on an outbound link for R1's PONG.
 * A PUBLISH on R1 reaches A. R1 takes slots 0-5460 and bumps its epoch; A then claims slot 0 with
 * epoch 0 and R1 answers with an UPDATE. Finally A goes silent; R1 (the only primary with slots, so
 * a quorum of one) marks it failed and broadcasts FAIL, which B records.
 */
public final class BusCapture {
  static final String A_ID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
  static final String B_ID = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
  static final long TIMEOUT = 15_000;

  private BusCapture() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/cluster/bus");
    Files.createDirectories(out);
    String version = RealRedis.version();
    try (RealRedis r1 = startNode("--cluster-announce-hostname", "r1.example");
        RealRedis r2 = startNode();
        RespClient c1 = r1.client();
        RespClient c2 = r2.client();
        FakeNode a = new FakeNode(A_ID, TestServer.freePort());
        FakeNode b = new FakeNode(B_ID, TestServer.freePort())) {
      String r1Id = bulk(c1.call("CLUSTER", "MYID"));
      String r2Id = bulk(c2.call("CLUSTER", "MYID"));
      String note = "recorded by BusCapture from redis-server " + version;

      meet(c1, a);
      FakeNode.Received m = required(a.await(ClusterMessage.MEET, null, TIMEOUT), "MEET R1->A");
      write(out, "meet-hostname", m.raw(), "MEET from R1 (cluster-announce-hostname) to A", note);
      meet(c2, b);
      m = required(b.await(ClusterMessage.MEET, null, TIMEOUT), "MEET R2->B");
      write(out, "meet", m.raw(), "MEET from R2 (no hostname) to B", note);

      c1.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(r2.port()), busPort(r2));
      meet(c1, b);
      await(() -> allConnected(c1, 4) && allConnected(c2, 4), "full mesh");
      m =
          required(
              a.await(
                  x -> x.type == ClusterMessage.PING && r1Id.equals(x.sender) && count(x) >= 2,
                  TIMEOUT),
              "PING with gossip");
      write(out, "ping-gossip", m.raw(), "PING from R1 to A, gossip about R2 and B", note);

      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(busPort(r1)))) {
        OutputStream os = s.getOutputStream();
        os.write(a.message(ClusterMessage.PING).encode());
        os.flush();
        Thread t = new Thread(() -> a.readLoop(s));
        t.setDaemon(true);
        t.start();
        m = required(a.await(ClusterMessage.PONG, r1Id, TIMEOUT), "PONG R1->A");
        write(out, "pong", m.raw(), "PONG from R1 to A's PING on A's outbound link", note);
      }

      c1.call("PUBLISH", "news", "hello bus");
      m = required(a.await(ClusterMessage.PUBLISH, r1Id, TIMEOUT), "PUBLISH");
      write(out, "publish", m.raw(), "PUBLISH news \"hello bus\" on R1, as A got it", note);

      c1.call("CLUSTER", "ADDSLOTSRANGE", "0", "5460");
      c1.call("CLUSTER", "BUMPEPOCH");
      a.template.myslots[0] = 1;
      m = required(a.await(ClusterMessage.UPDATE, r1Id, TIMEOUT), "UPDATE");
      write(out, "update", m.raw(), "UPDATE from R1 to A after A claimed slot 0 at epoch 0", note);
      a.template.myslots[0] = 0;

      a.silent = true;
      m =
          required(
              b.await(x -> x.type == ClusterMessage.FAIL && r1Id.equals(x.sender), 4 * TIMEOUT),
              "FAIL");
      write(out, "fail", m.raw(), "FAIL about A broadcast by R1, as B got it", note);
      System.out.println("R1 " + r1Id + " R2 " + r2Id + " errors A " + a.errors + " B " + b.errors);
    }
  }

  static RealRedis startNode(String... extra) {
    List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes"));
    args.addAll(List.of("--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
    args.addAll(List.of("--cluster-port", Integer.toString(TestServer.freePort())));
    args.addAll(List.of(extra));
    return RealRedis.start(args.toArray(new String[0]));
  }

  static void meet(RespClient c, FakeNode n) {
    String reply =
        c.call(
            "CLUSTER", "MEET", "127.0.0.1", Integer.toString(n.port), Integer.toString(n.cport()));
    if (!reply.equals("+OK\r\n")) {
      throw new IllegalStateException("CLUSTER MEET: " + reply);
    }
  }

  static String busPort(RealRedis r) {
    try (RespClient c = r.client()) {
      String reply = c.call("CONFIG", "GET", "cluster-port");
      String[] lines = reply.split("\r\n");
      return lines[lines.length - 1];
    }
  }

  /** True when CLUSTER NODES lists {@code n} nodes, none in handshake, all connected. */
  static boolean allConnected(RespClient c, int n) {
    String nodes = bulk(c.call("CLUSTER", "NODES"));
    String[] lines = nodes.split("\n");
    int ok = 0;
    for (String line : lines) {
      if (line.contains(" connected") && !line.contains("handshake")) {
        ok++;
      }
    }
    return lines.length == n && ok == n;
  }

  static int count(ClusterMessage m) {
    return ((MessageData.Ping) m.data).gossip().size();
  }

  static String bulk(String reply) {
    int nl = reply.indexOf("\r\n");
    return reply.substring(nl + 2, reply.length() - 2).trim();
  }

  static void await(BooleanSupplier cond, String what) throws InterruptedException {
    io.cinnabar.testkit.Await.until(what, TIMEOUT, cond);
  }

  static FakeNode.Received required(FakeNode.Received r, String what) {
    if (r == null) {
      throw new IllegalStateException("timed out waiting for " + what);
    }
    return r;
  }

  static void write(Path dir, String name, byte[] raw, String what, String note)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(what).append('\n').append("# ").append(note).append('\n');
    String hex = HexFormat.of().formatHex(raw);
    for (int i = 0; i < hex.length(); i += 64) {
      sb.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
    }
    Files.writeString(dir.resolve(name + ".hex"), sb.toString(), StandardCharsets.US_ASCII);
    System.out.println("wrote " + name + ".hex (" + raw.length + " bytes)");
  }
}
