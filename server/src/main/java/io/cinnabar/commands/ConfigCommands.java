package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;

/** TODO family. */
public final class ConfigCommands {
  private ConfigCommands() {}

  public static void register(CommandTable t) {}
}
