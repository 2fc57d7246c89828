package io.committed.ingest.sql.internal;

import io.committed.spi.PermanentIngestException;

/**
 * The source is not usable as configured (its replication settings, privileges, a missing table
 * or column, a lost position): the message says what to change. Retrying does not help until an
 * operator acts, so the ingestable is parked at once.
 */
public final class SourceException extends PermanentIngestException {
  private static final long serialVersionUID = 1L;

  public SourceException(String message) {
    super(message);
  }
}
