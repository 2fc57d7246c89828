package io.committed.spi;

import java.util.List;

/**
 * An {@link IngestableFactory} whose ingestables copy tables of their source again on request,
 * while they go on streaming (see {@link SnapshotRequest}). Requests for an ingestable whose factory
 * is not one are refused before anything is recorded ({@code UnsupportedOperationException} from
 * {@code CommittedLog.ingest().requestSnapshot}, 501 {@code not_supported} on the REST API).
 *
 * <p>Its ingestables read {@link IngestContext#snapshotRequests()} between source transactions,
 * take the requests above the highest number they have taken, and record that number in their own
 * {@link SourcePosition} state.
 */
public interface SnapshottingIngestableFactory extends IngestableFactory {

  /**
   * Checks a request to copy {@code tables} again against the ingestable's current config, before
   * it is recorded in the log. Called on the node where the request is made; must not touch the
   * source.
   *
   * @param document the ingestable's current config document
   * @param section the section of that document named after its kind
   * @param tables the tables named in the request, not empty, without duplicates
   * @return the tables to record, which may be more than asked (for example every table of a topic
   *     whose keys are reconciled together); not empty
   * @throws IllegalArgumentException naming what is wrong, for example a table the config does not
   *     capture
   */
  List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables);
}
