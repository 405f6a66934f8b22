package io.cinnabar.protocol;

import io.cinnabar.util.Numbers;

/**
 * Incremental request decoder with Redis's rules (processMultibulkBuffer / processInlineBuffer). It
 * survives any split of the input: state between calls is the number of bulks still expected and
 * the length of the bulk being read. Arguments become slices of the query buffer. Inline commands
 * are unescaped in place (the result is never longer than the input).
 */
public final class RespParser {
  public static final int NEED_MORE = 0;
  public static final int COMMAND = 1;
  public static final int PROTOCOL_ERROR = 2;

  /** Redis's PROTO_INLINE_MAX_SIZE: longest inline command or count line. */
  static final int INLINE_MAX = 64 * 1024;

  private int bulksPending;
  private long bulkLen = -1;
  private String error;

  /** The error text (without the leading '-') after {@link #PROTOCOL_ERROR}. */
  public String error() {
    return error;
  }

  /**
   * Parses the next complete command from {@code qb} into {@code req}. Returns {@link #COMMAND}
   * (req holds it; argc may be 0 for an empty line or "*0"), {@link #NEED_MORE} or {@link
   * #PROTOCOL_ERROR}.
   */
  public int parse(QueryBuffer qb, Request req, long maxBulkLen, boolean authenticated) {
    qb.bind(req);
    if (bulksPending == 0) {
      req.clear();
      qb.cmdStart = qb.pos;
      if (qb.pos == qb.end) {
        return NEED_MORE;
      }
      if (qb.buf[qb.pos] != '*') {
        return parseInline(qb, req);
      }
      int cr = indexOf(qb, qb.pos, (byte) '\r');
      if (cr < 0) {
        return qb.end - qb.pos > INLINE_MAX
            ? fail("Protocol error: too big mbulk count string")
            : NEED_MORE;
      }
      if (cr + 1 >= qb.end) {
        return NEED_MORE;
      }
      long n = Numbers.parseLongOr(qb.buf, qb.pos + 1, cr - qb.pos - 1, Long.MIN_VALUE);
      if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
        return fail("Protocol error: invalid multibulk length");
      }
      if (n > 10 && !authenticated) {
        return fail("Protocol error: unauthenticated multibulk length");
      }
      qb.pos = cr + 2;
      if (n <= 0) {
        return COMMAND;
      }
      bulksPending = (int) n;
    }
    while (bulksPending > 0) {
      if (bulkLen < 0) {
        int cr = indexOf(qb, qb.pos, (byte) '\r');
        if (cr < 0) {
          return qb.end - qb.pos > INLINE_MAX
              ? fail("Protocol error: too big bulk count string")
              : NEED_MORE;
        }
        if (cr + 1 >= qb.end) {
          return NEED_MORE;
        }
        byte first = qb.buf[qb.pos];
        if (first != '$') {
          return fail("Protocol error: expected '$', got '" + (char) (first & 0xFF) + "'");
        }
        long n = Numbers.parseLongOr(qb.buf, qb.pos + 1, cr - qb.pos - 1, -1);
        if (n < 0 || n > maxBulkLen) {
          return fail("Protocol error: invalid bulk length");
        }
        if (n > 16384 && !authenticated) {
          return fail("Protocol error: unauthenticated bulk length");
        }
        qb.pos = cr + 2;
        bulkLen = n;
      }
      if (qb.end - qb.pos < bulkLen + 2) {
        return NEED_MORE;
      }
      req.add(qb.buf, qb.pos, (int) bulkLen);
      qb.pos += (int) bulkLen + 2;
      bulkLen = -1;
      bulksPending--;
    }
    return COMMAND;
  }

  /** How many bytes the command being read still needs, when known (for large bulks). */
  public long bulkRemaining(QueryBuffer qb) {
    return bulkLen < 0 ? 0 : bulkLen + 2 - (qb.end - qb.pos);
  }

  private int fail(String msg) {
    error = msg;
    bulksPending = 0;
    bulkLen = -1;
    return PROTOCOL_ERROR;
  }

  /**
   * Finds a line terminator as Redis's strchr on the query buffer does: a NUL byte ends the search,
   * so a line with a NUL before its terminator stays incomplete (until it is too big).
   */
  private static int indexOf(QueryBuffer qb, int from, byte c) {
    byte[] b = qb.buf;
    for (int i = from, end = qb.end; i < end; i++) {
      if (b[i] == c) {
        return i;
      }
      if (b[i] == 0) {
        return -1;
      }
    }
    return -1;
  }

  private int parseInline(QueryBuffer qb, Request req) {
    int nl = indexOf(qb, qb.pos, (byte) '\n');
    if (nl < 0) {
      return qb.end - qb.pos > INLINE_MAX
          ? fail("Protocol error: too big inline request")
          : NEED_MORE;
    }
    int lineEnd = nl;
    if (lineEnd > qb.pos && qb.buf[lineEnd - 1] == '\r') {
      lineEnd--;
    }
    int start = qb.pos;
    qb.pos = nl + 1;
    if (!ArgSplitter.split(qb.buf, start, lineEnd, req)) {
      return fail("Protocol error: unbalanced quotes in request");
    }
    return COMMAND;
  }
}
