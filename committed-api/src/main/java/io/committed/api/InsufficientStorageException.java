package io.committed.api;

/**
 * The node refused a write because its data directory's disk is nearly full (disk admission):
 * nothing was written. Retry once space is freed; the node accepts writes again by itself. The
 * REST API answers 507 {@code insufficient_storage}.
 */
public class InsufficientStorageException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public InsufficientStorageException(String message) {
    super(message, false);
  }
}
