package io.committed;

import java.nio.file.Path;

/**
 * The disk of this node's data directory, as disk admission sees it.
 *
 * @param directory the data directory
 * @param usableBytes bytes this process may still write there
 * @param totalBytes the file system's size
 * @param admission what the node accepts at this level of free space
 */
public record DiskUsage(Path directory, long usableBytes, long totalBytes, Admission admission) {

  /** What the node accepts, by the share of the disk still free. */
  public enum Admission {
    /** Everything. */
    OK("ok"),
    /** Everything, with a warning: free space is at or below the warning level. */
    LOW("low"),
    /** Config changes and the log's own bookkeeping, not data: free space is at or below the data level. */
    DATA_REFUSED("data-refused"),
    /** Only the log's own bookkeeping (checkpoints, acknowledgements): free space is at or below the config level. */
    ALL_REFUSED("all-refused");

    private final String wireName;

    Admission(String wireName) {
      this.wireName = wireName;
    }

    /** The name the REST API and metrics show. */
    public String wireName() {
      return wireName;
    }
  }

  /** The free share of the disk, 0 to 1. */
  public double freeRatio() {
    return totalBytes <= 0 ? 1.0 : (double) usableBytes / totalBytes;
  }
}
