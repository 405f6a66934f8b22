package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.ClusterNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A pretend cluster node for tests and the capture tool: listens on a bus port of 127.0.0.1,
 * decodes every message real redis-servers send it with our codec, keeps the raw frames, and
 * answers PING and MEET with a PONG built by our codec (unless {@link #silent}). Close it to stop
 * its threads.
 */
final class FakeNode implements AutoCloseable {
  /** A frame as received and its decoding. */
  record Received(byte[] raw, ClusterMessage msg) {}

  final String id;
  final int port;
  final ServerSocket server;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** The header of every PONG we send; tests adjust it (flags, slots, epochs). */
  final ClusterMessage template = new ClusterMessage();

  volatile boolean silent;

  /** The gossip section of every PING/PONG we send. */
  volatile List<Gossip> gossip = List.of();

  FakeNode(String id, int port) throws IOException {
    this.id = id;
    this.port = port;
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    template.sender = id;
    template.port = port;
    template.cport = server.getLocalPort();
    template.flags = ClusterNode.FLAG_PRIMARY;
    template.state = ClusterMessage.STATE_FAIL;
    Thread t = new Thread(this::acceptLoop, "fake-node-" + id.substring(0, 8));
    t.setDaemon(true);
    t.start();
  }

  int cport() {
    return server.getLocalPort();
  }

  /** A copy of the template as a message of {@code type} with empty ping data. */
  ClusterMessage message(int type) {
    ClusterMessage m = new ClusterMessage();
    m.type = type;
    m.port = template.port;
    m.cport = template.cport;
    m.pport = template.pport;
    m.sender = template.sender;
    m.flags = template.flags;
    m.state = template.state;
    m.currentEpoch = template.currentEpoch;
    m.configEpoch = template.configEpoch;
    m.offset = template.offset;
    m.primaryId = template.primaryId;
    m.myip = template.myip;
    System.arraycopy(template.myslots, 0, m.myslots, 0, m.myslots.length);
    m.data = new MessageData.Ping(gossip, List.of());
    return m;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> readLoop(s), "fake-link-" + id.substring(0, 8));
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads frames from one link until it closes; public so a test can read an outbound link. */
  void readLoop(Socket s) {
    ByteBuf buf = Unpooled.buffer();
    byte[] chunk = new byte[65536];
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int n; (n = in.read(chunk)) > 0; ) {
        buf.writeBytes(chunk, 0, n);
        for (int len; (len = ClusterMessage.frameLength(buf, 1 << 20)) > 0; ) {
          if (buf.readableBytes() < len) {
            break;
          }
          ClusterMessage m = ClusterMessage.decode(buf, len);
          byte[] raw = new byte[len];
          buf.readBytes(raw);
          buf.discardReadBytes();
          received.add(new Received(raw, m));
          if (!silent && (m.type == ClusterMessage.PING || m.type == ClusterMessage.MEET)) {
            out.write(message(ClusterMessage.PONG).encode());
            out.flush();
          }
        }
      }
    } catch (IOException e) {
      // link closed
    } catch (BusProtocolException e) {
      errors.add(e.getMessage());
    }
  }

  /** The next message received within the timeout that matches, or null; others are dropped. */
  Received await(Predicate<ClusterMessage> match, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      Received r = received.poll(left, TimeUnit.NANOSECONDS);
      if (r != null && match.test(r.msg())) {
        return r;
      }
    }
    return null;
  }

  /** The next message of {@code type} from {@code sender} (any sender when null), or null. */
  Received await(int type, String sender, long timeoutMillis) throws InterruptedException {
    return await(m -> m.type == type && (sender == null || sender.equals(m.sender)), timeoutMillis);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
