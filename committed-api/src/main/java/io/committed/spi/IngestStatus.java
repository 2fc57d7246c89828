package io.committed.spi;

import java.util.Objects;

/**
 * What an {@link Ingestable} reports about its progress, shown in the ingestable's status.
 *
 * @param phase what it is doing, e.g. {@code snapshot} or {@code streaming}; never null
 * @param rowsCopied rows copied so far by an initial snapshot, or -1 when not snapshotting
 * @param rowsEstimated the snapshot's estimated total rows, or -1 when unknown
 * @param lag how far behind the source the ingestable is, in {@code lagUnit}, or -1 when unknown
 * @param lagUnit the unit of {@code lag}, e.g. {@code bytes} or {@code seconds}; never null
 * @param detail free text for operators (slot health, last error); never null, may be empty
 */
public record IngestStatus(
    String phase, long rowsCopied, long rowsEstimated, long lag, String lagUnit, String detail) {

  public IngestStatus {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(lagUnit, "lagUnit");
    Objects.requireNonNull(detail, "detail");
  }

  /** A streaming status with a lag. */
  public static IngestStatus streaming(long lag, String lagUnit) {
    return new IngestStatus("streaming", -1, -1, lag, lagUnit, "");
  }

  /** A snapshot status with its progress. */
  public static IngestStatus snapshot(long rowsCopied, long rowsEstimated) {
    return new IngestStatus("snapshot", rowsCopied, rowsEstimated, -1, "", "");
  }
}
