package io.cinnabar.commands;

import io.cinnabar.server.Client;
import java.nio.charset.StandardCharsets;

/**
 * Password checks for AUTH and HELLO AUTH. Only the default user exists until ACL lands; its
 * password is {@code requirepass} (no password: the user is "nopass" and any password works).
 */
final class Auth {
  private Auth() {}

  static boolean passwordRequired(Client c) {
    String required = c.server.config.requirepass;
    return required != null && !required.isEmpty();
  }

  /**
   * Authenticates the client or replies Redis's error; returns true on success. {@code user} and
   * {@code pass} are the raw argument bytes as latin-1 strings.
   */
  static boolean check(Client c, String user, String pass) {
    boolean ok = "default".equals(user);
    if (ok && passwordRequired(c)) {
      byte[] want = c.server.config.requirepass.getBytes(StandardCharsets.UTF_8);
      byte[] got = pass.getBytes(StandardCharsets.ISO_8859_1);
      ok = java.security.MessageDigest.isEqual(want, got);
    }
    if (!ok) {
      c.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
      return false;
    }
    c.authenticated = true;
    c.user = user;
    return true;
  }
}
