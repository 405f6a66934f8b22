package io.cinnabar.commands;

import io.cinnabar.command.AclCategory;
import io.cinnabar.command.CommandFlag;
import io.cinnabar.command.CommandSpec;
import io.cinnabar.command.KeySpec;
import io.cinnabar.protocol.Reply;

/**
 * COMMAND INFO and COMMAND DOCS entries, laid out exactly as Redis 7.0's addReplyCommandInfo and
 * addReplyCommandDocs: sets and maps become flat arrays in RESP2.
 */
final class CommandReplies {
  private CommandReplies() {}

  /** The 10-element COMMAND INFO entry of {@code cmd}. */
  static void info(Reply r, CommandSpec cmd) {
    r.array(10);
    r.bulk(cmd.fullName);
    r.integer(cmd.arity);
    int nflags = 0;
    for (CommandFlag f : CommandFlag.values()) {
      if (!f.hidden && cmd.has(f)) {
        nflags++;
      }
    }
    r.set(nflags);
    for (CommandFlag f : CommandFlag.values()) {
      if (!f.hidden && cmd.has(f)) {
        r.simple(f.wireName);
      }
    }
    r.integer(cmd.firstKey);
    r.integer(cmd.lastKey);
    r.integer(cmd.keyStep);
    r.set(Long.bitCount(cmd.aclCategories));
    for (AclCategory a : AclCategory.values()) {
      if ((cmd.aclCategories & a.bit) != 0) {
        r.simple("@" + a.wireName());
      }
    }
    r.set(cmd.tips.size());
    for (String t : cmd.tips) {
      r.bulk(t);
    }
    r.set(cmd.keySpecs.size());
    for (KeySpec k : cmd.keySpecs) {
      keySpec(r, k);
    }
    r.set(cmd.subcommands.size());
    for (CommandSpec s : cmd.subcommands.values()) {
      info(r, s);
    }
  }

  private static void keySpec(Reply r, KeySpec k) {
    r.map(k.notes == null ? 3 : 4);
    if (k.notes != null) {
      r.bulk("notes");
      r.bulk(k.notes);
    }
    r.bulk("flags");
    r.set(k.flags.size());
    for (KeySpec.Flag f : k.flags) {
      r.simple(f.wireName);
    }
    if (k.isUnknown()) {
      for (String step : new String[] {"begin_search", "find_keys"}) {
        r.bulk(step);
        r.map(2);
        r.bulk("type");
        r.bulk("unknown");
        r.bulk("spec");
        r.map(0);
      }
      return;
    }
    r.bulk("begin_search");
    r.map(2);
    r.bulk("type");
    if (k.bsKeyword == null) {
      r.bulk("index");
      r.bulk("spec");
      r.map(1);
      r.bulk("index");
      r.integer(k.bsIndex);
    } else {
      r.bulk("keyword");
      r.bulk("spec");
      r.map(2);
      r.bulk("keyword");
      r.bulk(k.bsKeyword);
      r.bulk("startfrom");
      r.integer(k.bsStartFrom);
    }
    r.bulk("find_keys");
    r.map(2);
    r.bulk("type");
    r.bulk(k.keynum ? "keynum" : "range");
    r.bulk("spec");
    r.map(3);
    r.bulk(k.keynum ? "keynumidx" : "lastkey");
    r.integer(k.lastKeyOrKeynumIdx);
    r.bulk(k.keynum ? "firstkey" : "keystep");
    r.integer(k.stepOrFirstKey);
    r.bulk(k.keynum ? "keystep" : "limit");
    r.integer(k.limitOrKeyStep);
  }

  /** The COMMAND DOCS map of {@code cmd} (without arguments, which are not declared). */
  static void docs(Reply r, CommandSpec cmd) {
    CommandSpec.Doc d = cmd.doc;
    boolean subs = cmd.isContainer();
    int n = 3 + (d.complexity() != null ? 1 : 0) + (subs ? 1 : 0);
    r.map(n);
    r.bulk("summary");
    r.bulk(d.summary());
    r.bulk("since");
    r.bulk(d.since());
    r.bulk("group");
    r.bulk(d.group());
    if (d.complexity() != null) {
      r.bulk("complexity");
      r.bulk(d.complexity());
    }
    if (subs) {
      r.bulk("subcommands");
      r.map(cmd.subcommands.size());
      for (CommandSpec s : cmd.subcommands.values()) {
        r.bulk(s.fullName);
        docs(r, s);
      }
    }
  }
}
