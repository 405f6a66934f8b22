package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 100 ms cluster cron (Redis's clusterCron): connects missing links, expires handshakes, pings
 * one of five random nodes every second and any node whose last PONG is older than half the node
 * timeout, drops links that stopped answering and marks nodes that did not answer within the node
 * timeout PFAIL. Bus thread only.
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
        bus.possiblyFailing(n, now);
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
}
