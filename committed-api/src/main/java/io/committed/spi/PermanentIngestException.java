package io.committed.spi;

import io.committed.api.CommittedException;

/**
 * Thrown from {@link Ingestable#run} (or {@link IngestableFactory#create}) when retrying cannot
 * help until an operator acts: the source lost data the ingestable needs, it is misconfigured, or
 * it lacks a privilege. The supervisor parks the ingestable at once, with this message as the
 * reason, instead of restarting it with backoff; posting its config again restarts it.
 */
public class PermanentIngestException extends CommittedException {
  private static final long serialVersionUID = 1L;

  public PermanentIngestException(String message) {
    super(message, null);
  }

  public PermanentIngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
