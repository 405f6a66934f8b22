package io.cinnabar.type.set;

/** Receives one set member as a slice (valid only during the call). */
@FunctionalInterface
public interface MemberVisitor {
  void visit(byte[] b, int off, int len);
}
