package io.cinnabar.commands;

import io.cinnabar.util.Bytes;

/** Pre-encoded error replies shared by many commands (Redis's shared.* replies). */
public final class Errors {
  private Errors() {}

  public static final byte[] SYNTAX = Bytes.ascii("ERR syntax error");
  public static final byte[] NOT_INTEGER =
      Bytes.ascii("ERR value is not an integer or out of range");
  public static final byte[] NOT_FLOAT = Bytes.ascii("ERR value is not a valid float");
  public static final byte[] WRONGTYPE =
      Bytes.ascii("WRONGTYPE Operation against a key holding the wrong kind of value");
  public static final byte[] NO_SUCH_KEY = Bytes.ascii("ERR no such key");
  public static final byte[] DB_INDEX = Bytes.ascii("ERR DB index is out of range");
  public static final byte[] OVERFLOW = Bytes.ascii("ERR increment or decrement would overflow");
  public static final byte[] OUT_OF_RANGE = Bytes.ascii("ERR index out of range");

  /**
   * Redis's addReplySubcommandSyntaxError: "unknown subcommand or wrong number of arguments for
   * '&lt;sub&gt;'. Try &lt;COMMAND&gt; HELP." with the subcommand cut at 128 characters.
   */
  public static void subcommandSyntax(io.cinnabar.server.Client c) {
    String sub = c.req.string(1);
    c.reply.error(
        "ERR unknown subcommand or wrong number of arguments for '"
            + (sub.length() > 128 ? sub.substring(0, 128) : sub)
            + "'. Try "
            + c.req.string(0).toUpperCase(java.util.Locale.ROOT)
            + " HELP.");
  }
}
