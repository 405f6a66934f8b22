package io.cinnabar.command;

import static io.cinnabar.cluster.ClusterTopology.NONE;

import io.cinnabar.cluster.ClusterTopology;
import io.cinnabar.cluster.SlotHash;
import io.cinnabar.config.Config;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;

/**
 * Cluster-mode routing of a request, as Redis's getNodeByQuery and clusterRedirectClient: the keys
 * (found through the command's key specs) must all hash to one slot, that slot must be served by
 * myself, and the cluster must be up. Otherwise the client gets CROSSSLOT, MOVED or CLUSTERDOWN and
 * the command does not run. Keyless commands always run here. Reads the published {@link
 * ClusterTopology}, so a concurrent topology change is seen whole or not at all.
 */
public final class SlotRouter {
  static final byte[] CROSSSLOT =
      Bytes.ascii("CROSSSLOT Keys in request don't hash to the same slot");
  static final byte[] UNBOUND = Bytes.ascii("CLUSTERDOWN Hash slot not served");
  static final byte[] DOWN = Bytes.ascii("CLUSTERDOWN The cluster is down");
  static final byte[] DOWN_READ_ONLY =
      Bytes.ascii("CLUSTERDOWN The cluster is down and only accepts read commands");
  static final byte[] TRYAGAIN =
      Bytes.ascii("TRYAGAIN Multiple keys request during rehashing of slot");

  private final KeyPositions keys = new KeyPositions();

  /**
   * What the keys of a request in an open slot (migrating or importing) look like here: how many
   * are missing / present in database 0 (each occurrence counts), and whether they are not all the
   * same key. Set only on the open-slot path.
   */
  private int missing;

  private int present;
  private boolean multiple;

  /**
   * True when the command may run on this node; otherwise the redirection or error has been
   * replied. cluster-allow-reads-when-down is read from {@code config} only when the cluster is
   * down.
   */
  public boolean route(Client c, CommandSpec cmd, ClusterTopology topology, Config config) {
    if (cmd.keySpecs.isEmpty() && !cmd.has(CommandFlag.MOVABLEKEYS)) {
      return true;
    }
    Request r = c.req;
    int slot;
    int owner;
    int single = cmd.singleKey;
    if (single > 0) {
      // The common case (GET, SET, HSET, ...): one key at a fixed index, no spec to evaluate.
      if (single >= r.argc) {
        return true; // the command rejects its arguments itself
      }
      slot = SlotHash.slot(r.bufs[single], r.offs[single], r.lens[single]);
      owner = topology.owner(slot);
      if (owner == ClusterTopology.NONE) {
        c.reply.errorBytes(UNBOUND);
        return false;
      }
      if (topology.anyOpen() && topology.open(slot)) {
        startOpen();
        countKey(c, r.bufs[single], r.offs[single], r.lens[single]);
      }
    } else {
      // Shard channels (the only not_key specs in Redis 7.0) route like keys.
      if (!cmd.keys(r, keys, true) || keys.size() == 0) {
        return true; // no keys (or arguments the command will reject itself): answered here
      }
      int first = keys.get(0);
      slot = SlotHash.slot(r.bufs[first], r.offs[first], r.lens[first]);
      owner = topology.owner(slot);
      if (owner == ClusterTopology.NONE) {
        c.reply.errorBytes(UNBOUND);
        return false;
      }
      for (int i = 1; i < keys.size(); i++) {
        int k = keys.get(i);
        if (SlotHash.slot(r.bufs[k], r.offs[k], r.lens[k]) != slot) {
          c.reply.errorBytes(CROSSSLOT);
          return false;
        }
      }
      if (topology.anyOpen() && topology.open(slot)) {
        startOpen();
        for (int i = 0; i < keys.size(); i++) {
          int k = keys.get(i);
          multiple |=
              !same(r.bufs[first], r.offs[first], r.lens[first], r.bufs[k], r.offs[k], r.lens[k]);
          countKey(c, r.bufs[k], r.offs[k], r.lens[k]);
        }
      }
    }
    return finish(
        c,
        cmd,
        slot,
        cmd.has(CommandFlag.WRITE),
        cmd.has(CommandFlag.PUBSUB) && !cmd.keySpecs.isEmpty(),
        topology,
        config);
  }

  private static boolean same(byte[] a, int ao, int al, byte[] b, int bo, int bl) {
    return java.util.Arrays.equals(a, ao, ao + al, b, bo, bo + bl);
  }

