package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.NodesConfFile;
import io.cinnabar.server.Log;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Writes nodes.conf (temp file, fsync, rename) off the bus thread. The bus renders the text and
 * hands it over, so an fsync (milliseconds, far more on a busy disk) never holds up gossip, nor a
 * CLUSTER command waiting in {@link ClusterBus#call}. Changes made by a CLUSTER command are written
 * synchronously ({@link #saveNow}) before it replies, without fsync (as Redis's
 * CLUSTER_TODO_SAVE_CONFIG), SAVECONFIG with fsync. Snapshots are numbered so an older one never
 * overwrites a newer one.
 */
final class ConfigSaver {
  private final NodesConfFile file;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cinnabar-nodes-conf");
            t.setDaemon(true);
            return t;
          });
  private long rendered; // bus thread only
  private final Object lock = new Object();
  private long written; // guarded by lock
  private String pending; // guarded by lock
  private long pendingSeq; // guarded by lock

  ConfigSaver(NodesConfFile file) {
    this.file = file;
  }

  /** Queues {@code text} for writing; a newer snapshot queued before the write replaces it. */
  void saveLater(String text) {
    long seq = ++rendered;
    boolean submit;
    synchronized (lock) {
      submit = pending == null;
      pending = text;
      pendingSeq = seq;
    }
    if (submit) {
      try {
        writer.execute(this::writePending);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        writePending(); // closing: write here
      }
    }
  }

  /** Writes {@code text} now; with {@code fsync} the caller also waits for the disk. */
  void saveNow(String text, boolean fsync) throws IOException {
    long seq = ++rendered;
    synchronized (lock) {
      write(text, seq, fsync);
    }
  }

  /**
   * The background save: written and fsynced to a temp file of its own outside the lock (an fsync
   * takes milliseconds; a CLUSTER command's {@link #saveNow} must not wait for it), then renamed in
   * place under the lock unless a newer snapshot got there first.
   */
  private void writePending() {
    String text;
    long seq;
    synchronized (lock) {
      text = pending;
      seq = pendingSeq;
      pending = null;
      if (text == null || seq <= written) {
        return;
      }
    }
    try {
      java.nio.file.Path tmp = file.prepare(text, "bg");
      boolean newest;
      synchronized (lock) {
        newest = seq > written;
        file.commit(tmp, newest);
        if (newest) {
          written = seq;
        }
      }
      if (newest) {
        file.syncDirectory();
      }
    } catch (IOException e) {
      Log.warning("Could not save the cluster config: " + e.getMessage());
    }
  }

  private void write(String text, long seq, boolean fsync) throws IOException {
    if (seq <= written) {
      return;
    }
    if (fsync) {
      file.write(text, true);
    } else {
      file.overwrite(text); // as Redis's clusterSaveConfig: in place, no fsync
    }
    written = seq;
  }

  /** Writes what is queued and stops the writer thread. */
  void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writePending();
  }
}
