package io.cinnabar.protocol;

import io.cinnabar.util.Bytes;
import io.cinnabar.util.Numbers;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2/RESP3 replies straight into a connection's output buffer. Constant replies are
 * pre-encoded; numbers are formatted into a scratch array, so writing a reply allocates nothing.
 * Types that differ between protocols (null, map, set, double, boolean, verbatim, push) are written
 * in the form the connection negotiated with HELLO.
 */
public final class Reply {
  public static final byte[] OK = Bytes.ascii("+OK\r\n");
  public static final byte[] PONG = Bytes.ascii("+PONG\r\n");
  public static final byte[] QUEUED = Bytes.ascii("+QUEUED\r\n");
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] NULL_BULK2 = Bytes.ascii("$-1\r\n");
  private static final byte[] NULL_ARRAY2 = Bytes.ascii("*-1\r\n");
  private static final byte[] NULL3 = Bytes.ascii("_\r\n");
  private static final byte[] EMPTY_ARRAY = Bytes.ascii("*0\r\n");
  private static final byte[] ZERO = Bytes.ascii(":0\r\n");
  private static final byte[] ONE = Bytes.ascii(":1\r\n");
  private static final byte[] TRUE3 = Bytes.ascii("#t\r\n");
  private static final byte[] FALSE3 = Bytes.ascii("#f\r\n");
  private static final byte[] TXT = Bytes.ascii("txt:");

  /** Receives the error code of each error reply, for INFO errorstats. */
  public interface ErrorListener {
    void onError(byte[] buf, int off, int len);
  }

  private final byte[] scratch = new byte[24];

  /**
   * A bulk string this short is assembled (header, bytes, CRLF) in {@link #small} and copied to the
   * buffer in one write: one bounds check and copy instead of four, which is most of the cost of a
   * many-element reply such as LRANGE.
   */
  private static final int SMALL_BULK = 96;

  private final byte[] small = new byte[SMALL_BULK + 32];
  private ByteBuf out;
  private int resp = 2;
  private boolean muted;
  private ErrorListener errors;

  public void setErrorListener(ErrorListener l) {
    errors = l;
  }

  public void target(ByteBuf buf) {
    out = buf;
  }

  public ByteBuf target() {
    return out;
  }

  public void setProtocol(int resp) {
    this.resp = resp;
  }

  public int protocol() {
    return resp;
  }

  /** While muted (CLIENT REPLY OFF/SKIP) replies are discarded. */
  public void mute(boolean m) {
    muted = m;
  }

  public boolean muted() {
    return muted;
  }

  public void raw(byte[] b) {
    if (!muted) {
      out.writeBytes(b);
    }
  }

  public void ok() {
    raw(OK);
  }

  public void simple(String s) {
    if (muted) {
      return;
    }
    out.writeByte('+');
    out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }

  /**
   * An error reply. {@code msg} starts with the error code ("ERR ...", "WRONGTYPE ..."); newlines
   * are replaced by spaces as Redis does, so the reply stays one line.
   */
  public void error(String msg) {
    byte[] b = msg.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\r' || b[i] == '\n') {
        b[i] = ' ';
      }
    }
    errorBytes(b);
  }

  /** A pre-encoded error: the code and message without '-' or CRLF. */
  public void errorBytes(byte[] b) {
    if (errors != null) {
      int sp = 0;
      while (sp < b.length && b[sp] != ' ') {
        sp++;
      }
      errors.onError(b, 0, sp);
    }
    if (muted) {
      return;
    }
    out.writeByte('-');
    out.writeBytes(b);
    out.writeBytes(CRLF);
  }

  public void integer(long v) {
    if (muted) {
      return;
    }
    if (v == 0) {
      out.writeBytes(ZERO);
    } else if (v == 1) {
      out.writeBytes(ONE);
    } else {
      prefixed(':', v);
    }
  }

  private void prefixed(char type, long v) {
    byte[] s = small;
    s[0] = (byte) type;
    int n = 1 + Numbers.writeLong(v, s, 1);
    s[n] = '\r';
    s[n + 1] = '\n';
    out.writeBytes(s, 0, n + 2);
  }

  public void bulk(byte[] b) {
    bulk(b, 0, b.length);
  }

  public void bulk(byte[] b, int off, int len) {
    if (muted) {
      return;
    }
    if (len <= SMALL_BULK) {
      byte[] s = small;
      s[0] = '$';
      int n = 1 + Numbers.writeLong(len, s, 1);
      s[n++] = '\r';
      s[n++] = '\n';
      System.arraycopy(b, off, s, n, len);
      n += len;
      s[n++] = '\r';
      s[n++] = '\n';
      out.writeBytes(s, 0, n);
      return;
    }
    prefixed('$', len);
    out.writeBytes(b, off, len);
    out.writeBytes(CRLF);
  }

  public void bulk(String s) {
    bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A number as a bulk string (e.g. INCRBYFLOAT, CONFIG GET values). */
  public void bulkLong(long v) {
    if (muted) {
      return;
    }
    // The length prefix is formatted in the scratch array too: write it before the digits.
    prefixed('$', Numbers.longLength(v));
    int n = Numbers.writeLong(v, scratch, 0);
    out.writeBytes(scratch, 0, n);
    out.writeBytes(CRLF);
  }

  public void nullBulk() {
    raw(resp == 2 ? NULL_BULK2 : NULL3);
  }

  public void nullArray() {
    raw(resp == 2 ? NULL_ARRAY2 : NULL3);
  }

  public void emptyArray() {
    raw(EMPTY_ARRAY);
  }

  public void array(long n) {
    if (!muted) {
      prefixed('*', n);
    }
  }

  /** A map of n pairs: RESP3 '%', RESP2 a flat array of 2n elements. */
  public void map(long n) {
    if (!muted) {
      prefixed(resp == 2 ? '*' : '%', resp == 2 ? n * 2 : n);
    }
  }

  public void set(long n) {
    if (!muted) {
      prefixed(resp == 2 ? '*' : '~', n);
    }
  }

  public void push(long n) {
    if (!muted) {
      prefixed(resp == 2 ? '*' : '>', n);
    }
  }

  /** A boolean: RESP3 '#t'/'#f', RESP2 the integers 1/0. */
  public void bool(boolean v) {
    if (muted) {
      return;
    }
    if (resp == 2) {
      out.writeBytes(v ? ONE : ZERO);
    } else {
      out.writeBytes(v ? TRUE3 : FALSE3);
    }
  }

  /** A double already formatted as Redis formats it: RESP3 ',', RESP2 a bulk string. */
  public void doubleFormatted(byte[] formatted) {
    if (muted) {
      return;
    }
    if (resp == 2) {
      bulk(formatted);
    } else {
      out.writeByte(',');
      out.writeBytes(formatted);
      out.writeBytes(CRLF);
    }
  }

  /** Text with a format hint: RESP3 verbatim string ("txt"), RESP2 a bulk string. */
  public void verbatim(String text) {
    if (muted) {
      return;
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (resp == 2) {
      bulk(b);
    } else {
      prefixed('=', b.length + 4);
      out.writeBytes(TXT);
      out.writeBytes(b);
      out.writeBytes(CRLF);
    }
  }
}
