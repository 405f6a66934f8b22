package io.cinnabar.config;

/** A directive or value the configuration rejects; the message is Redis's reason text. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
