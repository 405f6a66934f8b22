package io.cinnabar.command;

import io.cinnabar.server.Client;

/** Runs one command for a client on the keyspace thread, writing its reply to the client. */
@FunctionalInterface
public interface CommandHandler {
  void execute(Client c);
}
