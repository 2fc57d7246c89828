package io.committed.spi;

import io.committed.api.CommittedException;
import java.util.OptionalLong;

/**
 * Thrown by {@link Syncable#sync} when the target can never accept an entry (bad data, a
 * constraint violation): retrying would fail forever. The entry is recorded in the replicated
 * dead-letter list and the worker moves on.
 *
 * <p>When the syncable knows which entry of the batch is at fault it passes its index; otherwise
 * the worker finds it by retrying the batch one entry at a time.
 */
public class PermanentSyncException extends CommittedException {
  private static final long serialVersionUID = 1L;

  private final long entryIndex;

  /** A permanent failure of an unknown entry of the batch. */
  public PermanentSyncException(String message) {
    this(message, 0, null);
  }

  /** A permanent failure of an unknown entry of the batch, with its cause. */
  public PermanentSyncException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /**
   * A permanent failure of the entry at {@code entryIndex}.
   *
   * @param entryIndex the failing entry's log index, or 0 when unknown
   */
  public PermanentSyncException(String message, long entryIndex, Throwable cause) {
    super(message, cause);
    this.entryIndex = entryIndex;
  }

  /** The failing entry's log index, when the syncable knows it. */
  public OptionalLong entryIndex() {
    return entryIndex > 0 ? OptionalLong.of(entryIndex) : OptionalLong.empty();
  }
}
