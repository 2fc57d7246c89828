package io.committed.api;

/**
 * Root of every exception Committed throws. Unchecked: the subclasses tell the caller what to do.
 *
 * <ul>
 *   <li>{@link RetriableException} (and {@link NotLeaderException}): try again, perhaps elsewhere;
 *       check {@link RetriableException#outcomeUnknown()} before retrying a non-idempotent write.
 *   <li>{@link ProposalRejectedException}: the proposal is wrong; do not retry it unchanged.
 *   <li>{@link ConfigException}: a config document or builder setting is wrong.
 *   <li>{@link NotFoundException}: the named config, version or syncable does not exist.
 *   <li>{@link LogClosedException}: the log was closed.
 *   <li>{@link MembershipException}: the group refused a membership change; its code says why.
 *   <li>{@link OperationInterruptedException}: the calling thread was interrupted while it waited;
 *       its interrupt status is set again.
 * </ul>
 */
public class CommittedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public CommittedException(String message) {
    super(message);
  }

  /** An exception with a message and its cause. */
  public CommittedException(String message, Throwable cause) {
    super(message, cause);
  }
}
