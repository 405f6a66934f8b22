package io.cinnabar.commands;

import io.cinnabar.server.Client;

/**
 * Password checks for AUTH and HELLO AUTH. Only the default user exists until ACL lands; its
 * password is {@code requirepass}.
 */
final class Auth {
  private Auth() {}

  /** Authenticates the client or replies Redis's error; returns true on success. */
  static boolean check(Client c, String user, String pass) {
    String required = c.server.config.requirepass;
    boolean ok =
        "default".equals(user) && (required == null || required.isEmpty() || required.equals(pass));
    if (!ok) {
      c.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
      return false;
    }
    c.authenticated = true;
    c.user = user;
    return true;
  }
}
