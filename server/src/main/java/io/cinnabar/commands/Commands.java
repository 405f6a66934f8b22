package io.cinnabar.commands;

import io.cinnabar.command.CommandTable;

/** Registers every command family into the command table. */
public final class Commands {
  private Commands() {}

  public static void registerAll(CommandTable t) {
    ConnectionCommands.register(t);
    ServerCommands.register(t);
    ConfigCommands.register(t);
    ClientCommands.register(t);
    CommandCommands.register(t);
    DebugCommands.register(t);
    StringCommands.register(t);
    KeyCommands.register(t);
    ListCommands.register(t);
    HashCommands.register(t);
    SetCommands.register(t);
    SortCommand.register(t);
    SortedSetCommands.register(t);
    ClusterCommands.register(t);
    PubSubCommands.register(t);
    DumpRestoreCommands.register(t);
    MultiCommands.register(t);
    ReplicationCommands.register(t);
    ReplicaCommands.register(t);
  }
}
