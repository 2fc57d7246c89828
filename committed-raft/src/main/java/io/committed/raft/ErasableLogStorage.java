package io.committed.raft;

import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import java.lang.reflect.Field;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * JRaft's RocksDB log storage, able to drop the bytes of the entries before its first index.
 * Trimming the log's prefix (after a snapshot) only marks those entries deleted: RocksDB keeps
 * their bytes in its write-ahead log and table files until a flush and a compaction happen to
 * reach them. After a scrub, {@link #eraseBefore} makes that happen at once.
 *
 * <p>JRaft keeps its database private; this reads the two fields it needs by reflection, and fails
 * loudly (at start) when a JRaft release renames them.
 */
final class ErasableLogStorage extends RocksDBLogStorage implements RaftLogEraser.Storage {
  private static final Field DB = field("db");
  private static final Field DEFAULT_HANDLE = field("defaultHandle");
  private static final Field CONF_HANDLE = field("confHandle");

  private boolean shutDown;

  ErasableLogStorage(String path, RaftOptions options) {
    super(path, options);
  }

  private static Field field(String name) {
    try {
      Field f = RocksDBLogStorage.class.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("this JRaft release's RocksDBLogStorage has no field '" + name + "': scrubs"
          + " cannot erase the raft log's bytes with it", e);
    }
  }

  /** The service factory that makes JRaft use this storage; {@link #storage} is the one it made. */
  static final class Factory extends DefaultJRaftServiceFactory {
    private volatile ErasableLogStorage storage;

    @Override
    public LogStorage createLogStorage(String uri, RaftOptions options) {
      ErasableLogStorage s = new ErasableLogStorage(uri, options);
      storage = s;
      return s;
    }

    ErasableLogStorage storage() {
      return storage;
    }
  }

  /**
   * Deletes every entry before {@code firstKept} (JRaft trimmed them already, or is about to),
   * flushes the memory tables so that the write-ahead log holding them is dropped, and compacts
   * the entries' table files so that no file keeps their bytes. Blocks for as long as RocksDB takes.
   *
   * @return false when the storage is not open (not started yet, or shut down)
   */
  @Override
  public synchronized boolean eraseBefore(long firstKept) throws RocksDBException {
    if (shutDown) {
      return false;
    }
    RocksDB db;
    ColumnFamilyHandle data;
    ColumnFamilyHandle conf;
    try {
      db = (RocksDB) DB.get(this);
      data = (ColumnFamilyHandle) DEFAULT_HANDLE.get(this);
      conf = (ColumnFamilyHandle) CONF_HANDLE.get(this);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    if (db == null || data == null || conf == null) {
      return false;
    }
    byte[] from = getKeyBytes(0);
    byte[] to = getKeyBytes(firstKept);
    db.deleteRange(data, from, to);
    db.deleteRange(conf, from, to);
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, List.of(data, conf)); // every family: the write-ahead log goes only when all are flushed
    }
    db.compactRange(data);
    db.compactRange(conf);
    return true;
  }

  @Override
  public synchronized void shutdown() {
    shutDown = true; // an erase never touches a closed database (its handles would crash the JVM)
    super.shutdown();
  }
}
