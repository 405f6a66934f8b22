package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;
import io.cinnabar.server.Client;

/** CLIENT subcommands (Redis's networking.c clientCommand). */
public final class ClientCommands {
  private ClientCommands() {}

  public static void register(CommandTable t) {}

  /**
   * A client name may not contain spaces, newlines or special characters (Redis's
   * validateClientName); replies the error and returns false if it does.
   */
  static boolean validName(Client c, byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        c.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return false;
      }
    }
    return true;
  }
}
