package io.cinnabar.cluster;

import io.cinnabar.config.ConfigFile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes.conf text format of Redis 7.0 (clusterLoadConfig / clusterGenNodesDescription), which
 * is also the CLUSTER NODES line format. One line per node:
 *
 * <pre>
 * id ip:port@cport[,hostname] flags primary|- ping_sent pong_recv config_epoch link slots...
 * </pre>
 *
 * where slots are "N" or "A-B", and on myself's line "[N-&gt;-id]" (migrating to) or "[N-&lt;-id]"
 * (importing from), then a final "vars currentEpoch N lastVoteEpoch M" line. 7.0 writes no shard-id
 * or other aux fields (7.2 added them).
 */
public final class NodesConf {
  private static final String[] FLAG_NAMES = {
    "myself,", "master,", "slave,", "fail?,", "fail,", "handshake,", "noaddr,", "nofailover,"
  };
  private static final int[] FLAG_BITS = {
    ClusterNode.FLAG_MYSELF,
    ClusterNode.FLAG_PRIMARY,
    ClusterNode.FLAG_REPLICA,
    ClusterNode.FLAG_PFAIL,
    ClusterNode.FLAG_FAIL,
    ClusterNode.FLAG_HANDSHAKE,
    ClusterNode.FLAG_NOADDR,
    ClusterNode.FLAG_NOFAILOVER
  };

  private NodesConf() {}

