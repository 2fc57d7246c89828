package io.committed.raft;

import io.committed.api.CommittedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's data directory, held for as long as the node runs: a lock file that keeps a second
 * process (or a second log in this JVM) out, and an identity file written at the first start that
 * names the group and the node the files belong to, so that a directory of another group or node
 * is refused instead of being joined to this one.
 *
 * <p>{@value #IDENTITY_FILE} is a few {@code key=value} lines ending with the CRC32C of the lines
 * before it; {@value #LOCK_FILE} holds the holder's process id (only for the error message: the
 * lock is the operating system's, released when the process ends however it ends).
 */
final class DataDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
  static final String LOCK_FILE = "committed.lock";
  static final String IDENTITY_FILE = "committed.id";
  private static final int FORMAT = 1;
  /**
   * The directories locked in this JVM. Checked before the lock file is even opened: on Linux,
   * closing any descriptor of a file drops every lock the process holds on it, so a second
   * channel must never be opened (and closed) on a file this JVM has locked.
   */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private DataDirectory(Path dir, Path key, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (creating it if needed) and checks that it belongs to node {@code nodeId} of
   * group {@code groupId}, writing the identity file when the directory has none.
   *
   * @throws CommittedException naming the directory and what to do, when another process holds it,
   *     it belongs to another group or node, or its identity file is damaged
   */
  static DataDirectory open(Path dir, String groupId, int nodeId) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CommittedException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
    }
    DataDirectory d = lock(dir);
    try {
      d.checkIdentity(groupId, nodeId);
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  private static DataDirectory lock(Path dir) {
    Path file = dir.resolve(LOCK_FILE);
    Path key;
    try {
      key = dir.toRealPath();
    } catch (IOException e) {
      throw new CommittedException("cannot resolve the data directory " + dir + ": " + e.getMessage(), e);
    }
    if (!HELD.add(key)) {
      throw inUse(dir, file, "another log in this JVM (pid " + ProcessHandle.current().pid() + ")");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      HELD.remove(key);
      throw new CommittedException("cannot open the lock file " + file + ": " + e.getMessage(), e);
    }
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      closeQuietly(ch);
      HELD.remove(key);
      throw new CommittedException("cannot lock " + file + ": " + e.getMessage(), e);
    }
    if (l == null) {
      closeQuietly(ch);
      HELD.remove(key);
      String holder = holder(file);
      throw inUse(dir, file, holder == null ? "another process" : "another process (pid " + holder + ")");
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
    } catch (IOException e) {
      // the pid is only for the message a second process prints
      LOG.debug("cannot write the pid into {}", file, e);
    }
    return new DataDirectory(dir, key, ch, l);
  }

  private static CommittedException inUse(Path dir, Path file, String who) {
    return new CommittedException("the data directory " + dir + " is in use by " + who + " (it holds " + file
        + "): only one node may use a data directory at a time. Stop the other node, or give this one its own"
        + " data directory");
  }

  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d{1,19}") ? pid : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void checkIdentity(String groupId, int nodeId) {
    Path file = dir.resolve(IDENTITY_FILE);
    if (!Files.exists(file)) {
      if (holdsData()) {
        LOG.warn("the data directory {} has no {} (written by releases before it existed): recording it as node {}"
            + " of group '{}'", dir, IDENTITY_FILE, nodeId, groupId);
      }
      write(file, groupId, nodeId);
      return;
    }
    Map<String, String> id = read(file);
    String storedGroup = id.get("groupId");
    int storedNode;
    try {
      storedNode = Integer.parseInt(id.get("nodeId"));
    } catch (NumberFormatException e) {
      throw damaged(file, "nodeId is not a number");
    }
    if (!storedGroup.equals(groupId)) {
      throw new CommittedException("the data directory " + dir + " belongs to group '" + storedGroup + "' (node "
          + storedNode + "), not to group '" + groupId + "' (" + file + "): a directory serves one group. Start this"
          + " node with the data directory of group '" + groupId + "', or with groupId '" + storedGroup
          + "' if that is the group meant");
    }
    if (storedNode != nodeId) {
      throw new CommittedException("the data directory " + dir + " holds node " + storedNode + " of group '"
          + groupId + "', not node " + nodeId + " (" + file + "): a node's identity is its node id, and each node"
          + " needs its own data directory. Start it with nodeId " + storedNode + ", or give node " + nodeId
          + " its own data directory");
    }
  }

  /** True when the directory holds files of an earlier start (raft log or meta, events, snapshots). */
  private boolean holdsData() {
    for (String sub : new String[] {"raft", "events", "snapshots", "segments"}) {
      Path p = dir.resolve(sub);
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          if (files.anyMatch(Files::isRegularFile)) {
            return true;
          }
        } catch (IOException e) {
          return true;
        }
      }
    }
    return false;
  }

  private static Map<String, String> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommittedException("cannot read " + file + ": " + e.getMessage(), e);
    }
    int crcAt = text.lastIndexOf("crc32c=");
    if (crcAt < 0 || !text.endsWith("\n")) {
      throw damaged(file, "it is truncated (no checksum line)");
    }
    String body = text.substring(0, crcAt);
    String crc = text.substring(crcAt + "crc32c=".length()).trim();
    if (!crc.equals(crc(body))) {
      throw damaged(file, "its checksum does not match its contents");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if (!String.valueOf(FORMAT).equals(values.get("format"))) {
      throw damaged(file, "format " + values.get("format") + " is not one this release reads (" + FORMAT + ")");
    }
    if (values.get("groupId") == null || values.get("nodeId") == null) {
      throw damaged(file, "it names no groupId or nodeId");
    }
    return values;
  }

  private static CommittedException damaged(Path file, String why) {
    return new CommittedException("the data directory's identity file " + file + " is damaged: " + why + ". Restore"
        + " it from a backup; or, when you are certain which group and node the directory belongs to, delete it and"
        + " start the node with that groupId and nodeId: it writes the file again");
  }

  private static void write(Path file, String groupId, int nodeId) {
    String body = "# Which group and node this data directory belongs to. Written at the first start, checked at"
        + " every start: do not edit.\nformat=" + FORMAT + "\ngroupId=" + groupId + "\nnodeId=" + nodeId + "\n";
    String text = body + "crc32c=" + crc(body) + "\n";
    Path tmp = file.resolveSibling(IDENTITY_FILE + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      EventSegments.force(tmp);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(file.getParent());
    } catch (IOException e) {
      throw new CommittedException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be opened; the rename is durable on the usual ones
      LOG.debug("cannot fsync the directory {}", dir, e);
    }
  }

  private static String crc(String body) {
    CRC32C c = new CRC32C();
    c.update(body.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(c.getValue());
  }

  Path path() {
    return dir;
  }

  /** Releases the lock (the files stay); idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      LOG.debug("releasing the lock of {} failed", dir, e);
    }
    closeQuietly(channel);
    HELD.remove(key);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a lock file failed", e);
    }
  }
}
