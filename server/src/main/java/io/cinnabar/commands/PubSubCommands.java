package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;
import static io.cinnabar.command.KeySpec.single;

import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.server.PubSub.Kind;
import java.util.List;

/**
 * Pub/sub commands (Redis's pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and the
 * PUBSUB introspection container. In cluster mode PUBLISH also goes to every other node over the
 * bus; shard channels are keys for routing, so SSUBSCRIBE/SPUBLISH run on the slot's owner.
 */
public final class PubSubCommands {
  private PubSubCommands() {}

  private static final String SUB_FLAGS = "pubsub noscript loading stale";

  public static void register(CommandTable t) {
    t.add(
        command("subscribe", -2)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .doc(
                "Listen for messages published to the given channels",
                "2.0.0",
                "pubsub",
                "O(N) where N is the number of channels to subscribe to.")
            .handler(c -> subscribe(c, Kind.CHANNEL)));
    t.add(
        command("unsubscribe", -1)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .doc(
                "Stop listening for messages posted to the given channels",
                "2.0.0",
                "pubsub",
                "O(N) where N is the number of clients already subscribed to a channel.")
            .handler(c -> unsubscribe(c, Kind.CHANNEL)));
    t.add(
        command("psubscribe", -2)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .doc(
                "Listen for messages published to channels matching the given patterns",
                "2.0.0",
                "pubsub",
                "O(N) where N is the number of patterns the client is already subscribed to.")
            .handler(c -> subscribe(c, Kind.PATTERN)));
    t.add(
        command("punsubscribe", -1)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .doc(
                "Stop listening for messages posted to channels matching the given patterns",
                "2.0.0",
                "pubsub",
                "O(N+M) where N is the number of patterns the client is already subscribed and M"
                    + " is the number of total patterns subscribed in the system (by any client).")
            .handler(c -> unsubscribe(c, Kind.PATTERN)));
    t.add(
        command("ssubscribe", -2)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .keys(range("not_key", 1, -1, 1, 0))
            .doc(
                "Listen for messages published to the given shard channels",
                "7.0.0",
                "pubsub",
                "O(N) where N is the number of shard channels to subscribe to.")
            .handler(c -> subscribe(c, Kind.SHARD)));
    t.add(
        command("sunsubscribe", -1)
            .flags(SUB_FLAGS)
            .acl("pubsub")
            .keys(range("not_key", 1, -1, 1, 0))
            .doc(
                "Stop listening for messages posted to the given shard channels",
                "7.0.0",
                "pubsub",
                "O(N) where N is the number of clients already subscribed to a shard channel.")
            .handler(c -> unsubscribe(c, Kind.SHARD)));
    t.add(
        command("publish", 3)
            .flags("pubsub loading stale fast")
            .acl("pubsub")
            .doc(
                "Post a message to a channel",
                "2.0.0",
                "pubsub",
                "O(N+M) where N is the number of clients subscribed to the receiving channel and M"
                    + " is the total number of subscribed patterns (by any client).")
            .handler(PubSubCommands::publish));
    t.add(
        command("spublish", 3)
            .flags("pubsub loading stale fast")
            .acl("pubsub")
            .keys(single("not_key", 1))
            .doc(
                "Post a message to a shard channel",
                "7.0.0",
                "pubsub",
                "O(N) where N is the number of clients subscribed to the receiving shard channel.")
            .handler(
                c -> {
                  Request r = c.req;
                  c.reply.integer(c.server.pubsub.publishShard(c, r.copy(1), r.copy(2)));
                }));
    t.add(
        command("pubsub", -2)
            .doc("A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand.")
            .sub(
                sub("numpat", 2)
                    .doc(
                        "Get the count of unique patterns pattern subscriptions",
                        "2.8.0",
                        "pubsub",
                        "O(1)")
                    .handler(c -> c.reply.integer(c.server.pubsub.patterns())),
                command("help", 2)
                    .flags("loading stale")
                    .doc(
                        "Show helpful text about the different subcommands",
                        "6.2.0",
                        "pubsub",
                        "O(1)")
                    .handler(PubSubCommands::help),
                sub("channels", -2)
                    .doc(
                        "List active channels",
                        "2.8.0",
                        "pubsub",
                        "O(N) where N is the number of active channels, and assuming constant time"
                            + " pattern matching (relatively short channels and patterns)")
                    .handler(c -> channels(c, false)),
                sub("numsub", -2)
                    .doc(
                        "Get the count of subscribers for channels",
                        "2.8.0",
                        "pubsub",
                        "O(N) for the NUMSUB subcommand, where N is the number of requested"
                            + " channels")
                    .handler(c -> numsub(c, false)),
                sub("shardnumsub", -2)
                    .doc(
                        "Get the count of subscribers for shard channels",
                        "7.0.0",
                        "pubsub",
                        "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested"
                            + " shard channels")
                    .handler(c -> numsub(c, true)),
                sub("shardchannels", -2)
                    .doc(
                        "List active shard channels",
                        "7.0.0",
                        "pubsub",
                        "O(N) where N is the number of active shard channels, and assuming"
                            + " constant time pattern matching (relatively short shard channels).")
                    .handler(c -> channels(c, true))));
  }

  private static CommandSpec.Builder sub(String name, int arity) {
    return command(name, arity).flags("pubsub loading stale").acl("pubsub");
  }

  static void subscribe(Client c, Kind k) {
    Request r = c.req;
    for (int i = 1; i < r.argc; i++) {
      c.server.pubsub.subscribe(c, k, r.copy(i));
    }
  }

  static void unsubscribe(Client c, Kind k) {
    Request r = c.req;
    if (r.argc == 1) {
      c.server.pubsub.unsubscribeAll(c, k, true);
      return;
    }
    for (int i = 1; i < r.argc; i++) {
      c.server.pubsub.unsubscribe(c, k, r.copy(i), true);
    }
  }

  static void publish(Client c) {
    Request r = c.req;
    byte[] channel = r.copy(1);
    byte[] message = r.copy(2);
    int n = c.server.pubsub.publish(c, channel, message);
    if (c.server.cluster != null) {
      c.server.cluster.broadcastPublish(channel, message);
    } else {
      c.server.primary.forcePropagation(); // replicas' subscribers get it too, as Redis
    }
    c.reply.integer(n);
  }

  static void channels(Client c, boolean shard) {
    Request r = c.req;
    if (r.argc > 3) {
      wrongArgs(c);
      return;
    }
    List<byte[]> names = c.server.pubsub.names(shard, r.argc == 3 ? r.copy(2) : null);
    c.reply.array(names.size());
    for (byte[] n : names) {
      c.reply.bulk(n);
    }
  }

  static void numsub(Client c, boolean shard) {
    Request r = c.req;
    c.reply.array((r.argc - 2) * 2L); // a flat array in RESP3 too, as Redis 7.0
    for (int i = 2; i < r.argc; i++) {
      byte[] ch = r.copy(i);
      c.reply.bulk(ch);
      c.reply.integer(c.server.pubsub.subscribers(shard, ch));
    }
  }

  private static void wrongArgs(Client c) {
    c.reply.error(
        "ERR unknown subcommand or wrong number of arguments for '"
            + c.req.string(1)
            + "'. Try PUBSUB HELP.");
  }

  private static final String[] HELP = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help."
  };

  static void help(Client c) {
    c.reply.array(HELP.length);
    for (String s : HELP) {
      c.reply.simple(s);
    }
  }
}
