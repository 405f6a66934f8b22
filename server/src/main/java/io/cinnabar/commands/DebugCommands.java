package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;

/** TODO family. */
public final class DebugCommands {
  private DebugCommands() {}

  public static void register(CommandTable t) {}
}
