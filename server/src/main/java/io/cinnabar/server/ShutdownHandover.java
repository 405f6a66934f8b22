package io.cinnabar.server;

import io.cinnabar.cluster.ClusterNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A cluster primary that shuts down hands its slots to its most up-to-date replica first (as Valkey
 * does), so no acknowledged write is lost and its slots are served again at once instead of after a
 * failure detection and an election: writes are paused, the replicas are asked for an ACK until one
 * has our whole stream, that replica is sent CLUSTER FAILOVER FORCE on its client port (which works
 * for a real Redis replica too), and the shutdown continues once the bus sees the slots taken.
 * Every wait is bounded by shutdown-timeout; the shutdown continues anyway when it runs out.
 * Keyspace thread only.
 */
final class ShutdownHandover {
  private static final long POLL_MS = 10;
  private static final long ACK_REQUEST_MS = 100;

  private final ServerContext server;
  private final long deadline;
  private final Runnable done;
  private final Runnable aborted;
  private long lastAckRequest;

  /**
   * Our offset once writes were paused: what the replica must have. (Our REPLCONF GETACKs add to
   * the stream, but a replica's ACK never counts the GETACK it answers, as in Redis.)
   */
  private long target;

  private boolean sent;

  private boolean over;

  private ShutdownHandover(ServerContext server, long deadline, Runnable done, Runnable aborted) {
    this.server = server;
    this.deadline = deadline;
    this.done = done;
    this.aborted = aborted;
  }

  /** True when this node is a cluster primary serving slots with a replica online. */
  static boolean wanted(ServerContext s) {
    if (s.cluster == null || s.replicaLink() != null || s.config.getLong("shutdown-timeout") <= 0) {
      return false;
    }
    boolean online = false;
    for (Primary.Link l : s.primary.replicas()) {
      online |= l.online;
    }
    return online
        && s.cluster.call(
            () ->
                s.cluster.table().myself.is(ClusterNode.FLAG_PRIMARY)
                    && s.cluster.slotCount(s.cluster.table().myself) > 0);
  }

  /** Starts the hand-over; {@code done} runs on the keyspace thread when it ended either way. */
  static void start(ServerContext s, Runnable done, Runnable aborted) {
    long timeout = s.config.getLong("shutdown-timeout") * 1000;
    ShutdownHandover h =
        new ShutdownHandover(s, System.currentTimeMillis() + timeout, done, aborted);
    s.handover = h;
    s.pauses.pause(Pauses.Purpose.SHUTDOWN, h.deadline + 1000, true);
    h.target = s.replication.offset();
    Log.warning("Pausing writes to hand my slots over to a replica before shutting down.");
    h.poll();
  }

  /**
   * SHUTDOWN ABORT before the replica was asked to take over: writes resume and the shutdown is
   * cancelled. False when it is too late (the slots are being handed over).
   */
  boolean abort() {
    if (over || sent) {
      return false;
    }
    over = true;
    server.handover = null;
    Log.notice("Shutdown manually aborted.");
    server.pauses.unpause(Pauses.Purpose.SHUTDOWN);
    aborted.run();
    return true;
  }

  private void poll() {
    if (over) {
      return;
    }
    long now = System.currentTimeMillis();
    if (now > deadline) {
      Log.warning("Could not hand my slots over to a replica in time: shutting down anyway.");
      done.run();
      return;
    }
    if (!sent) {
      Primary.Link best = null;
      for (Primary.Link l : server.primary.replicas()) {
        if (l.online && (best == null || l.ackOffset > best.ackOffset)) {
          best = l;
        }
      }
      if (best != null && best.ackOffset >= target) {
        sent = true;
        String host = best.ip();
        int port = best.listeningPort;
        Log.warning(
            "Replica "
                + host
                + ":"
                + port
                + " has my whole stream (offset "
                + best.ackOffset
                + "): asking it to take over my slots.");
        Thread t = new Thread(() -> askToTakeOver(host, port), "cinnabar-handover");
        t.setDaemon(true);
        t.start();
      } else if (now - lastAckRequest >= ACK_REQUEST_MS) {
        lastAckRequest = now;
        server.primary.requestAcks();
        server.primary.beforeSleep();
      }
    } else if (slotsGone()) {
      Log.warning("My slots were taken over by my replica: shutting down.");
      done.run();
      return;
    }
    server.loop().schedule(this::poll, POLL_MS, TimeUnit.MILLISECONDS);
  }

  private boolean slotsGone() {
    return server.cluster.call(
        () -> {
          ClusterNode me = server.cluster.table().myself;
          return me.is(ClusterNode.FLAG_REPLICA) || server.cluster.slotCount(me) == 0;
        });
  }

  /** CLUSTER FAILOVER FORCE on the replica's client port (AUTH with masterauth if set). */
  private void askToTakeOver(String host, int port) {
    int timeout = (int) Math.max(100, deadline - System.currentTimeMillis());
    try (Socket sock = new Socket()) {
      sock.connect(new InetSocketAddress(host, port), timeout);
      sock.setSoTimeout(timeout);
      OutputStream out = sock.getOutputStream();
      InputStream in = sock.getInputStream();
      String user = server.config.get("masteruser");
      String pass = server.config.get("masterauth");
      if (pass != null && !pass.isEmpty()) {
        out.write(
            (user != null && !user.isEmpty() ? command("AUTH", user, pass) : command("AUTH", pass))
                .getBytes(StandardCharsets.UTF_8));
        readLine(in);
      }
      out.write(command("CLUSTER", "FAILOVER", "FORCE").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String reply = readLine(in);
      if (!reply.equals("+OK")) {
        Log.warning("The replica refused to take over: " + reply);
      }
    } catch (IOException e) {
      Log.warning("Could not ask the replica to take over: " + e.getMessage());
    }
  }

  private static String command(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
      sb.append(a).append("\r\n");
    }
    return sb.toString();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }
}
