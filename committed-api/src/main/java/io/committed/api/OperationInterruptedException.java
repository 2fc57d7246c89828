package io.committed.api;

/**
 * The calling thread was interrupted while a blocking call waited (for a commit, a syncable, new
 * entries). Every blocking method of the library reports an interrupt this way, unchecked, with
 * the thread's interrupt status set again, so that the code above it still sees the interrupt.
 *
 * <p>When {@link #outcomeUnknown()} is true, the change the call was waiting for may still be
 * committed: read before retrying. When it is false, nothing was written.
 */
public class OperationInterruptedException extends CommittedException {
  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  /**
   * An interrupted wait. Prefer {@link #interrupted}, which also sets the interrupt status again.
   *
   * @param outcomeUnknown true when the change waited for may still be committed
   */
  public OperationInterruptedException(String message, boolean outcomeUnknown, InterruptedException cause) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * Sets the current thread's interrupt status again (catching {@code InterruptedException}
   * cleared it) and returns the exception to throw.
   *
   * <pre>{@code
   * } catch (InterruptedException e) {
   *   throw OperationInterruptedException.interrupted("interrupted while waiting for ...", false, e);
   * }
   * }</pre>
   */
  public static OperationInterruptedException interrupted(String message, boolean outcomeUnknown,
      InterruptedException cause) {
    Thread.currentThread().interrupt();
    return new OperationInterruptedException(message, outcomeUnknown, cause);
  }

  /** True when the change the interrupted call waited for may still be committed. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
