package io.committed.api;

/**
 * The operation did not complete and may succeed if tried again: no leader yet, leadership moved,
 * the engine is busy, or a timeout expired.
 *
 * <p>When {@link #outcomeUnknown()} is true the write may or may not have been committed (for
 * example, the leader changed after replicating it); retrying may then commit it twice, so read
 * the log or make the write idempotent before retrying. When it is false, nothing was written.
 */
public class RetriableException extends CommittedException {
  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  /** A retriable failure; {@code outcomeUnknown} says whether the write may have been committed. */
  public RetriableException(String message, boolean outcomeUnknown) {
    super(message);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** A retriable failure with its cause. */
  public RetriableException(String message, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** True when the write may have been committed despite this failure. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
