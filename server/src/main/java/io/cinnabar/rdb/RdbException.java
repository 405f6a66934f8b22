package io.cinnabar.rdb;

/** A malformed or unsupported RDB file or DUMP payload; the message says what was wrong. */
public final class RdbException extends Exception {
  private static final long serialVersionUID = 1L;

  public RdbException(String message) {
    super(message);
  }
}
