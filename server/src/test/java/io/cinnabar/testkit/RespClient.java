package io.cinnabar.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking RESP client for tests: sends commands as multibulk (or raw bytes) and reads
 * one whole reply back as its exact wire bytes, so tests can compare replies byte for byte.
 */
public final class RespClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RespClient(String host, int port) {
    this(host, port, 10_000);
  }

  /** A client whose connect and every read give up after {@code timeoutMillis}. */
  public RespClient(String host, int port, int timeoutMillis) {
    Socket s = new Socket();
    try {
      s.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(s.getInputStream());
      out = s.getOutputStream();
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException(e);
    }
    socket = s;
  }

  /** Sends a command and returns its reply's wire text (latin-1), e.g. "+OK\r\n". */
  public String call(String... args) {
    send(args);
    return readReply();
  }

  public void send(String... args) {
    StringBuilder sb = new StringBuilder();
    sb.append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n");
      sb.append(new String(b, StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    sendRaw(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  public void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendRaw(String latin1) {
    sendRaw(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one complete reply (including nested aggregates) as wire text. */
  public String readReply() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      readValue(buf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * True when nothing (no reply, no close) arrives within {@code millis}; a reply that does arrive
   * is left unread for {@link #readReply}. The read timeout is restored afterwards.
   */
  public boolean silentFor(int millis) {
    try {
      int timeout = socket.getSoTimeout();
      socket.setSoTimeout(millis);
      try {
        in.mark(1);
        if (in.read() >= 0) {
          in.reset();
        }
        return false;
      } catch (SocketTimeoutException e) {
        return true;
      } finally {
        socket.setSoTimeout(timeout);
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** True if the server closed the connection (reads EOF within the timeout). */
  public boolean isClosedByServer(int timeoutMillis) {
    try {
      socket.setSoTimeout(timeoutMillis);
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private void readValue(ByteArrayOutputStream buf) throws IOException {
    String line = readLine(buf);
    char type = line.charAt(0);
    switch (type) {
      case '+', '-', ':', '_', ',', '#', '(' -> {}
      case '$', '=', '!' -> {
        int n = Integer.parseInt(line.substring(1));
        if (n >= 0) {
          for (int i = 0; i < n + 2; i++) {
            buf.write(readByte());
          }
        }
      }
      case '*', '~', '>' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < n; i++) {
          readValue(buf);
        }
      }
      case '%', '|' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < 2 * n; i++) {
          readValue(buf);
        }
      }
      default -> throw new IOException("bad reply type: " + line);
    }
  }

  private String readLine(ByteArrayOutputStream buf) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = readByte();
      buf.write(b);
      if (b == '\r') {
        int n = readByte();
        buf.write(n);
        if (n == '\n') {
          return sb.toString();
        }
        sb.append('\r').append((char) n);
      } else {
        sb.append((char) b);
      }
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection closed by server");
    }
    return b;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
