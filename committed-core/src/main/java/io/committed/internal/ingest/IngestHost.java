package io.committed.internal.ingest;

import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.internal.ConfigReader;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** What the ingest supervisor needs from the log. */
public interface IngestHost {

  /** A log whose ingest runs have a host: the logs Committed's builder starts. */
  interface Provider {
    IngestHost ingestHost();
  }

  StateView state();

  ConfigReader configs();

  Clock clock();

  /** Committed entries from {@code fromIndex}, as {@link io.committed.CommittedLog#read}. */
  java.util.List<io.committed.api.LogEntry> read(long fromIndex, int maxEntries);

  /** The index of the last entry applied on this node; 0 when the log is empty. */
  long lastIndex();

  /** Where metrics go; none by default. */
  default io.committed.LogObserver observer() {
    return io.committed.LogObserver.NONE;
  }

  /**
   * Validates and encodes a proposal's entry body, as {@code propose} does; a proposal too large
   * for one command comes back in parts (in order), each leaving {@code reserve} bytes of the
   * maximum proposal size for the rest of its command.
   *
   * @throws io.committed.api.ProposalRejectedException when it is invalid, or larger than the
   *     maximum transaction size, or has an entity that alone exceeds the maximum proposal size
   */
  java.util.List<byte[]> prepareParts(Proposal proposal, int reserve);

  /**
   * Submits a command in the order of calls (callers serialise their calls to keep order), with
   * the log's bound on commands in flight.
   */
  CompletableFuture<ApplyResult> submit(Command command);

  /** See {@link io.committed.spi.IngestContext#publishSchema}; empty for a type defined by hand. */
  java.util.OptionalInt publishSchema(String ingestableId, String typeId, String jsonSchema);
}
