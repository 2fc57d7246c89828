package io.committed;

/** Ingest progress of the ingestables, from {@link CommittedLog#ingest()}. */
public interface IngestControl {

  /**
   * The ingestable's progress.
   *
   * @throws io.committed.api.NotFoundException when no ingestable has that id
   */
  IngestableStatus status(String ingestableId);
}
