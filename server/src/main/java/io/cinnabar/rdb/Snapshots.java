package io.cinnabar.rdb;

import io.cinnabar.server.Log;
import io.cinnabar.server.ServerContext;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The snapshot file {@code dir/dbfilename}: SAVE writes it atomically (temp file, fsync, rename, as
 * Redis's rdbSave), startup and DEBUG RELOAD load it. BGSAVE serializes the keyspace on the
 * keyspace thread (a consistent image without fork's copy-on-write) and leaves the file writing and
 * fsync to a background thread. Everything except that writer runs on the keyspace thread.
 */
public final class Snapshots {
  private Snapshots() {}

  /** Writes bytes to an output stream. */
  private interface Body {
    void write(OutputStream os) throws IOException, RdbException;
  }

  /** A ByteArrayOutputStream whose buffer can be written without a copy. */
  private static final class Image extends ByteArrayOutputStream {
    Image() {
      super(1 << 16);
    }

    void drainTo(OutputStream os) throws IOException {
      os.write(buf, 0, count);
    }
  }

  /** Saves every database; true on success (failures are logged as Redis does). */
  public static boolean save(ServerContext s) {
    Path file = s.config.resolvePath("dbfilename");
    Thread writer = s.persistence.bgsaveWriter;
    if (writer != null) {
      try {
        writer.join(); // let a running BGSAVE land first: the newer image then replaces it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    long now = System.currentTimeMillis();
    boolean ok =
        writeAtomically(
            file,
            "temp-" + ProcessHandle.current().pid() + ".rdb",
            os -> RdbFile.save(s.keyspace, s.config, now, s.keyspace.memory(), os));
    if (ok) {
      Log.notice("DB saved on disk");
      s.keyspace.stats().dirty = 0;
      s.lastSaveSeconds = System.currentTimeMillis() / 1000;
      s.persistence.saves++;
    }
    return ok;
  }

  /**
   * Starts a BGSAVE: the image is built now, written by a background thread; the keyspace thread
   * learns the outcome through its event loop. Returns false (and logs) if serializing failed.
   */
  public static boolean bgsave(ServerContext s) {
    Persistence p = s.persistence;
    Path file = s.config.resolvePath("dbfilename");
    long start = System.currentTimeMillis();
    Image image = new Image();
    try {
      RdbFile.save(s.keyspace, s.config, start, s.keyspace.memory(), image);
    } catch (IOException | RdbException e) {
      Log.warning("Can't save in background: " + e.getMessage());
      return false;
    }
    p.bgsaveStartMs = start;
    p.dirtyAtBgsave = s.keyspace.stats().dirty;
    Log.notice("Background saving started");
    String tmp = "temp-bg-" + ProcessHandle.current().pid() + ".rdb";
    Thread t =
        new Thread(
            () -> {
              boolean ok = writeAtomically(file, tmp, image::drainTo);
              s.loop().execute(() -> bgsaveDone(s, ok));
            },
            "cinnabar-bgsave");
    t.setDaemon(true);
    p.bgsaveWriter = t;
    t.start();
    return true;
  }

  private static void bgsaveDone(ServerContext s, boolean ok) {
    Persistence p = s.persistence;
    long now = System.currentTimeMillis();
    p.lastBgsaveSeconds = (now - p.bgsaveStartMs) / 1000;
    p.bgsaveStartMs = -1;
    p.bgsaveWriter = null;
    p.lastBgsaveOk = ok;
    if (ok) {
      Log.notice("Background saving terminated with success");
      s.keyspace.stats().dirty = Math.max(0, s.keyspace.stats().dirty - p.dirtyAtBgsave);
      s.lastSaveSeconds = now / 1000;
      p.saves++;
    } else {
      Log.warning("Background saving error");
    }
    if (p.bgsaveScheduled) {
      p.bgsaveScheduled = false;
      bgsave(s);
    }
  }

  private static boolean writeAtomically(Path file, String tmpName, Body body) {
    Path tmp = file.resolveSibling(tmpName);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      body.write(os);
      os.flush();
      ch.force(true);
    } catch (IOException | RdbException e) {
      Log.warning(
          "Failed saving the DB to the temp RDB file "
              + tmp.getFileName()
              + " (in server root dir "
              + file.toAbsolutePath().getParent()
              + "): "
              + e.getMessage());
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      return false;
    }
    try {
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      Log.warning(
          "Error moving temp DB file "
              + tmp.getFileName()
              + " on the final destination "
              + file.getFileName()
              + ": "
              + e.getMessage());
      return false;
    }
    return true;
  }

  /**
   * Loads {@code dir/dbfilename} into the (empty) keyspace; false if there is no file. Throws with
   * the reason when the file is unreadable or malformed.
   */
  public static boolean load(ServerContext s) throws RdbException, IOException {
    Path file = s.config.resolvePath("dbfilename");
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return false;
    }
    long start = System.nanoTime();
    RdbFile.LoadStats st;
    try {
      st = RdbFile.load(data, s.keyspace, s.config, System.currentTimeMillis(), s.lruClock());
    } catch (RuntimeException e) {
      throw new RdbException("Bad RDB file: " + e);
    }
    s.persistence.lastLoadKeysLoaded = st.keys();
    s.persistence.lastLoadKeysExpired = st.expiredSkipped();
    Log.notice(
        String.format(
            "Done loading RDB, keys loaded: %d, keys expired: %d.",
            st.keys(), st.expiredSkipped()));
    Log.notice(
        String.format("DB loaded from disk: %.3f seconds", (System.nanoTime() - start) / 1e9));
    return true;
  }
}
