package io.cinnabar.differential;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a script's steps against one server over one connection and returns each step's reply in
 * canonical form: the escaped reply bytes, preceded by {@code <reconnected>} when the server had
 * closed the connection before the step (e.g. after QUIT), and followed by {@code <CLOSED>} when it
 * closed it during the step, or {@code <TIMEOUT>} when no complete reply came.
 */
final class Session implements AutoCloseable {
  static final String CLOSED = "<CLOSED>";
  static final String TIMEOUT = "<TIMEOUT>";
  static final String RECONNECTED = "<reconnected>";

  /** How long a !raw step waits for more bytes before it takes the reply as complete. */
  static final int RAW_IDLE_MILLIS = 200;

  /** How long a command waits for its complete reply. */
  static final int REPLY_TIMEOUT_MILLIS = 10_000;

  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  Session(int port) throws IOException {
    this.port = port;
    connect();
  }

  private void connect() throws IOException {
    closeSocket();
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Runs every step in order; the server is emptied with FLUSHALL first. */
  List<String> run(Script script) throws IOException {
    command(List.of("FLUSHALL".getBytes(StandardCharsets.US_ASCII)), false);
    List<String> results = new ArrayList<>(script.steps.size());
    for (Script.Step s : script.steps) {
      results.add(s.kind() == Script.Kind.RAW ? raw(s.raw()) : command(s));
    }
    return results;
  }

  private String command(Script.Step s) throws IOException {
    return command(s.args(), s.kind() == Script.Kind.SORT);
  }

  private String command(List<byte[]> args, boolean sorted) throws IOException {
    byte[] req = Wire.multibulk(args);
    Result r = sendAndRead(req);
    String prefix = "";
    if (r.bytes.length == 0 && r.closed) {
      // The connection was closed by an earlier step (QUIT, a protocol error): reconnect, resend.
      connect();
      prefix = RECONNECTED;
      r = sendAndRead(req);
    }
    String body = Wire.escape(sorted ? Wire.sortTopLevel(r.bytes) : r.bytes);
    if (r.closed || r.timedOut) {
      connect();
    }
    return prefix + body + (r.closed ? CLOSED : r.timedOut ? TIMEOUT : "");
  }

  private record Result(byte[] bytes, boolean closed, boolean timedOut) {}

  private Result sendAndRead(byte[] req) throws IOException {
    try {
      out.write(req);
      out.flush();
    } catch (IOException e) {
      return new Result(new byte[0], true, false);
    }
    socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (true) {
      byte[] b = got.toByteArray();
      if (b.length > 0 && Wire.valueEnd(b, 0) == b.length) {
        return new Result(b, false, false);
      }
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        return new Result(got.toByteArray(), false, true);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        return new Result(got.toByteArray(), true, false);
      }
      got.write(chunk, 0, n);
    }
  }

  /**
   * Sends raw bytes and collects everything replied until the connection is idle for {@link
   * #RAW_IDLE_MILLIS} or closed. A closed connection is reopened for the following steps.
   */
  private String raw(byte[] bytes) throws IOException {
    boolean closed = false;
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      closed = true;
    }
    socket.setSoTimeout(RAW_IDLE_MILLIS);
    byte[] chunk = new byte[8192];
    while (!closed) {
      try {
        int n = in.read(chunk);
        if (n < 0) {
          closed = true;
        } else {
          got.write(chunk, 0, n);
        }
      } catch (SocketTimeoutException e) {
        break;
      } catch (IOException e) {
        closed = true;
      }
    }
    if (closed) {
      connect();
    }
    return Wire.escape(got.toByteArray()) + (closed ? CLOSED : "");
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    closeSocket();
  }
}
