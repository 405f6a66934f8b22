package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 100 ms cluster cron (Redis's clusterCron): connects missing links, expires handshakes, pings
 * one of five random nodes every second and any node whose last PONG is older than half the node
 * timeout, drops links that stopped answering and marks nodes that did not answer within the node
 * timeout PFAIL. Beyond Redis, timers do the same per node when due (see {@link #pingWhenDue}), so
 * short node timeouts are not rounded up to the cron's 100 ms. Bus thread only.
 */
final class BusCron {
  private final ClusterBus bus;
  private long loops;

  BusCron(ClusterBus bus) {
    this.bus = bus;
  }

  void run(long now) {
    BusLinks links = bus.links;
    long timeout = bus.settings.timeout();
    long handshakeTimeout = Math.max(1000, timeout);
    bus.blacklist.values().removeIf(expire -> expire < now);
    int pfail = 0;
    for (ClusterNode n : new ArrayList<>(bus.table.nodes())) {
      if (n == bus.table.myself || n.is(ClusterNode.FLAG_NOADDR)) {
        continue;
      }
      if (n.is(ClusterNode.FLAG_PFAIL)) {
        pfail++;
      }
      if (n.is(ClusterNode.FLAG_HANDSHAKE) && now - n.ctimeMs > handshakeTimeout) {
        bus.forget(n);
        continue;
      }
      if (links.outboundOf(n) == null) {
        links.connect(n);
      }
    }
    bus.failures.pfailNodes = pfail;
    if (loops++ % 10 == 0) {
      pingRandom(links);
    }
    for (ClusterNode n : new ArrayList<>(bus.table.nodes())) {
      if (n.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_NOADDR | ClusterNode.FLAG_HANDSHAKE)) {
        continue; // a handshake ends with the PONG to its MEET/PING, or expires
      }
      BusLink l = links.outboundOf(n);
      boolean up = l != null && l.connected();
      if (up
          && now - l.createdMs > timeout
          && n.pingSentMs != 0
          && now - n.pingSentMs > timeout / 2
          && now - n.dataReceivedMs > timeout / 2) {
        links.free(n); // no answer and no traffic for half the timeout: reconnect
        up = false;
      }
      if (up && n.pingSentMs == 0 && now - n.pongReceivedMs > timeout / 2) {
        bus.sendPing(l, ClusterMessage.PING);
      }
      // As in Redis, PFAIL only updates the cluster state (after this event), nodes.conf waits.
      if (bus.failures.checkTimeout(n, now)) {
        possiblyFailing(n);
      }
    }
  }

  /** Pings the node with the oldest PONG among five random ones (none pending a PONG). */
  private void pingRandom(BusLinks links) {
    ClusterNode oldest = null;
    List<ClusterNode> all = new ArrayList<>(bus.table.nodes());
    for (int i = 0; i < 5 && !all.isEmpty(); i++) {
      ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
      BusLink l = links.outboundOf(n);
      if (l == null
          || !l.connected()
          || n.pingSentMs != 0
          || n.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
        continue;
      }
      if (oldest == null || n.pongReceivedMs < oldest.pongReceivedMs) {
        oldest = n;
      }
    }
    if (oldest != null) {
      bus.sendPing(links.outboundOf(oldest), ClusterMessage.PING);
    }
  }

  /**
   * Beyond Redis, for sub-second failover: a PING's timeout is checked when it runs out instead of
   * at the next 100 ms cron run.
   */
  void checkTimeoutAfter(ClusterNode n, long delayMs) {
    bus.schedule(
        () -> {
          long now = System.currentTimeMillis();
          if (bus.table.get(n.id) == n && bus.failures.checkTimeout(n, now)) {
            possiblyFailing(n);
          }
        },
        delayMs);
  }

  /**
   * Beyond Redis, for sub-second failover: the next PING to {@code n} goes out as soon as its PONG
   * is older than half the node timeout (Redis's rule) instead of at the next 100 ms cron run.
   */
  void pingWhenDue(ClusterNode n) {
    long half = bus.settings.timeout() / 2;
    bus.schedule(
        () -> {
          BusLink l = bus.links.outboundOf(n);
          if (bus.table.get(n.id) == n
              && n.pingSentMs == 0
              && l != null
              && l.connected()
              && System.currentTimeMillis() - n.pongReceivedMs > half) {
            bus.sendPing(l, ClusterMessage.PING);
          }
        },
        half + 1);
  }

  /**
   * {@code n} just turned PFAIL. Beyond Redis (which waits for the next ping round): every node
   * gets a PONG at once whose gossip carries our report, so a primary that already flags it PFAIL
   * reaches the majority within a round trip and broadcasts FAIL. FAIL itself is still only decided
   * when a report arrives, as in Redis (a report still valid from an earlier incident must not
   * count on its own).
   */
  void possiblyFailing(ClusterNode n) {
    bus.failures.pfailNodes++;
    for (ClusterNode o : bus.table.nodes()) {
      if (o == n || o.is(ClusterNode.FLAG_MYSELF | ClusterNode.FLAG_HANDSHAKE)) {
        continue;
      }
      BusLink l = bus.links.outboundOf(o);
      if (l != null && l.connected()) {
        BusProcessor.sendPing(bus, l, ClusterMessage.PONG);
      }
    }
  }
}
