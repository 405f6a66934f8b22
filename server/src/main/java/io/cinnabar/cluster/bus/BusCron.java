package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 100 ms cluster cron (Redis's clusterCron without failure detection): connects missing links,
 * expires handshakes, pings one of five random nodes every second and any node whose last PONG is
 * older than half the node timeout, and drops links that stopped answering. Bus thread only.
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
    for (ClusterNode n : new ArrayList<>(bus.table.nodes())) {
      if (n == bus.table.myself || n.is(ClusterNode.FLAG_NOADDR)) {
        continue;
      }
      if (n.is(ClusterNode.FLAG_HANDSHAKE) && now - n.ctimeMs > handshakeTimeout) {
        bus.forget(n);
        continue;
      }
      if (links.outboundOf(n) == null) {
        links.connect(n);
      }
    }
    if (loops++ % 10 == 0) {
      pingRandom(links);
    }
    for (BusLink l : links.outboundLinks()) {
      ClusterNode n = l.node;
      if (!l.connected() || n.is(ClusterNode.FLAG_HANDSHAKE)) {
        continue; // a handshake ends with the PONG to its MEET/PING, or expires
      }
      if (now - l.createdMs > timeout
          && n.pingSentMs != 0
          && now - n.pingSentMs > timeout / 2
          && now - n.pongReceivedMs > timeout / 2) {
        l.close(); // no answer: reconnect
        continue;
      }
      if (n.pingSentMs == 0 && now - n.pongReceivedMs > timeout / 2) {
        bus.sendPing(l, ClusterMessage.PING);
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
