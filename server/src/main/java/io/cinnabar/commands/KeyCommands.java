package io.cinnabar.commands;

import static io.cinnabar.command.CommandSpec.command;
import static io.cinnabar.command.KeySpec.range;

import io.cinnabar.command.CommandTable;
import io.cinnabar.protocol.Request;
import io.cinnabar.server.Client;

/** Generic key commands (Redis's db.c and expire.c). */
public final class KeyCommands {
  private KeyCommands() {}

  public static void register(CommandTable t) {
    t.add(
        command("del", -2)
            .flags("write")
            .acl("keyspace")
            .keys(range("RM delete", 1, -1, 1, 0))
            .doc("Delete a key", "1.0.0", "generic", "O(N)")
            .handler(KeyCommands::del));
    t.add(
        command("exists", -2)
            .flags("readonly fast")
            .acl("keyspace")
            .keys(range("RO", 1, -1, 1, 0))
            .doc("Determine if a key exists", "1.0.0", "generic", "O(N)")
            .handler(KeyCommands::exists));
  }

  static void del(Client c) {
    Request r = c.req;
    long now = c.server.now();
    long n = 0;
    for (int i = 1; i < r.argc; i++) {
      if (c.db.lookupWrite(r.bufs[i], r.offs[i], r.lens[i], now) != null
          && c.db.delete(r.bufs[i], r.offs[i], r.lens[i])) {
        n++;
      }
    }
    c.server.keyspace.stats().dirty += n;
    c.reply.integer(n);
  }

  static void exists(Client c) {
    Request r = c.req;
    long now = c.server.now();
    long n = 0;
    for (int i = 1; i < r.argc; i++) {
      if (c.db.lookupWrite(r.bufs[i], r.offs[i], r.lens[i], now) != null) {
        n++;
      }
    }
    c.reply.integer(n);
  }
}
