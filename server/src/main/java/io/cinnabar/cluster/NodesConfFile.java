package io.cinnabar.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A node's nodes.conf on disk, held locked while the node runs so two nodes never share one file.
 *
 * <p>Redis 7.0 flocks nodes.conf itself and rewrites it in place. We replace the file atomically
 * (temp file in the same directory, fsync, rename, fsync the directory) so a crash leaves the old
 * or the new file, never a torn one. A rename gives the path a new inode, which would silently drop
 * a lock taken on the old one, so the lock lives on a sibling "&lt;file&gt;.lock" that is never
 * replaced. (Java locks are fcntl locks: they exclude other Cinnabar nodes, not a redis-server.)
 */
public final class NodesConfFile implements AutoCloseable {
  private final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private NodesConfFile(Path path, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks the file for this node, failing with Redis's message when another node holds it. The path
   * is reported as configured (cluster-config-file), like Redis does.
   */
  public static NodesConfFile lock(Path path) throws IOException {
    Path lockPath = lockPath(path);
    FileChannel ch;
    try {
      ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException(
          "Can't open " + path + " in order to acquire a lock: " + e.getMessage(), e);
    }
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by this very process
    } catch (IOException e) {
      ch.close();
      throw new IOException("Impossible to lock " + path + ": " + e.getMessage(), e);
    }
    if (l == null) {
      ch.close();
      throw new IOException(
          "Sorry, the cluster configuration file "
              + path
              + " is already used by a different Redis Cluster node. Please make sure that"
              + " different nodes use different cluster configuration files.");
    }
    return new NodesConfFile(path, ch, l);
  }

  static Path lockPath(Path path) {
    return path.resolveSibling(path.getFileName() + ".lock");
  }

  public Path path() {
    return path;
  }

  /**
   * The table stored in the file, or null when there is no file or it is empty (a new node, as for
   * Redis). Fields are as stored; {@link NodesConf#restart} applies Redis's load-time rules.
   */
  public NodeTable load() throws IOException, NodesConf.FormatException {
    byte[] b;
    try {
      b = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (b.length == 0) {
      return null;
    }
    return NodesConf.parse(new String(b, StandardCharsets.ISO_8859_1));
  }

  /** Replaces the file with the table's text; fsync decides whether data reaches the disk. */
  public void save(NodeTable t, boolean fsync) throws IOException {
    write(NodesConf.render(t), fsync);
  }

  /** Replaces the file with {@code text} (rendered earlier by {@link NodesConf#render}). */
  public void write(String text, boolean fsync) throws IOException {
    writeAtomically(path, text.getBytes(StandardCharsets.ISO_8859_1), fsync, null);
  }

  /**
   * Writes a temp file next to target and renames it over target. beforeRename runs between the two
   * (tests use it to fail there); on any failure the temp file is removed and target is left as it
   * was.
   */
  static void writeAtomically(Path target, byte[] content, boolean fsync, Runnable beforeRename)
      throws IOException {
    writeAtomically(target, content, fsync, beforeRename, "");
  }

  /**
   * Rewrites the file in place, as Redis 7.0's clusterSaveConfig does: a single write into the page
   * cache (microseconds) rather than a new file and a rename (a journaled metadata change, which a
   * busy disk makes take milliseconds), then an fsync of the file if {@code fsync}. The saves that
   * must be atomic (CLUSTER SAVECONFIG, a vote) go through a temp file and a rename.
   */
  public void overwrite(String text, boolean fsync) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.truncate(b.length);
      if (fsync) {
        ch.force(false);
      }
    }
  }

  private static void writeAtomically(
      Path target, byte[] content, boolean fsync, Runnable beforeRename, String tag)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve("tmp-" + ProcessHandle.current().pid() + tag + "-" + target.getFileName());
    boolean renamed = false;
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (fsync) {
          ch.force(true);
        }
      }
      if (beforeRename != null) {
        beforeRename.run();
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      renamed = true;
      if (fsync) {
        fsyncDirectory(dir);
      }
    } finally {
      if (!renamed) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Makes the rename durable; some platforms cannot open a directory, which we then accept. */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
