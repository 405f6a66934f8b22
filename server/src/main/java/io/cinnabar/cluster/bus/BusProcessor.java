package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.cinnabar.cluster.NodeTable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a node does with each bus message (Redis 7.0's clusterProcessPacket, without failover) and
 * how it builds its PING/PONG/MEET (clusterSendPing). Runs on the bus thread only.
 */
final class BusProcessor {
  private BusProcessor() {}

  private static final int ROLE = ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_REPLICA;

  /** The header every message of myself carries (clusterBuildMessageHdr). */
  static ClusterMessage header(ClusterBus bus, int type) {
    NodeTable t = bus.table;
    ClusterNode me = t.myself;
    ClusterNode primary = me.is(ClusterNode.FLAG_REPLICA) ? t.primaryOf(me) : me;
    ClusterMessage m = new ClusterMessage();
    m.type = type;
    m.sender = me.id;
    m.port = me.port;
    m.cport = me.cport;
    m.pport = 0;
    m.flags = me.flags;
    m.currentEpoch = t.currentEpoch;
    m.configEpoch = primary != null ? primary.configEpoch : me.configEpoch;
    if (primary != null) {
      System.arraycopy(primary.slots, 0, m.myslots, 0, m.myslots.length);
    }
    m.primaryId = me.primaryId;
    m.myip = bus.settings.announceIp();
    m.state = bus.stateOk() ? ClusterMessage.STATE_OK : ClusterMessage.STATE_FAIL;
    me.replOffset = bus.failover.replOffset;
    m.offset = me.replOffset;
    if (bus.failover.paused()) {
      m.mflags[0] |= ClusterMessage.MFLAG0_PAUSED;
    }
    return m;
  }

  /** Sends a PING, PONG or MEET with a gossip section on {@code l} (clusterSendPing). */
  static void sendPing(ClusterBus bus, BusLink l, int type) {
    NodeTable t = bus.table;
    long now = System.currentTimeMillis();
    List<ClusterNode> all = new ArrayList<>(t.nodes());
    // As Redis 7.0: wanted = max(3, nodes/10) random entries (at most the nodes other than myself
    // and the receiver), then every PFAIL node (up to the count of the last cron run), so that
    // failure reports spread in one ping round.
    int fresh = all.size() - 2;
    int wanted = Math.min(Math.max(3, all.size() / 10), fresh);
    Set<ClusterNode> chosen = new LinkedHashSet<>();
    for (int tries = wanted * 3; fresh > 0 && chosen.size() < wanted && tries > 0; tries--) {
      ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
      if (n == t.myself || n.is(ClusterNode.FLAG_PFAIL) || chosen.contains(n)) {
        continue;
      }
      if (n.is(ClusterNode.FLAG_HANDSHAKE | ClusterNode.FLAG_NOADDR)
          || (bus.linkOf(n) == null && n.slotCount() == 0)) {
        fresh--;
        continue;
      }
      chosen.add(n);
      fresh--;
    }
    int pfailWanted = bus.failures.pfailNodes;
    for (ClusterNode n : all) {
      if (pfailWanted == 0) {
        break;
      }
      if (n.is(ClusterNode.FLAG_PFAIL)
          && !n.is(ClusterNode.FLAG_HANDSHAKE | ClusterNode.FLAG_NOADDR)) {
        chosen.add(n);
        pfailWanted--;
      }
    }
    List<Gossip> gossip = new ArrayList<>();
    for (ClusterNode n : chosen) {
      gossip.add(
          new Gossip(
              n.id,
              n.pingSentMs / 1000,
              n.pongReceivedMs / 1000,
              n.ip,
              n.port,
              n.cport,
              n.flags,
              0));
    }
    List<PingExt> ext = new ArrayList<>();
    String host = bus.settings.announceHostname();
    if (!host.isEmpty()) {
      ext.add(new PingExt.Hostname(host));
    }
    ClusterMessage m = header(bus, type);
    m.data = new MessageData.Ping(gossip, ext);
    if (l.node != null && type == ClusterMessage.PING) {
      l.node.pingSentMs = now;
      bus.cron.checkTimeoutAfter(l.node, bus.settings.timeout() + 1);
    }
    l.send(m);
  }

  static void process(ClusterBus bus, BusLink link, ClusterMessage m) {
    NodeTable t = bus.table;
    long now = System.currentTimeMillis();
    ClusterNode sender = t.get(m.sender);
    if (sender == t.myself) {
      return;
    }
    if (sender != null) {
      sender.dataReceivedMs = now;
    }
    if (sender != null && !sender.is(ClusterNode.FLAG_HANDSHAKE)) {
      if (Long.compareUnsigned(m.currentEpoch, t.currentEpoch) > 0) {
        t.currentEpoch = m.currentEpoch;
        bus.changed();
      }
      if (Long.compareUnsigned(m.configEpoch, sender.configEpoch) > 0) {
        sender.configEpoch = m.configEpoch;
        bus.changed();
      }
      sender.replOffset = m.offset;
      bus.failover.header(sender, m);
    }
    if (link.inbound && sender != null && m.isPingType()) {
      link.peer = sender;
    }
    if (m.type == ClusterMessage.UPDATE) {
      update(bus, sender, (MessageData.Update) m.data);
      return;
    }
    if (m.type == ClusterMessage.PUBLISH && sender != null) {
      bus.delivered((MessageData.Publish) m.data);
      return;
    }
    if (m.type == ClusterMessage.FAIL) {
      if (sender == null) {
        io.cinnabar.server.Log.notice(
            "Ignoring FAIL message from unknown node "
                + m.sender
                + " about "
                + ((MessageData.Fail) m.data).nodeId());
      } else if (bus.failures.failReceived(sender, ((MessageData.Fail) m.data).nodeId(), now)) {
        bus.changed();
      }
      return;
    }
    if (m.type == ClusterMessage.FAILOVER_AUTH_REQUEST) {
      if (sender != null) {
        bus.failover.authRequest(sender, m);
      }
      return;
    }
    if (m.type == ClusterMessage.FAILOVER_AUTH_ACK) {
      if (sender != null) {
        bus.failover.authAck(sender, m);
      }
      return;
    }
    if (m.type == ClusterMessage.MFSTART) {
      bus.failover.mfStart(sender);
      return;
    }
    if (!m.isPingType()) {
      return; // module messages are not handled
    }
    if (m.type == ClusterMessage.PING || m.type == ClusterMessage.MEET) {
      if ((m.type == ClusterMessage.MEET || t.myself.ip.isEmpty())
          && bus.settings.announceIp().isEmpty()) {
        String ip = ((InetSocketAddress) link.channel.localAddress()).getAddress().getHostAddress();
        if (!ip.equals(t.myself.ip)) {
          t.myself.ip = ip;
          bus.changed();
        }
      }
      if (sender == null && m.type == ClusterMessage.MEET) {
        ClusterNode n = new ClusterNode();
        n.id = ClusterBus.randomId();
        n.shardId = ClusterBus.randomId();
        n.flags = ClusterNode.FLAG_HANDSHAKE;
        n.ip = senderIp(link, m);
        n.port = m.port;
        n.cport = m.cport;
        t.add(n);
        bus.changed();
      }
      sendPing(bus, link, ClusterMessage.PONG);
    }
    if (link.node != null) {
      ClusterNode ln = link.node;
      if (ln.is(ClusterNode.FLAG_HANDSHAKE)) {
        if (sender != null) {
          updateAddress(bus, sender, link, m);
          bus.forget(ln); // a second handshake with a node we already know
          return;
        }
        t.rename(ln, m.sender);
        ln.shardId = m.sender;
        ln.flags &= ~ClusterNode.FLAG_HANDSHAKE;
        ln.flags |= m.flags & ROLE;
        ln.configEpoch = m.configEpoch;
        if (Long.compareUnsigned(m.currentEpoch, t.currentEpoch) > 0) {
          t.currentEpoch = m.currentEpoch;
        }
        bus.changed();
        // Unlike Redis 7.0 (which waits for the node's next PING/PONG), the handshake PONG's
        // header and gossip are used at once: the node's slots are known a ping round earlier.
        sender = ln;
      } else if (!ln.id.equals(m.sender)) {
        ln.ip = "";
        ln.port = 0;
        ln.cport = 0;
        ln.flags |= ClusterNode.FLAG_NOADDR;
        bus.freeLink(ln);
        bus.changed();
        return;
      }
    }
    if (sender != null
        && m.type == ClusterMessage.PING
        && !sender.is(ClusterNode.FLAG_HANDSHAKE)
        && updateAddress(bus, sender, link, m)) {
      bus.changed();
    }
    if (!link.inbound && m.type == ClusterMessage.PONG) {
      link.node.pongReceivedMs = now;
      link.node.pingSentMs = 0;
      bus.cron.pingWhenDue(link.node);
      if (bus.failures.reachable(link.node, now)) {
        bus.changed();
      }
    }
    if (sender == null) {
      if (m.type == ClusterMessage.MEET) {
        gossip(bus, null, m.ping().gossip(), now); // as Redis: a MEET's gossip is trusted
      }
      return;
    }
    updateRole(bus, sender, m);
    if ((sender.flags & ClusterNode.FLAG_NOFAILOVER) != (m.flags & ClusterNode.FLAG_NOFAILOVER)) {
      // As Redis: the sender's nofailover flag is trusted (replica ranking skips such replicas).
      sender.flags ^= ClusterNode.FLAG_NOFAILOVER;
      bus.changed();
    }
    ClusterNode senderPrimary = sender.is(ClusterNode.FLAG_PRIMARY) ? sender : t.primaryOf(sender);
    boolean dirty = senderPrimary != null && !Arrays.equals(senderPrimary.slots, m.myslots);
    if (sender.is(ClusterNode.FLAG_PRIMARY) && dirty) {
      updateSlotsConfigWith(bus, sender, m.configEpoch, m.myslots);
    }
    if (dirty) {
      // Slots the sender claims but that another node owns (bitmaps compared a byte at a time).
      search:
      for (int i = 0; i < m.myslots.length; i++) {
        int claimed = m.myslots[i] & ~sender.slots[i] & 0xFF;
        for (int bits = claimed; bits != 0; bits &= bits - 1) {
          ClusterNode o = t.owner((i << 3) + Integer.numberOfTrailingZeros(bits));
          if (o != null && Long.compareUnsigned(o.configEpoch, m.configEpoch) > 0) {
            sendUpdate(bus, link, o);
            break search;
          }
        }
      }
    }
    if (sender.is(ClusterNode.FLAG_PRIMARY)
        && t.myself.is(ClusterNode.FLAG_PRIMARY)
        && m.configEpoch == t.myself.configEpoch
        && sender.id.compareTo(t.myself.id) > 0) {
      // clusterHandleConfigEpochCollision: the node with the smaller id takes a new epoch.
      t.currentEpoch++;
      t.myself.configEpoch = t.currentEpoch;
      bus.changed();
    }
    gossip(bus, sender, m.ping().gossip(), now);
    for (PingExt e : m.ping().extensions()) {
      if (e instanceof PingExt.Hostname h && !h.hostname().equals(sender.hostname)) {
        sender.hostname = h.hostname();
        bus.changed();
      }
    }
  }

  private static String senderIp(BusLink link, ClusterMessage m) {
    if (!m.myip.isEmpty()) {
      return m.myip;
    }
    return ((InetSocketAddress) link.channel.remoteAddress()).getAddress().getHostAddress();
  }

  /** nodeUpdateAddressIfNeeded: true when the node's address changed (its link is dropped). */
  private static boolean updateAddress(
      ClusterBus bus, ClusterNode n, BusLink link, ClusterMessage m) {
    if (bus.linkOf(n) == link) {
      return false;
    }
    String ip = senderIp(link, m);
    if (n.ip.equals(ip) && n.port == m.port && n.cport == m.cport) {
      return false;
    }
    n.ip = ip;
    n.port = m.port;
    n.cport = m.cport;
    n.flags &= ~ClusterNode.FLAG_NOADDR;
    bus.freeLink(n);
    return true;
  }

  private static void updateRole(ClusterBus bus, ClusterNode sender, ClusterMessage m) {
    if (m.primaryId == null) {
      if (sender.is(ClusterNode.FLAG_REPLICA)) {
        sender.flags = (sender.flags & ~ClusterNode.FLAG_REPLICA) | ClusterNode.FLAG_PRIMARY;
        sender.primaryId = null;
        bus.changed();
      }
    } else if (!m.primaryId.equals(sender.primaryId)) {
      if (sender.is(ClusterNode.FLAG_PRIMARY)) {
        for (int s = 0; s < ClusterNode.SLOTS; s++) {
          if (bus.table.owner(s) == sender) {
            bus.table.unassignSlot(s);
          }
        }
      }
      sender.flags =
          (sender.flags & ~(ClusterNode.FLAG_PRIMARY | ClusterNode.FLAG_MIGRATE_TO))
              | ClusterNode.FLAG_REPLICA;
      sender.primaryId = m.primaryId;
      bus.changed();
    }
  }

  /**
   * clusterUpdateSlotsConfigWith: the sender takes every slot it claims that is free or owned by a
   * node with an older config epoch (slots being imported here excepted). When that leaves my
   * primary (myself, or the primary I replicate) without slots, I follow the sender: this is how a
   * failed-over primary rejoins as a replica and how its other replicas follow the winner. Keys of
   * slots taken from myself while I keep others are deleted.
   */
  static void updateSlotsConfigWith(ClusterBus bus, ClusterNode sender, long epoch, byte[] slots) {
    NodeTable t = bus.table;
    if (sender == t.myself) {
      io.cinnabar.server.Log.warning("Discarding UPDATE message about myself.");
      return;
    }
    ClusterNode me = t.myself;
    ClusterNode current = me.is(ClusterNode.FLAG_PRIMARY) ? me : t.primaryOf(me);
    boolean newPrimary = false;
    int senderSlots = 0;
    int migratedOurs = 0;
    List<Integer> dirty = new ArrayList<>();
    // A byte at a time: the claimed slots the sender already owns (nearly all, on every PING
    // during a reshard) are skipped eight at once. sender.slots mirrors the table's owners.
    for (int i = 0; i < slots.length; i++) {
      senderSlots += Integer.bitCount(slots[i] & 0xFF);
      int news = slots[i] & ~sender.slots[i] & 0xFF;
      for (; news != 0; news &= news - 1) {
        int s = (i << 3) + Integer.numberOfTrailingZeros(news);
        ClusterNode o = t.owner(s);
        if (t.importingFrom(s) != null) {
          continue;
        }
        if (o == null || Long.compareUnsigned(o.configEpoch, epoch) < 0) {
          if (o == me) {
            dirty.add(s);
          }
          if (o != null && o == current) {
            newPrimary = true;
            migratedOurs++;
          }
          t.unassignSlot(s);
          t.assignSlot(sender, s);
          bus.changed();
        }
      }
    }
    if (newPrimary
        && current.slotCount() == 0
        && (bus.settings.allowReplicaMigration() || senderSlots == migratedOurs)) {
      io.cinnabar.server.Log.warning(
          "Configuration change detected. Reconfiguring myself as a replica of " + sender.id);
      bus.failover.setPrimary(sender);
    } else if (me.is(ClusterNode.FLAG_REPLICA)
        && current != null
        && current.is(ClusterNode.FLAG_REPLICA)
        && t.primaryOf(current) != null) {
      ClusterNode grand = t.primaryOf(current);
      io.cinnabar.server.Log.notice(
          "I'm a sub-replica! Reconfiguring myself as a replica of grandmaster " + grand.id);
      bus.failover.setPrimary(grand);
    } else if (!dirty.isEmpty()) {
      int[] a = new int[dirty.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = dirty.get(i);
      }
      bus.failover.control.deleteKeysInSlots(a);
    }
  }

  private static void sendUpdate(ClusterBus bus, BusLink link, ClusterNode owner) {
    ClusterMessage m = header(bus, ClusterMessage.UPDATE);
    m.data = new MessageData.Update(owner.configEpoch, owner.id, owner.slots.clone());
    link.send(m);
  }

  private static void update(ClusterBus bus, ClusterNode sender, MessageData.Update u) {
    if (sender == null) {
      return;
    }
    ClusterNode n = bus.table.get(u.nodeId());
    if (n == null || Long.compareUnsigned(n.configEpoch, u.configEpoch()) >= 0) {
      return;
    }
    if (n.is(ClusterNode.FLAG_REPLICA)) {
      n.flags = (n.flags & ~ClusterNode.FLAG_REPLICA) | ClusterNode.FLAG_PRIMARY;
      n.primaryId = null;
    }
    n.configEpoch = u.configEpoch();
    updateSlotsConfigWith(bus, n, u.configEpoch(), u.slots());
    bus.changed();
  }

  /**
   * clusterProcessGossipSection: failure reports from primaries, pong times of healthy nodes, new
   * addresses of failing ones, and handshakes with nodes we do not know.
   */
  private static void gossip(ClusterBus bus, ClusterNode sender, List<Gossip> entries, long now) {
    int failing = ClusterNode.FLAG_PFAIL | ClusterNode.FLAG_FAIL;
    for (Gossip g : entries) {
      ClusterNode n = bus.table.get(g.nodeId());
      if (n != null) {
        if (sender != null && bus.failures.gossip(sender, n, g.flags(), now)) {
          bus.changed();
        }
        if ((g.flags() & failing) == 0
            && n.pingSentMs == 0
            && n.failReports.count(now, bus.settings.timeout()) == 0) {
          long pong = g.pongReceived() * 1000;
          if (pong <= now + 500 && pong > n.pongReceivedMs) {
            n.pongReceivedMs = pong;
          }
        }
        if (n.is(failing)
            && n != bus.table.myself
            && (g.flags() & (ClusterNode.FLAG_NOADDR | failing)) == 0
            && (!n.ip.equalsIgnoreCase(g.ip()) || n.port != g.port() || n.cport != g.cport())) {
          // Someone reaches it at another address: try that one.
          bus.freeLink(n);
          n.ip = g.ip();
          n.port = g.port();
          n.cport = g.cport();
          n.flags &= ~ClusterNode.FLAG_NOADDR;
          bus.changed();
        }
      } else if (sender != null
          && (g.flags() & ClusterNode.FLAG_NOADDR) == 0
          && !bus.blacklist.containsKey(g.nodeId())
          && !g.ip().isEmpty()) {
        bus.meet(g.ip(), g.port(), g.cport());
      }
    }
  }
}