  private void startOpen() {
    missing = 0;
    present = 0;
    multiple = false;
  }

  /** Counts a key of a request in an open slot as present or missing (no stats, no touch). */
  private void countKey(Client c, byte[] b, int off, int len) {
    if (c.server.keyspace.db(0).lookupWrite(b, off, len, c.server.now()) == null) {
      missing++;
    } else {
      present++;
    }
  }

  /**
   * Routes EXEC: the keys of all queued commands must hash to one slot served here. Uses the
   * client's request to hold each queued command's arguments in turn (the caller restores it).
   */
  public boolean routeAll(
      Client c,
      java.util.List<CommandSpec> cmds,
      java.util.List<byte[][]> args,
      ClusterTopology topology,
      Config config) {
    Request r = c.req;
    int slot = -1;
    boolean write = false;
    boolean open = false;
    byte[] firstKey = null;
    startOpen();
    for (int i = 0; i < cmds.size(); i++) {
      CommandSpec cmd = cmds.get(i);
      if (cmd.keySpecs.isEmpty() && !cmd.has(CommandFlag.MOVABLEKEYS)) {
        continue;
      }
      r.setAll(args.get(i));
      if (!cmd.keys(r, keys, true)) {
        continue;
      }
      write |= cmd.has(CommandFlag.WRITE);
      for (int j = 0; j < keys.size(); j++) {
        int k = keys.get(j);
        int s = SlotHash.slot(r.bufs[k], r.offs[k], r.lens[k]);
        if (slot < 0) {
          slot = s;
          if (topology.owner(slot) == ClusterTopology.NONE) {
            c.reply.errorBytes(UNBOUND);
            return false;
          }
          open = topology.anyOpen() && topology.open(slot);
          if (open) {
            firstKey = java.util.Arrays.copyOfRange(r.bufs[k], r.offs[k], r.offs[k] + r.lens[k]);
          }
        } else if (s != slot) {
          c.reply.errorBytes(CROSSSLOT);
          return false;
        }
        if (open) {
          multiple |= !same(firstKey, 0, firstKey.length, r.bufs[k], r.offs[k], r.lens[k]);
          countKey(c, r.bufs[k], r.offs[k], r.lens[k]);
        }
      }
    }
    return slot < 0 || finish(c, null, slot, write, false, topology, config);
  }

  /**
   * The checks after the slot is known: cluster state, then an open slot's rules (ASK, ASKING,
   * TRYAGAIN, as Redis's getNodeByQuery), then ownership (MOVED). {@code cmd} is null for EXEC.
   */
  private boolean finish(
      Client c,
      CommandSpec cmd,
      int slot,
      boolean write,
      boolean shardChannel,
      ClusterTopology topology,
      Config config) {
    int owner = topology.owner(slot);
    if (!topology.ok()) {
      if (shardChannel) {
        if (!config.getBool("cluster-allow-pubsubshard-when-down")) {
          c.reply.errorBytes(DOWN);
          return false;
        }
      } else if (!config.getBool("cluster-allow-reads-when-down")) {
        c.reply.errorBytes(DOWN);
        return false;
      }
      if (write) {
        c.reply.errorBytes(DOWN_READ_ONLY);
        return false;
      }
    }
    if (topology.anyOpen() && topology.open(slot)) {
      boolean migrating = owner == topology.myself() && topology.migratingTo(slot) != NONE;
      boolean importing = !migrating && topology.importingFrom(slot) != NONE;
      if (shardChannel) {
        missing = 0; // shard channels stay with the source until the slot is handed over
      }
      if (cmd != null && "migrate".equals(cmd.fullName)) {
        return true; // keys move freely between the two sides of an open slot
      }
      if (migrating && missing > 0) {
        if (present > 0) {
          c.reply.errorBytes(TRYAGAIN);
          return false;
        }
        c.reply.error("ASK " + slot + " " + topology.endpoint(topology.migratingTo(slot)));
        return false;
      }
      if (importing && (c.asking != 0 || (cmd != null && cmd.has(CommandFlag.ASKING)))) {
        if (multiple && missing > 0) {
          c.reply.errorBytes(TRYAGAIN);
          return false;
        }
        return true;
      }
    }
    if (owner == topology.myself()) {
      return true;
    }
    if (c.clusterReadOnly && !write && owner == topology.myPrimary()) {
      return true; // a READONLY client reads from this replica of the slot's primary
    }
    c.reply.error("MOVED " + slot + " " + topology.endpoint(owner));
    return false;
  }
}
