package io.cinnabar.type.zset;

/** Receives one member (a slice valid only during the call) and its score. */
@FunctionalInterface
public interface MemberVisitor {
  void visit(byte[] b, int off, int len, double score);
}
