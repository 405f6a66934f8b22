package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bus links of one node: one outbound link per known node (connected by the cron) and the
 * inbound links peers opened to us. Bus thread only.
 */
final class BusLinks {
  private final ClusterBus bus;
  private final Map<ClusterNode, BusLink> outbound = new HashMap<>();
  private final List<BusLink> inbound = new ArrayList<>();
  EventLoop loop;

  BusLinks(ClusterBus bus) {
    this.bus = bus;
  }

  BusLink outboundOf(ClusterNode n) {
    return outbound.get(n);
  }

  List<BusLink> outboundLinks() {
    return new ArrayList<>(outbound.values());
  }

  List<BusLink> inboundLinks() {
    return inbound;
  }

  /** Opens the outbound link of {@code n}; it sends MEET or PING once connected. */
  void connect(ClusterNode n) {
    BusLink l = new BusLink(bus, false, n);
    outbound.put(n, l);
    ChannelFuture f =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
            .handler(l)
            .connect(new InetSocketAddress(n.ip.isEmpty() ? "127.0.0.1" : n.ip, n.cport));
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            // Retried by the next cron run, like Redis (which retries every 100 ms). As Redis
            // does when connect fails at once, count it as a PING sent: failure detection needs
            // a pending ping to time out.
            if (n.pingSentMs == 0) {
              n.pingSentMs = System.currentTimeMillis();
            }
            loop.schedule(() -> drop(l), 0, TimeUnit.MILLISECONDS);
          }
        });
  }

  private void drop(BusLink l) {
    if (l.node != null && outbound.get(l.node) == l) {
      outbound.remove(l.node);
      l.node.linkConnected = false;
    }
  }

  /** A link connected: an outbound one sends MEET (a node met by CLUSTER MEET) or PING. */
  void active(BusLink l) {
    if (l.inbound) {
      inbound.add(l);
      return;
    }
    ClusterNode n = l.node;
    if (outbound.get(n) != l) {
      l.close();
      return;
    }
    n.linkConnected = true;
    long oldPing = n.pingSentMs;
    bus.sendPing(l, n.is(ClusterNode.FLAG_MEET) ? ClusterMessage.MEET : ClusterMessage.PING);
    if (oldPing != 0) {
      n.pingSentMs = oldPing;
    }
    n.flags &= ~ClusterNode.FLAG_MEET;
  }

  void closed(BusLink l) {
    if (l.inbound) {
      inbound.remove(l);
    } else {
      drop(l);
    }
  }

  /** Frees a node's outbound link; the cron reconnects. */
  void free(ClusterNode n) {
    BusLink l = outbound.remove(n);
    if (l != null) {
      l.close();
    }
    n.linkConnected = false;
  }

  /** Frees every link of a node that is being removed. */
  void freeAll(ClusterNode n) {
    free(n);
    for (BusLink l : new ArrayList<>(inbound)) {
      if (l.peer == n) {
        l.close();
      }
    }
  }

  void closeAll() {
    for (BusLink l : new ArrayList<>(outbound.values())) {
      l.close();
    }
    for (BusLink l : new ArrayList<>(inbound)) {
      l.close();
    }
  }

  /** CLUSTER LINKS: every outbound then inbound link with a known node, as Redis 7.0 lists them. */
  void reply(io.cinnabar.protocol.Reply r) {
    List<BusLink> all = new ArrayList<>();
    for (ClusterNode n : bus.table.nodes()) {
      BusLink out = outbound.get(n);
      if (out != null && out.connected()) {
        all.add(out);
      }
      for (BusLink in : inbound) {
        if (in.peer == n) {
          all.add(in);
        }
      }
    }
    r.array(all.size());
    for (BusLink l : all) {
      r.map(6);
      r.bulk("direction");
      r.bulk(l.inbound ? "from" : "to");
      r.bulk("node");
      r.bulk(l.inbound ? l.peer.id : l.node.id);
      r.bulk("create-time");
      r.integer(l.createdMs);
      r.bulk("events");
      r.bulk(l.channel.isWritable() ? "r" : "rw");
      r.bulk("send-buffer-allocated");
      r.integer(0);
      r.bulk("send-buffer-used");
      r.integer(0);
    }
  }
}
