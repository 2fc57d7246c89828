package io.committed.ingest.mysql.internal;

import io.committed.spi.PermanentIngestException;

/**
 * The source is not usable as configured (binlog settings, privileges, a missing table, a lost
 * position): the message says what to change. Retrying does not help until an operator acts, so
 * the ingestable is parked at once.
 */
public final class SourceException extends PermanentIngestException {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }
}
