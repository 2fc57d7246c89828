package io.committed.api;

/** The log was closed: the operation was not performed and will not be on this instance. */
public class LogClosedException extends CommittedException {
  private static final long serialVersionUID = 1L;

  /** A closed-log error. */
  public LogClosedException(String message) {
    super(message);
  }
}