  /** A nodes.conf Redis would refuse to start with; the message is the one Redis logs. */
  public static final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }

    static FormatException corrupted(String line) {
      return new FormatException(
          "Unrecoverable error: corrupted cluster config file \"" + line + "\".");
    }
  }

  /**
   * Parses the file as written, keeping every field as stored (ping/pong times, link state) so
   * {@link #render} gives the same bytes back. {@link #restart} then applies what Redis recomputes
   * when it loads the file.
   */
  public static NodeTable parse(String text) throws FormatException {
    NodeTable t = new NodeTable();
    // A node named as a primary or migration target before its own line is created early; the
    // table must still list nodes in line order.
    Set<ClusterNode> lineOrder = new LinkedHashSet<>();
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, end);
      pos = end + 1;
      if (line.isEmpty()) {
        continue;
      }
      ClusterNode n = parseLine(t, trimCrLf(line));
      if (n != null) {
        lineOrder.add(n);
      }
    }
    t.reorder(lineOrder);
    if (t.myself == null) {
      throw new FormatException(
          "Unrecoverable error: corrupted cluster config file: no node has the myself flag.");
    }
    return t;
  }

  /**
   * What Redis does after reading the file: non-zero ping/pong times become now, a failing node's
   * fail time is now, links start disconnected (myself counts as connected) and currentEpoch is
   * raised to the highest config epoch.
   */
  public static void restart(NodeTable t, long nowMs) {
    for (ClusterNode n : t.nodes()) {
      if (n.pingSentMs != 0) {
        n.pingSentMs = nowMs;
      }
      if (n.pongReceivedMs != 0) {
        n.pongReceivedMs = nowMs;
      }
      if (n.is(ClusterNode.FLAG_FAIL)) {
        n.failTimeMs = nowMs;
      }
      n.linkConnected = false;
    }
    t.currentEpoch = t.maxEpoch();
  }

  private static String trimCrLf(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && (s.charAt(b) == '\r' || s.charAt(b) == '\n')) {
      b++;
    }
    while (e > b && (s.charAt(e - 1) == '\r' || s.charAt(e - 1) == '\n')) {
      e--;
    }
    return s.substring(b, e);
  }

  /** Returns the node the line describes, or null for the vars line. */
  private static ClusterNode parseLine(NodeTable t, String line) throws FormatException {
    List<String> argv = ConfigFile.split(line);
    if (argv == null || argv.isEmpty()) {
      throw FormatException.corrupted(line);
    }
    if (argv.get(0).equalsIgnoreCase("vars")) {
      for (int j = 1; j + 1 < argv.size(); j += 2) {
        String name = argv.get(j);
        if (name.equalsIgnoreCase("currentEpoch")) {
          t.currentEpoch = unsigned(argv.get(j + 1), line);
        } else if (name.equalsIgnoreCase("lastVoteEpoch")) {
          t.lastVoteEpoch = unsigned(argv.get(j + 1), line);
        }
        // Redis skips unknown variables with a warning, and so forgets them on the next save.
      }
      return null;
    }
    if (argv.size() < 8) {
      throw FormatException.corrupted(line);
    }
    String id = argv.get(0);
    if (!isNodeId(id)) {
      throw FormatException.corrupted(line);
    }
    ClusterNode n = t.getOrCreate(id);
    parseAddress(n, argv.get(1), line);
    parseFlags(t, n, argv.get(2));
    String primary = argv.get(3);
    if (primary.charAt(0) != '-') {
      if (!isNodeId(primary)) {
        throw FormatException.corrupted(line);
      }
      t.getOrCreate(primary);
      n.primaryId = primary;
    }
    n.pingSentMs = number(argv.get(4), line);
    n.pongReceivedMs = number(argv.get(5), line);
    n.configEpoch = unsigned(argv.get(6), line);
    n.linkConnected = argv.get(7).equals("connected");
    for (int j = 8; j < argv.size(); j++) {
      parseSlots(t, n, argv.get(j), line);
    }
    return n;
  }

  private static void parseAddress(ClusterNode n, String addr, String line) throws FormatException {
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      throw FormatException.corrupted(line);
    }
    n.ip = addr.substring(0, colon);
    String rest = addr.substring(colon + 1);
    int comma = rest.indexOf(',');
    n.hostname = comma < 0 ? "" : rest.substring(comma + 1);
    if (comma >= 0) {
      rest = rest.substring(0, comma);
    }
    int at = rest.indexOf('@');
    n.port = (int) number(at < 0 ? rest : rest.substring(0, at), line);
    // Files older than 4.0 have no "@cport": the bus port is then port + 10000.
    n.cport = at < 0 ? n.port + 10000 : (int) number(rest.substring(at + 1), line);
  }

  private static void parseFlags(NodeTable t, ClusterNode n, String flags) throws FormatException {
    for (String f : flags.split(",", -1)) {
      switch (f) {
        case "myself" -> {
          if (t.myself != null && t.myself != n) {
            throw new FormatException(
                "Unrecoverable error: corrupted cluster config file: two nodes have the myself"
                    + " flag.");
          }
          t.myself = n;
          n.flags |= ClusterNode.FLAG_MYSELF;
        }
        case "master" -> n.flags |= ClusterNode.FLAG_PRIMARY;
        case "slave" -> n.flags |= ClusterNode.FLAG_REPLICA;
        case "fail?" -> n.flags |= ClusterNode.FLAG_PFAIL;
        case "fail" -> n.flags |= ClusterNode.FLAG_FAIL;
        case "handshake" -> n.flags |= ClusterNode.FLAG_HANDSHAKE;
        case "noaddr" -> n.flags |= ClusterNode.FLAG_NOADDR;
        case "nofailover" -> n.flags |= ClusterNode.FLAG_NOFAILOVER;
        case "noflags" -> {}
        default ->
            throw new FormatException("Unknown flag in redis cluster config file: '" + f + "'");
      }
    }
  }

  private static void parseSlots(NodeTable t, ClusterNode n, String arg, String line)
      throws FormatException {
    if (arg.charAt(0) == '[') {
      // "[slot->-id]" or "[slot-<-id]"
      int dash = arg.indexOf('-');
      if (dash < 0 || arg.length() < dash + 3 + 40 + 1) {
        throw FormatException.corrupted(line);
      }
      int slot = slot(arg.substring(1, dash), line);
      char direction = arg.charAt(dash + 1);
      String id = arg.substring(dash + 3, arg.length() - 1);
      if ((direction != '>' && direction != '<')
          || arg.charAt(dash + 2) != '-'
          || arg.charAt(arg.length() - 1) != ']'
          || !isNodeId(id)) {
        throw new FormatException(
            "Invalid node ID in migrating/importing slot configuration: \"" + line + "\"");
      }
      ClusterNode target = t.getOrCreate(id);
      if (direction == '>') {
        t.setMigratingTo(slot, target);
      } else {
        t.setImportingFrom(slot, target);
      }
      return;
    }
    int dash = arg.indexOf('-');
    int start = slot(dash < 0 ? arg : arg.substring(0, dash), line);
    int stop = dash < 0 ? start : slot(arg.substring(dash + 1), line);
    for (int s = start; s <= stop; s++) {
      t.assignSlot(n, s);
    }
  }

  private static int slot(String s, String line) throws FormatException {
    long v = number(s, line);
    if (v < 0 || v >= ClusterNode.SLOTS) {
      throw FormatException.corrupted(line);
    }
    return (int) v;
  }

  /** A decimal integer; Redis's atoi would read garbage as 0, we refuse it. */
  private static long number(String s, String line) throws FormatException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw FormatException.corrupted(line);
    }
  }

  private static long unsigned(String s, String line) throws FormatException {
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw FormatException.corrupted(line);
    }
  }

  static boolean isNodeId(String s) {
    if (s.length() != 40) {
      return false;
    }
    for (int i = 0; i < 40; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The whole file: every node but those in handshake, then the vars line. */
  public static String render(NodeTable t) {
    StringBuilder sb = new StringBuilder(256 * t.size());
    appendNodes(sb, t, ClusterNode.FLAG_HANDSHAKE);
    sb.append("vars currentEpoch ")
        .append(Long.toUnsignedString(t.currentEpoch))
        .append(" lastVoteEpoch ")
        .append(Long.toUnsignedString(t.lastVoteEpoch))
        .append('\n');
    return sb.toString();
  }

  /** One line per node whose flags have none of filterFlags, each ending in '\n'. */
  static void appendNodes(StringBuilder sb, NodeTable t, int filterFlags) {
    for (ClusterNode n : t.nodes()) {
      if ((n.flags & filterFlags) == 0) {
        appendLine(sb, t, n);
        sb.append('\n');
      }
    }
  }

  /** A node's line without the newline, as clusterGenNodeDescription. */
  public static String line(NodeTable t, ClusterNode n) {
    StringBuilder sb = new StringBuilder();
    appendLine(sb, t, n);
    return sb.toString();
  }

  static void appendLine(StringBuilder sb, NodeTable t, ClusterNode n) {
    sb.append(n.id).append(' ').append(n.ip).append(':').append(n.port).append('@').append(n.cport);
    if (!n.hostname.isEmpty()) {
      sb.append(',').append(n.hostname);
    }
    sb.append(' ');
    appendFlags(sb, n.flags);
    sb.append(' ').append(n.primaryId == null ? "-" : n.primaryId);
    // A replica reports its primary's epoch, not its own.
    ClusterNode primary = t.primaryOf(n);
    long epoch =
        n.is(ClusterNode.FLAG_REPLICA) && primary != null ? primary.configEpoch : n.configEpoch;
    sb.append(' ').append(n.pingSentMs).append(' ').append(n.pongReceivedMs);
    sb.append(' ').append(Long.toUnsignedString(epoch));
    sb.append(n.linkConnected || n.is(ClusterNode.FLAG_MYSELF) ? " connected" : " disconnected");
    appendSlotRanges(sb, n);
    if (n.is(ClusterNode.FLAG_MYSELF) && t.anyOpen()) {
      for (int s = t.nextOpenSlot(0); s >= 0; s = t.nextOpenSlot(s + 1)) {
        ClusterNode to = t.migratingTo(s);
        ClusterNode from = t.importingFrom(s);
        if (to != null) {
          sb.append(" [").append(s).append("->-").append(to.id).append(']');
        } else if (from != null) {
          sb.append(" [").append(s).append("-<-").append(from.id).append(']');
        }
      }
    }
  }

  private static void appendFlags(StringBuilder sb, int flags) {
    int start = sb.length();
    for (int i = 0; i < FLAG_BITS.length; i++) {
      if ((flags & FLAG_BITS[i]) != 0) {
        sb.append(FLAG_NAMES[i]);
      }
    }
    if (sb.length() == start) {
      sb.append("noflags");
    } else {
      sb.setLength(sb.length() - 1);
    }
  }

  private static void appendSlotRanges(StringBuilder sb, ClusterNode n) {
    String r = n.slotRanges;
    if (r == null) {
      StringBuilder b = new StringBuilder();
      renderSlotRanges(b, n);
      r = b.toString();
      n.slotRanges = r;
    }
    sb.append(r);
  }

  private static void renderSlotRanges(StringBuilder sb, ClusterNode n) {
    // Whole bytes of the bitmap that are all clear (outside a range) or all set (inside one) are
    // skipped 8 slots at a time: CLUSTER SETSLOT renders this file on every call.
    byte[] bits = n.slots;
    int start = -1;
    int s = 0;
    while (s < ClusterNode.SLOTS) {
      if ((s & 7) == 0) {
        byte b = bits[s >> 3];
        if ((b == 0 && start < 0) || (b == (byte) 0xFF && start >= 0)) {
          s += 8;
          continue;
        }
      }
      boolean has = (bits[s >> 3] & (1 << (s & 7))) != 0;
      if (has && start < 0) {
        start = s;
      } else if (!has && start >= 0) {
        appendRange(sb, start, s - 1);
        start = -1;
      }
      s++;
    }
    if (start >= 0) {
      appendRange(sb, start, ClusterNode.SLOTS - 1);
    }
  }

  private static void appendRange(StringBuilder sb, int start, int end) {
    sb.append(' ').append(start);
    if (end != start) {
      sb.append('-').append(end);
    }
  }
}
