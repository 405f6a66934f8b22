package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;

/** TODO family. */
public final class ServerCommands {
  private ServerCommands() {}

  public static void register(CommandTable t) {}
}
