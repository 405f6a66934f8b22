package io.cinnabar.rdb;

import io.cinnabar.server.Log;
import io.cinnabar.server.ServerContext;
import java.io.BufferedOutputStream;
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
 * Redis's rdbSave), startup and DEBUG RELOAD load it. Runs on the keyspace thread.
 */
public final class Snapshots {
  private Snapshots() {}

  /** Saves every database; true on success (failures are logged as Redis does). */
  public static boolean save(ServerContext s) {
    Path file = s.config.resolvePath("dbfilename");
    Path tmp = file.resolveSibling("temp-" + ProcessHandle.current().pid() + ".rdb");
    long start = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      RdbFile.save(s.keyspace, s.config, System.currentTimeMillis(), s.keyspace.memory(), os);
      os.flush();
      ch.force(true);
    } catch (IOException | RdbException e) {
      Log.warning(
          "Failed opening the temp RDB file "
              + tmp.getFileName()
              + " (in server root dir "
              + s.config.dirPath().toAbsolutePath()
              + ") for saving: "
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
              + " (in server root dir "
              + s.config.dirPath().toAbsolutePath()
              + "): "
              + e.getMessage());
      return false;
    }
    Log.notice("DB saved on disk");
    Log.debug(String.format("SAVE took %.3f seconds", (System.nanoTime() - start) / 1e9));
    s.keyspace.stats().dirty = 0;
    s.lastSaveSeconds = System.currentTimeMillis() / 1000;
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
    Log.notice(
        String.format(
            "Done loading RDB, keys loaded: %d, keys expired: %d.",
            st.keys(), st.expiredSkipped()));
    Log.notice(
        String.format("DB loaded from disk: %.3f seconds", (System.nanoTime() - start) / 1e9));
    return true;
  }
}
