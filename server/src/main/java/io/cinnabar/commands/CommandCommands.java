package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;

import io.cinnabar.command.AclCategory;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.CommandTable;
import io.cinnabar.command.KeyPositions;
import io.cinnabar.command.KeySpec;
import io.cinnabar.protocol.Reply;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;
import io.cinnabar.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** COMMAND and its subcommands (Redis's server.c commandCommand and friends). */
public final class CommandCommands {
  private CommandCommands() {}

  private static CommandSpec.Builder sub(String name, int arity) {
    return command(name, arity).flags("loading stale").acl("connection");
  }

  public static void register(CommandTable t) {
    t.add(
        command("command", -1)
            .flags("loading stale")
            .acl("connection")
            .tips("nondeterministic_output_order")
            .doc(
                "Get array of Redis command details",
                "2.8.13",
                "server",
                "O(N) where N is the total number of Redis commands")
            .handler(c -> all(c))
            .sub(
                sub("count", 2)
                    .doc("Get total number of Redis commands", "2.8.13", "server", "O(1)")
                    .handler(c -> c.reply.integer(c.server.commands.size())),
                sub("list", -2)
                    .tips("nondeterministic_output_order")
                    .doc(
                        "Get an array of Redis command names",
                        "7.0.0",
                        "server",
                        "O(N) where N is the total number of Redis commands")
                    .handler(CommandCommands::list),
                sub("docs", -2)
                    .tips("nondeterministic_output_order")
                    .doc(
                        "Get array of specific Redis command documentation",
                        "7.0.0",
                        "server",
                        "O(N) where N is the number of commands to look up")
                    .handler(CommandCommands::docs),
                sub("getkeys", -4)
                    .doc(
                        "Extract keys given a full Redis command",
                        "2.8.13",
                        "server",
                        "O(N) where N is the number of arguments to the command")
                    .handler(c -> getKeys(c, false)),
                sub("getkeysandflags", -4)
                    .doc(
                        "Extract keys and access flags given a full Redis command",
                        "7.0.0",
                        "server",
                        "O(N) where N is the number of arguments to the command")
                    .handler(c -> getKeys(c, true)),
                sub("info", -2)
                    .tips("nondeterministic_output_order")
                    .doc(
                        "Get array of specific Redis command details, or all when no argument is"
                            + " given.",
                        "2.8.13",
                        "server",
                        "O(N) where N is the number of commands to look up")
                    .handler(CommandCommands::info),
                sub("help", 2)
                    .doc(
                        "Show helpful text about the different subcommands",
                        "5.0.0",
                        "server",
                        "O(1)")
                    .handler(CommandCommands::help)));
  }

  /** Redis's addReplyHelp: the usage line, the given lines, then HELP. */
  static void helpReply(Client c, String cmd, String... lines) {
    Reply r = c.reply;
    r.array(lines.length + 3);
    r.simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String l : lines) {
      r.simple(l);
    }
    r.simple("HELP");
    r.simple("    Prints this help.");
  }

  /** A command or "container|sub" by name (case-insensitive), or null. */
  static CommandSpec byFullName(CommandTable t, String name) {
    int bar = name.indexOf('|');
    if (bar < 0) {
      return t.get(name);
    }
    CommandSpec base = t.get(name.substring(0, bar));
    if (base == null) {
      return null;
    }
    return base.subcommands.get(name.substring(bar + 1).toLowerCase(Locale.ROOT));
  }

  static void all(Client c) {
    c.reply.array(c.server.commands.size());
    for (CommandSpec s : c.server.commands.all()) {
      CommandReplies.info(c.reply, s);
    }
  }

  static void info(Client c) {
    Request r = c.req;
    if (r.argc == 2) {
      all(c);
      return;
    }
    c.reply.array(r.argc - 2);
    for (int i = 2; i < r.argc; i++) {
      CommandSpec s = byFullName(c.server.commands, r.string(i));
      if (s == null) {
        c.reply.nullBulk();
      } else {
        CommandReplies.info(c.reply, s);
      }
    }
  }

  static void docs(Client c) {
    Request r = c.req;
    List<CommandSpec> found = new ArrayList<>();
    if (r.argc == 2) {
      found.addAll(c.server.commands.all());
    } else {
      for (int i = 2; i < r.argc; i++) {
        CommandSpec s = byFullName(c.server.commands, r.string(i));
        if (s != null) {
          found.add(s);
        }
      }
    }
    c.reply.map(found.size());
    for (CommandSpec s : found) {
      c.reply.bulk(s.fullName);
      CommandReplies.docs(c.reply, s);
    }
  }

  private static final byte[] FILTERBY = Bytes.ascii("filterby");
  private static final byte[] MODULE = Bytes.ascii("module");
  private static final byte[] ACLCAT = Bytes.ascii("aclcat");
  private static final byte[] PATTERN = Bytes.ascii("pattern");

  /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]. */
  static void list(Client c) {
    Request r = c.req;
    List<CommandSpec> all = c.server.commands.allWithSubcommands();
    List<String> out = new ArrayList<>();
    if (r.argc == 2) {
      all.forEach(s -> out.add(s.fullName));
    } else if (r.argc == 5 && r.is(2, FILTERBY)) {
      String arg = r.string(4);
      if (r.is(3, MODULE)) {
        // No modules: nothing matches.
      } else if (r.is(3, ACLCAT)) {
        AclCategory cat = category(arg);
        for (CommandSpec s : all) {
          if (cat != null && (s.aclCategories & cat.bit) != 0) {
            out.add(s.fullName);
          }
        }
      } else if (r.is(3, PATTERN)) {
        byte[] p = Bytes.ascii(arg);
        for (CommandSpec s : all) {
          byte[] n = Bytes.ascii(s.fullName);
          if (io.cinnabar.util.Glob.match(p, n, true)) {
            out.add(s.fullName);
          }
        }
      } else {
        c.reply.errorBytes(Errors.SYNTAX);
        return;
      }
    } else {
      c.reply.errorBytes(Errors.SYNTAX);
      return;
    }
    c.reply.array(out.size());
    for (String s : out) {
      c.reply.bulk(s);
    }
  }

  private static AclCategory category(String name) {
    for (AclCategory a : AclCategory.values()) {
      if (a.wireName().equalsIgnoreCase(name)) {
        return a;
      }
    }
    return null;
  }

  /** COMMAND GETKEYS / GETKEYSANDFLAGS full-command..., with Redis's errors. */
  static void getKeys(Client c, boolean withFlags) {
    Request r = c.req;
    CommandSpec cmd = c.server.commands.lookup(r.bufs[2], r.offs[2], r.lens[2]);
    if (cmd != null && cmd.isContainer() && r.argc > 3) {
      cmd = CommandTable.lookupSub(cmd, r.bufs[3], r.offs[3], r.lens[3]);
    }
    if (cmd == null) {
      c.reply.error("ERR Invalid command specified");
      return;
    }
    boolean hasKeys = false;
    for (KeySpec k : cmd.keySpecs) {
      hasKeys |= !k.has(KeySpec.Flag.NOT_KEY);
    }
    if (!hasKeys) {
      c.reply.error("ERR The command has no key arguments");
      return;
    }
    int argc = r.argc - 2;
    if (!cmd.arityOk(argc)) {
      c.reply.error("ERR Invalid number of arguments specified for command");
      return;
    }
    Request sub = new Request();
    for (int i = 2; i < r.argc; i++) {
      sub.add(r.bufs[i], r.offs[i], r.lens[i]);
    }
    KeyPositions pos = new KeyPositions();
    List<int[]> found = new ArrayList<>();
    // A command whose specs are incomplete finds its keys itself (MIGRATE), flagged as its first
    // spec.
    if (cmd.keysProc != null && cmd.keysProc.find(sub, pos)) {
      for (int i = 0; i < pos.size(); i++) {
        found.add(new int[] {pos.get(i), 0});
      }
    }
    for (int s = 0; s < cmd.keySpecs.size() && cmd.keysProc == null; s++) {
      KeySpec k = cmd.keySpecs.get(s);
      if (k.has(KeySpec.Flag.NOT_KEY)) {
        continue;
      }
      pos.clear();
      if (!k.findKeys(sub, pos)) {
        found.clear();
        break;
      }
      for (int i = 0; i < pos.size(); i++) {
        found.add(new int[] {pos.get(i), s});
      }
    }
    if (found.isEmpty()) {
      if (cmd.has(CommandFlag.NO_MANDATORY_KEYS)) {
        c.reply.emptyArray();
      } else {
        c.reply.error("ERR Invalid arguments specified for command");
      }
      return;
    }
    c.reply.array(found.size());
    for (int[] f : found) {
      int i = f[0];
      if (withFlags) {
        c.reply.array(2);
        c.reply.bulk(sub.bufs[i], sub.offs[i], sub.lens[i]);
        List<KeySpec.Flag> flags = cmd.keySpecs.get(f[1]).flags;
        c.reply.set(flags.size());
        for (KeySpec.Flag fl : flags) {
          c.reply.simple(fl.wireName);
        }
      } else {
        c.reply.bulk(sub.bufs[i], sub.offs[i], sub.lens[i]);
      }
    }
  }

  static void help(Client c) {
    helpReply(
        c,
        "COMMAND",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.");
  }
}
