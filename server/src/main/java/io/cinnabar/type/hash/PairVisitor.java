package io.cinnabar.type.hash;

/** Receives one field-value pair as slices of internal buffers (valid only during the call). */
@FunctionalInterface
public interface PairVisitor {
  void visit(byte[] fb, int fo, int fl, byte[] vb, int vo, int vl);
}
