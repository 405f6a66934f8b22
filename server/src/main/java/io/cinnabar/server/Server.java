package io.cinnabar.server;

import io.cinnabar.command.CommandTable;
import io.cinnabar.commands.Commands;
import io.cinnabar.config.Config;
import io.cinnabar.net.NetServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A running Cinnabar node. Start one with {@link #start(Config)}; stop it with {@link #close()}.
 * Embedding applications and tests use this directly; the {@code cinnabar server} launcher wraps it
 * with Redis's command line, logging and signal handling.
 */
public final class Server implements AutoCloseable {
  private final NetServer net;
  private final ServerContext ctx;
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile boolean closing;

  private Server(Config config) {
    this.net = new NetServer();
    CommandTable table = new CommandTable();
    Commands.registerAll(table);
    try {
      this.ctx = new ServerContext(config, table, net.loop());
    } catch (RuntimeException e) {
      net.shutdown(); // nodes.conf could not be locked or loaded
      throw e;
    }
    ctx.setShutdownHandler(() -> new Thread(this::close, "cinnabar-shutdown").start());
  }

  /** Thrown when the server cannot listen; the message is Redis's log line. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Starts a node: binds every address of {@code bind} on {@code port} and starts the cron. */
  public static Server start(Config config) throws StartupException {
    Server s;
    try {
      s = new Server(config);
    } catch (java.io.UncheckedIOException e) {
      Log.warning(e.getCause().getMessage());
      throw new StartupException(e.getCause().getMessage(), e.getCause());
    }
    try {
      loadSnapshot(s);
      s.listen();
      s.listenBus();
    } catch (StartupException e) {
      s.net.shutdown();
      if (s.ctx.cluster != null) {
        s.ctx.cluster.close();
      }
      throw e;
    }
    s.runOnLoop(s.ctx::startCron);
    String primary = config.get("replicaof");
    if (primary != null && !primary.isBlank()) {
      String[] hp = primary.trim().split("\\s+");
      s.runOnLoop(() -> s.ctx.replicaOf(hp[0], Integer.parseInt(hp[1])));
    }
    return s;
  }

  /**
   * Loads dir/dbfilename if it exists, before any client can connect (Redis's loadDataFromDisk).
   */
  private static void loadSnapshot(Server s) throws StartupException {
    try {
      io.cinnabar.rdb.Snapshots.load(s.ctx);
    } catch (io.cinnabar.rdb.RdbException | java.io.IOException e) {
      String msg = "Fatal error loading the DB: " + e.getMessage() + ". Exiting.";
      Log.warning(msg);
      throw new StartupException(msg, e);
    }
  }

  private void listen() throws StartupException {
    int port = ctx.config.port;
    int backlog = (int) ctx.config.getLong("tcp-backlog");
    for (String addr : ctx.config.get("bind").trim().split("\\s+")) {
      boolean optional = addr.startsWith("-");
      String host = optional ? addr.substring(1) : addr;
      if (host.equals("*")) {
        host = "0.0.0.0";
      } else if (host.equals("::*")) {
        host = "::";
      }
      try {
        bound.add(net.listen(ctx, host, port, backlog));
      } catch (Exception e) {
        if (optional) {
          continue;
        }
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reason.contains("Address already in use")) {
          reason = "bind: Address already in use";
        }
        Log.warning(
            "Warning: Could not create server TCP listening socket "
                + addr
                + ":"
                + port
                + ": "
                + reason);
        throw new StartupException("Failed listening on port " + port + " (tcp), aborting.", e);
      }
    }
  }

  /** In cluster mode, the cluster bus listens on the same addresses as the clients. */
  private void listenBus() throws StartupException {
    if (ctx.cluster == null) {
      return;
    }
    List<String> hosts = new ArrayList<>();
    for (InetSocketAddress a : bound) {
      hosts.add(a.getAddress().getHostAddress());
    }
    try {
      ctx.cluster.start(hosts);
    } catch (Exception e) {
      int port = ctx.cluster.busPort();
      Log.warning("Could not create cluster bus listening socket on port " + port + ": " + e);
      throw new StartupException("Failed listening on port " + port + " (cluster), aborting.", e);
    }
  }

  /** The port actually bound (differs from the configured one only when it was 0). */
  public int port() {
    return bound.isEmpty() ? ctx.config.port : bound.get(0).getPort();
  }

  public ServerContext context() {
    return ctx;
  }

  /** Runs {@code r} on the keyspace thread and waits for it. */
  public void runOnLoop(Runnable r) {
    try {
      ctx.loop().submit(r).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The final snapshot of a shutdown by signal (Redis's prepareForShutdown): written when the
   * {@code shutdown-on-sig<name>} flags say "save", or when save points are configured and they do
   * not say "nosave". Returns false if saving failed without "force": the server keeps running.
   */
  public boolean saveBeforeSignalShutdown(String signal) {
    String flags = ctx.config.get("shutdown-on-sig" + signal.toLowerCase(java.util.Locale.ROOT));
    List<String> f = flags == null ? List.of() : List.of(flags.trim().split("\\s+"));
    if (f.contains("nosave") || (!f.contains("save") && ctx.config.get("save").isBlank())) {
      return true;
    }
    Log.notice("Saving the final RDB snapshot before exiting.");
    boolean ok;
    try {
      ok = ctx.loop().submit(() -> io.cinnabar.rdb.Snapshots.save(ctx)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    } catch (ExecutionException e) {
      ok = false;
    }
    if (!ok && !f.contains("force")) {
      Log.warning("Error trying to save the DB, can't exit.");
      Log.warning(
          "SIG"
              + signal
              + " received but errors trying to shut down the server, check the logs for more"
              + " information");
      return false;
    }
    return true;
  }

  /**
   * Cluster mode, a shutdown by signal: a primary with slots and an online replica hands them over
   * first (see {@link ServerContext#handOverSlotsThen}), unless the {@code shutdown-on-sig<name>}
   * flags say "now". Waits at most shutdown-timeout (plus a second).
   */
  public void handOverBeforeSignalShutdown(String signal) {
    String flags = ctx.config.get("shutdown-on-sig" + signal.toLowerCase(java.util.Locale.ROOT));
    if (ctx.cluster == null || (flags != null && List.of(flags.split("\\s+")).contains("now"))) {
      return;
    }
    CompletableFuture<Void> handed = new CompletableFuture<>();
    ctx.loop().execute(() -> ctx.handOverSlotsThen(() -> handed.complete(null), () -> {}));
    try {
      handed.get(ctx.config.getLong("shutdown-timeout") * 1000 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      Log.warning("Slot hand-over before shutdown did not complete: " + e);
    }
  }

  /** Completes when the server has stopped (after SHUTDOWN or {@link #close()}). */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Stops accepting, closes every client and stops the event loop. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        terminated.join();
        return;
      }
      closing = true;
    }
    try {
      net.closeListeners();
      ctx.loop()
          .submit(
              () -> {
                ctx.stopCron();
                if (ctx.replicaLink() != null) {
                  ctx.replicaLink().stop(); // no reconnect attempt while the loop shuts down
                }
                for (Client c : ctx.clients.values().toArray(new Client[0])) {
                  c.flush();
                  c.close();
                }
              })
          .await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (ctx.cluster != null) {
        ctx.cluster.close();
      }
      net.shutdown();
      terminated.complete(null);
    }
  }
}
