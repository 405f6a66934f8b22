package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;

/** TODO family. */
public final class CommandCommands {
  private CommandCommands() {}

  public static void register(CommandTable t) {}
}
