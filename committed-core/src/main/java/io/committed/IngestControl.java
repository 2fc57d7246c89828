package io.committed;

/** Ingest progress of the ingestables, from {@link CommittedLog#ingest()}. */
public interface IngestControl {

  /**
   * The ingestable's progress.
   *
   * @throws io.committed.api.NotFoundException when no ingestable has that id
   */
  IngestableStatus status(String ingestableId);

  /**
   * Asks the ingestable to copy {@code tables} of its source again while it goes on streaming. The
   * request is checked by the ingestable's factory (which may widen it, see {@link
   * io.committed.spi.SnapshottingIngestableFactory#checkSnapshotRequest}) and recorded in the log; the
   * ingestable takes it on whichever node leads, now or after a restart or failover. Its progress
   * shows in {@link #status}.
   *
   * @param tables the tables to copy, as the ingestable's config names them; at least one
   * @return the request as recorded, with its number
   * @throws io.committed.api.NotFoundException when no ingestable has that id
   * @throws IllegalArgumentException when {@code tables} is empty or the factory refuses one
   * @throws UnsupportedOperationException when the ingestable's factory is no {@link
   *     io.committed.spi.SnapshottingIngestableFactory}
   */
  io.committed.spi.SnapshotRequest requestSnapshot(String ingestableId, java.util.List<String> tables);
}
