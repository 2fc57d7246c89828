package io.committed.spi;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What an {@link Ingestable} reports about its progress, shown in the ingestable's status. A
 * figure the ingestable does not know (or that does not apply to its phase) is an empty
 * {@code OptionalLong}; no component is null.
 *
 * @param phase what it is doing, e.g. {@code snapshot} or {@code streaming}
 * @param rowsCopied rows copied so far by an initial snapshot; empty when not snapshotting
 * @param rowsEstimated the snapshot's estimated total rows; empty when unknown
 * @param lag how far behind the source the ingestable is, in {@code lagUnit}; empty when unknown
 * @param lagUnit the unit the ingestable measures its lag in, e.g. {@code bytes} or
 *     {@code seconds}; empty text when it measures none
 * @param detail free text for operators (slot health, last error); may be empty
 */
public record IngestStatus(
    String phase, OptionalLong rowsCopied, OptionalLong rowsEstimated, OptionalLong lag, String lagUnit,
    String detail) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException when a component is null
   * @throws IllegalArgumentException when a present figure is negative
   */
  public IngestStatus {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(lagUnit, "lagUnit");
    Objects.requireNonNull(detail, "detail");
    notNegative("rowsCopied", rowsCopied);
    notNegative("rowsEstimated", rowsEstimated);
    notNegative("lag", lag);
  }

  private static void notNegative(String name, OptionalLong value) {
    Objects.requireNonNull(value, name);
    if (value.isPresent() && value.getAsLong() < 0) {
      throw new IllegalArgumentException(name + " must not be negative (use OptionalLong.empty() when unknown), was "
          + value.getAsLong());
    }
  }

  /** A streaming status with a lag. */
  public static IngestStatus streaming(long lag, String lagUnit) {
    return new IngestStatus("streaming", OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(lag), lagUnit,
        "");
  }

  /** A snapshot status with its progress and an estimate of the total rows. */
  public static IngestStatus snapshot(long rowsCopied, long rowsEstimated) {
    return new IngestStatus("snapshot", OptionalLong.of(rowsCopied), OptionalLong.of(rowsEstimated),
        OptionalLong.empty(), "", "");
  }

  /** A status with only a phase and operators' detail, e.g. while starting. */
  public static IngestStatus phase(String phase, String detail) {
    return new IngestStatus(phase, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), "", detail);
  }
}
