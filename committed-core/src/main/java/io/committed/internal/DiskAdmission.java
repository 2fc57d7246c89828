package io.committed.internal;

import io.committed.DiskUsage;
import io.committed.api.InsufficientStorageException;
import io.committed.internal.state.Command;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses writes before the data directory's disk is full, as the original does: data (proposals
 * and ingested rows) at or below {@code dataPercent} free, config changes at or below
 * {@code configPercent}, with a warning logged at or below {@code warnPercent}. The log's own
 * bookkeeping (checkpoints, dead letters, acknowledgements, barriers) is never refused: it is
 * small, and it is what lets workers move on once space is back. Checked on the node that takes
 * the write, at each write.
 */
final class DiskAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(DiskAdmission.class);

  /** Free and total bytes of a file system. */
  interface Space {
    long usable() throws IOException;

    long total() throws IOException;
  }

  /** The thresholds, in percent of the disk left free; 0 turns a check off. */
  record Thresholds(int warnPercent, int dataPercent, int configPercent) {
    Thresholds {
      if (configPercent < 0 || configPercent > dataPercent || dataPercent > warnPercent || warnPercent > 100) {
        throw new IllegalArgumentException("disk thresholds need 0 <= config <= data <= warn <= 100 percent, were "
            + configPercent + ", " + dataPercent + ", " + warnPercent);
      }
    }
  }

  private final Path directory;
  private final Space space;
  private final Thresholds thresholds;
  private volatile DiskUsage.Admission last = DiskUsage.Admission.OK;

  private DiskAdmission(Path directory, Space space, Thresholds thresholds) {
    this.directory = directory;
    this.space = space;
    this.thresholds = thresholds;
  }

  /** Admission for the file system of {@code directory}; none (everything accepted) when it is null. */
  static DiskAdmission of(Path directory, Thresholds thresholds) {
    if (directory == null) {
      return new DiskAdmission(null, null, thresholds);
    }
    return new DiskAdmission(directory, new Space() {
      private FileStore store;

      private FileStore store() throws IOException {
        if (store == null) {
          Path existing = directory.toAbsolutePath();
          while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
          }
          store = Files.getFileStore(existing == null ? directory.toAbsolutePath().getRoot() : existing);
        }
        return store;
      }

      @Override
      public long usable() throws IOException {
        return store().getUsableSpace();
      }

      @Override
      public long total() throws IOException {
        return store().getTotalSpace();
      }
    }, thresholds);
  }

  /** For tests: admission over {@code space}. */
  static DiskAdmission over(Path directory, Space space, Thresholds thresholds) {
    return new DiskAdmission(directory, space, thresholds);
  }

  /** The disk now; empty without a data directory, or when the file system cannot be read. */
  Optional<DiskUsage> usage() {
    if (space == null) {
      return Optional.empty();
    }
    try {
      long usable = space.usable();
      long total = space.total();
      return Optional.of(new DiskUsage(directory, usable, total, level(usable, total)));
    } catch (IOException e) {
      LOG.debug("cannot read the free space of {}", directory, e);
      return Optional.empty();
    }
  }

  private DiskUsage.Admission level(long usable, long total) {
    if (total <= 0) {
      return DiskUsage.Admission.OK;
    }
    double freePercent = 100.0 * usable / total;
    if (thresholds.configPercent() > 0 && freePercent <= thresholds.configPercent()) {
      return DiskUsage.Admission.ALL_REFUSED;
    }
    if (thresholds.dataPercent() > 0 && freePercent <= thresholds.dataPercent()) {
      return DiskUsage.Admission.DATA_REFUSED;
    }
    if (thresholds.warnPercent() > 0 && freePercent <= thresholds.warnPercent()) {
      return DiskUsage.Admission.LOW;
    }
    return DiskUsage.Admission.OK;
  }

  /**
   * Throws {@link InsufficientStorageException} when {@code command} may not be written at the
   * disk's current level.
   */
  void check(Command command) {
    if (space == null) {
      return;
    }
    boolean data = command instanceof Command.Write || command instanceof Command.WritePart;
    boolean config = command instanceof Command.PutConfig || command instanceof Command.RollbackConfig
        || command instanceof Command.RemoveConfig;
    if (!data && !config) {
      return;
    }
    Optional<DiskUsage> u = usage();
    if (u.isEmpty()) {
      return;
    }
    DiskUsage usage = u.get();
    DiskUsage.Admission level = usage.admission();
    DiskUsage.Admission before = last;
    if (level != before) {
      last = level;
      if (level.compareTo(before) > 0) {
        LOG.warn("disk of {} is {}: {} of {} bytes free ({}%)", directory, level.wireName(), usage.usableBytes(),
            usage.totalBytes(), Math.round(usage.freeRatio() * 1000) / 10.0);
      } else {
        LOG.info("disk of {} is {} again: {} of {} bytes free", directory, level.wireName(), usage.usableBytes(),
            usage.totalBytes());
      }
    }
    boolean refused = level == DiskUsage.Admission.ALL_REFUSED || data && level == DiskUsage.Admission.DATA_REFUSED;
    if (refused) {
      int limit = data ? thresholds.dataPercent() : thresholds.configPercent();
      throw new InsufficientStorageException("the disk of " + directory + " has " + usage.usableBytes() + " of "
          + usage.totalBytes() + " bytes free (" + Math.round(usage.freeRatio() * 1000) / 10.0 + "%), at or below the "
          + limit + "% at which " + (data ? "data writes" : "config changes") + " are refused; nothing was written."
          + " Free space on that disk and retry");
    }
  }
}
