package io.cinnabar.cluster.bus;

import io.cinnabar.cluster.NodesConfFile;
import io.cinnabar.server.Log;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Writes nodes.conf off the bus thread. The bus renders the text and hands it over, so a write and
 * an fsync (milliseconds, far more on a busy disk) never hold up gossip, nor a CLUSTER command
 * waiting in {@link ClusterBus#call}. As Redis's clusterSaveConfig, the file is overwritten in
 * place and fsynced only when asked: when an epoch changed (Redis's CLUSTER_TODO_FSYNC_CONFIG), and
 * always for SAVECONFIG. Changes made by a CLUSTER command are written synchronously ({@link
 * #saveNow}) before it replies. Snapshots are numbered so an older one never overwrites a newer
 * one; snapshots queued while the writer is busy are coalesced into the newest.
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
  private boolean pendingFsync; // guarded by lock

  ConfigSaver(NodesConfFile file) {
    this.file = file;
  }

  /**
   * Queues {@code text} for writing (and fsyncing, if {@code fsync} here or in a snapshot it
   * replaces); a newer snapshot queued before the write replaces it.
   */
  void saveLater(String text, boolean fsync) {
    long seq = ++rendered;
    boolean submit;
    synchronized (lock) {
      submit = pending == null;
      pending = text;
      pendingSeq = seq;
      pendingFsync |= fsync;
    }
    if (submit) {
      try {
        writer.execute(this::writePending);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        writePending(); // closing: write here
      }
    }
  }

  /**
   * Writes {@code text} now, in place, fsynced if {@code fsync}; {@code atomic}: through a temp
   * file and a rename, fsynced (the caller waits for the disk either way).
   */
  void saveNow(String text, boolean fsync, boolean atomic) throws IOException {
    long seq = ++rendered;
    synchronized (lock) {
      if (seq <= written) {
        return;
      }
      if (atomic) {
        file.write(text, true);
      } else {
        file.overwrite(text, fsync);
      }
      written = seq;
    }
  }

  /**
   * The background save: the newest queued snapshot, in place (a few microseconds when no fsync).
   */
  private void writePending() {
    synchronized (lock) {
      String text = pending;
      long seq = pendingSeq;
      boolean fsync = pendingFsync;
      pending = null;
      pendingFsync = false;
      if (text == null) {
        return;
      }
      try {
        write(text, seq, fsync);
      } catch (IOException e) {
        Log.warning("Could not save the cluster config: " + e.getMessage());
      }
    }
  }

  private void write(String text, long seq, boolean fsync) throws IOException {
    if (seq <= written) {
      return;
    }
    file.overwrite(text, fsync);
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
