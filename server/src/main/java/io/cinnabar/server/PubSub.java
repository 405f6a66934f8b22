package io.cinnabar.server;

import io.cinnabar.protocol.Reply;
import io.cinnabar.util.Bytes;
import io.cinnabar.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pub/sub registry (Redis's pubsub.c): channel, pattern and shard channel subscribers, and each
 * client's own subscriptions. Lives on the keyspace thread. Messages go straight into each
 * receiver's reply buffer and are flushed at once (a publisher's own RESP3 push is flushed with its
 * reply).
 */
public final class PubSub {
  /** A channel or pattern name, hashed by content. */
  public static final class Name {
    final byte[] b;
    private final int hash;

    public Name(byte[] b) {
      this.b = b;
      this.hash = Arrays.hashCode(b);
    }

    public byte[] bytes() {
      return b;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Name n && Arrays.equals(b, n.b);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One client's subscriptions, in subscription order. */
  static final class Subs {
    final Set<Name> channels = new LinkedHashSet<>();
    final Set<Name> patterns = new LinkedHashSet<>();
    final Set<Name> shard = new LinkedHashSet<>();
  }

  /** The three kinds of subscription and their reply words. */
  public enum Kind {
    CHANNEL("subscribe", "unsubscribe"),
    PATTERN("psubscribe", "punsubscribe"),
    SHARD("ssubscribe", "sunsubscribe");

    final byte[] sub;
    final byte[] unsub;

    Kind(String s, String u) {
      sub = Bytes.ascii(s);
      unsub = Bytes.ascii(u);
    }
  }

  private static final byte[] MESSAGE = Bytes.ascii("message");
  private static final byte[] PMESSAGE = Bytes.ascii("pmessage");
  private static final byte[] SMESSAGE = Bytes.ascii("smessage");

  private final Map<Name, Set<Client>> channels = new HashMap<>();
  private final Map<Name, Set<Client>> patterns = new HashMap<>();
  private final Map<Name, Set<Client>> shard = new HashMap<>();

  private Map<Name, Set<Client>> registry(Kind k) {
    return switch (k) {
      case CHANNEL -> channels;
      case PATTERN -> patterns;
      case SHARD -> shard;
    };
  }

  private static Set<Name> own(Subs s, Kind k) {
    return switch (k) {
      case CHANNEL -> s.channels;
      case PATTERN -> s.patterns;
      case SHARD -> s.shard;
    };
  }

  /** Channels plus patterns: the count SUBSCRIBE/PSUBSCRIBE confirmations carry. */
  public static int count(Client c) {
    Subs s = c.pubsub;
    return s == null ? 0 : s.channels.size() + s.patterns.size();
  }

  public static int channelCount(Client c) {
    return c.pubsub == null ? 0 : c.pubsub.channels.size();
  }

  public static int patternCount(Client c) {
    return c.pubsub == null ? 0 : c.pubsub.patterns.size();
  }

  public static int shardCount(Client c) {
    return c.pubsub == null ? 0 : c.pubsub.shard.size();
  }

  /** True while the client has any subscription (Redis's CLIENT_PUBSUB flag). */
  public static boolean subscribed(Client c) {
    Subs s = c.pubsub;
    return s != null && (!s.channels.isEmpty() || !s.patterns.isEmpty() || !s.shard.isEmpty());
  }

  private static int replyCount(Client c, Kind k) {
    return k == Kind.SHARD ? shardCount(c) : count(c);
  }

  /** Subscribes and replies with the confirmation, also when already subscribed. */
  public void subscribe(Client c, Kind k, byte[] name) {
    if (c.pubsub == null) {
      c.pubsub = new Subs();
    }
    Name n = new Name(name);
    if (own(c.pubsub, k).add(n)) {
      registry(k).computeIfAbsent(n, x -> new LinkedHashSet<>()).add(c);
    }
    confirm(c.reply, k.sub, name, replyCount(c, k));
  }

  /** Unsubscribes and replies with the confirmation, also when not subscribed. */
  public void unsubscribe(Client c, Kind k, byte[] name, boolean notify) {
    Name n = new Name(name);
    if (c.pubsub != null && own(c.pubsub, k).remove(n)) {
      Map<Name, Set<Client>> reg = registry(k);
      Set<Client> subs = reg.get(n);
      if (subs != null) {
        subs.remove(c);
        if (subs.isEmpty()) {
          reg.remove(n);
        }
      }
    }
    if (notify) {
      confirm(c.reply, k.unsub, name, replyCount(c, k));
    }
  }

  /** Drops every subscription of one kind; with {@code notify}, as UNSUBSCRIBE with no argument. */
  public void unsubscribeAll(Client c, Kind k, boolean notify) {
    List<Name> mine = c.pubsub == null ? List.of() : new ArrayList<>(own(c.pubsub, k));
    for (Name n : mine) {
      unsubscribe(c, k, n.b, notify);
    }
    if (notify && mine.isEmpty()) {
      c.reply.push(3);
      c.reply.bulk(k.unsub);
      c.reply.nullBulk();
      c.reply.integer(replyCount(c, k));
    }
  }

  /** Drops everything without replies (disconnect, RESET). */
  public void clear(Client c) {
    if (c.pubsub == null) {
      return;
    }
    for (Kind k : Kind.values()) {
      unsubscribeAll(c, k, false);
    }
    c.pubsub = null;
  }

  private static void confirm(Reply r, byte[] kind, byte[] name, int count) {
    r.push(3);
    r.bulk(kind);
    r.bulk(name);
    r.integer(count);
  }

  /**
   * Delivers a message to channel and pattern subscribers; returns how many received it. {@code
   * from} is the publishing client (its own push is flushed with its reply), or null.
   */
  public int publish(Client from, byte[] channel, byte[] message) {
    int n = 0;
    Set<Client> subs = channels.get(new Name(channel));
    if (subs != null) {
      for (Client c : new ArrayList<>(subs)) {
        deliver(from, c, MESSAGE, null, channel, message);
        n++;
      }
    }
    if (!patterns.isEmpty()) {
      for (Map.Entry<Name, Set<Client>> e : new ArrayList<>(patterns.entrySet())) {
        if (!Glob.match(e.getKey().b, channel)) {
          continue;
        }
        for (Client c : new ArrayList<>(e.getValue())) {
          deliver(from, c, PMESSAGE, e.getKey().b, channel, message);
          n++;
        }
      }
    }
    return n;
  }

  /** Delivers a message to shard channel subscribers; returns how many received it. */
  public int publishShard(Client from, byte[] channel, byte[] message) {
    int n = 0;
    Set<Client> subs = shard.get(new Name(channel));
    if (subs != null) {
      for (Client c : new ArrayList<>(subs)) {
        deliver(from, c, SMESSAGE, null, channel, message);
        n++;
      }
    }
    return n;
  }

  private void deliver(
      Client from, Client c, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
    if (c.isClosed()) {
      return;
    }
    if (c != from) {
      c.ensureOutput();
    }
    Reply r = c.reply;
    r.push(pattern == null ? 3 : 4);
    r.bulk(kind);
    if (pattern != null) {
      r.bulk(pattern);
    }
    r.bulk(channel);
    r.bulk(message);
    if (c != from) {
      Connections.enforceOutputLimits(c);
      if (!c.pubsubFlushPending && !c.isClosed()) {
        c.pubsubFlushPending = true;
        if (pendingFlush.isEmpty()) {
          c.channel.eventLoop().execute(this::flushPending);
        }
        pendingFlush.add(c);
      }
    }
  }

  /**
   * Subscribers that got messages in this event-loop batch: one write each once the batch is done
   * (a loop task, as Redis writes pending replies in beforeSleep), not one per message.
   */
  private final List<Client> pendingFlush = new ArrayList<>();

  private void flushPending() {
    for (int i = 0; i < pendingFlush.size(); i++) {
      Client c = pendingFlush.get(i);
      c.pubsubFlushPending = false;
      c.flush();
    }
    pendingFlush.clear();
  }

  /** Channel (or shard channel) names matching {@code pattern} (all when null). */
  public List<byte[]> names(boolean shardChannels, byte[] pattern) {
    List<byte[]> out = new ArrayList<>();
    for (Name n : (shardChannels ? shard : channels).keySet()) {
      if (pattern == null || Glob.match(pattern, n.b)) {
        out.add(n.b);
      }
    }
    return out;
  }

  /** Subscribers of a channel (or shard channel), not counting patterns. */
  public int subscribers(boolean shardChannels, byte[] channel) {
    Set<Client> s = (shardChannels ? shard : channels).get(new Name(channel));
    return s == null ? 0 : s.size();
  }

  public int channels() {
    return channels.size();
  }

  public int patterns() {
    return patterns.size();
  }

  public int shardChannels() {
    return shard.size();
  }
}
