package io.cinnabar.cluster.bus;

/**
 * A bus message that breaks the clusterMsg rules (signature, version, lengths). The peer is either
 * buggy or hostile; the link that carried it should be dropped, as Redis does.
 */
public final class BusProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public BusProtocolException(String message) {
    super(message, null, false, false);
  }
}
