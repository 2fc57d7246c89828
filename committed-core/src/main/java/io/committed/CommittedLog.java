package io.committed;

import io.committed.api.CommittedException;
import io.committed.api.LogEntry;
import io.committed.api.MembershipException;
import io.committed.api.Proposal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A running Committed log: write proposals, read committed entries, manage the configs that drive
 * ingestion and sync. Obtained from {@link Committed#builder()} or {@link Committed#inMemory()}.
 *
 * <p>Thread-safe: every method may be called from any thread. Close it when done; closing is
 * idempotent and leaves the files consistent.
 *
 * <p>Reads ({@link #read}, {@link #reader}, config lists, statuses) are served from this node's
 * applied state: on a follower they may lag the leader by the replication delay.
 */
public interface CommittedLog extends AutoCloseable {

  /**
   * Proposes entities to be committed atomically. Validation happens first; the proposal is then
   * replicated and applied.
   *
   * <p>The future completes with the entry's log index once the entry is committed and applied on
   * this node, so that {@link #read} sees it. It completes on one of the log's callback threads:
   * dependent stages that block should use the {@code *Async} variants. It completes exceptionally
   * with
   *
   * <ul>
   *   <li>{@link io.committed.api.ProposalRejectedException} when the proposal is invalid (null,
   *       reserved or undefined type, schema violation, larger than the maximum proposal size);
   *       nothing was written;
   *   <li>{@link io.committed.api.RetriableException} when no leader is available or leadership
   *       moved; check {@code outcomeUnknown()} before retrying;
   *   <li>{@link io.committed.api.LogClosedException} when the log is closed.
   * </ul>
   *
   * <p>This method blocks only when the maximum number of proposals in flight is reached, until
   * one completes or the operation timeout expires (then the future fails with a retriable
   * error and nothing was written).
   */
  CompletableFuture<Long> propose(Proposal proposal);

  /**
   * {@link #propose} and wait for the index.
   *
   * @throws CommittedException the failure {@link #propose}'s future would complete with
   */
  default long proposeAndWait(Proposal proposal) {
    try {
      return propose(proposal).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CommittedException ce) {
        throw ce;
      }
      throw e;
    }
  }

  /**
   * Reads committed entries from {@code fromIndex}, in index order, without waiting.
   *
   * @param fromIndex the first index wanted, 1 or more
   * @param maxEntries the most entries returned, 1 to 100,000
   * @return the entries from {@code fromIndex} to the last applied one or the limit; empty when
   *     {@code fromIndex} is past the end
   * @throws IllegalArgumentException when an argument is out of range
   */
  List<LogEntry> read(long fromIndex, int maxEntries);

  /**
   * A reader that follows the log from {@code fromIndex}, waiting for new entries. Each reader is
   * meant for one thread.
   */
  LogReader reader(long fromIndex);

  /** The index of the last committed entry this node has applied; 0 when the log is empty. */
  long lastIndex();

  /** Type configs: topics of entities, optional schemas, migrations. */
  ConfigRegistry types();

  /** Database configs referred to by syncables. */
  ConfigRegistry databases();

  /** Ingestable configs: sources of change data. */
  ConfigRegistry ingestables();

  /** Syncable configs: targets the log is projected into. */
  ConfigRegistry syncables();

  /** The registry of {@code kind}. */
  default ConfigRegistry configs(ConfigKind kind) {
    return switch (kind) {
      case TYPE -> types();
      case DATABASE -> databases();
      case INGESTABLE -> ingestables();
      case SYNCABLE -> syncables();
    };
  }

  /** Sync progress, failures and dead letters of the syncables. */
  SyncControl sync();

  /** Ingest progress of the ingestables. */
  IngestControl ingest();

  /**
   * Named consumers whose acknowledged positions are replicated through the log: open a reader,
   * poll, acknowledge what was processed; a new reader of the name resumes after the acknowledged
   * index.
   */
  Consumers consumers();

  /**
   * The key-value view of {@code type}: the latest value of each key, with linearizable reads by
   * default. The type opts in with {@code keyValue = true} in its {@code [type]} table.
   *
   * <p>Whether the type is defined and has a view is checked by each read (after its barrier, for
   * a linearizable one): a read throws {@link io.committed.api.NotFoundException} when it is not
   * defined or has no key-value view (the message says how to turn it on).
   */
  KeyValues kv(String type);

  /**
   * Erases the entities of {@code type} under {@code keys} from the permanent log on every node
   * (right to be forgotten): in every entry committed so far, each upsert of one of the keys is
   * replaced by a tombstone of its key that keeps the entry's index and its other entities; then
   * an entry deleting the keys is appended (syncables and key-value views act on it like on any
   * delete). The scrub is recorded ({@link #scrubs()}).
   *
   * <p>Returns once this node has carried it out; every other node does when it applies it, and
   * a node that installs a snapshot taken after it does so then. Each node's replication engine
   * drops its own copies of the old commands in the background (a raft node takes snapshots until
   * its raft log starts after the scrub). Keys are not erased: they stay in the tombstones.
   *
   * @param keys 1 to 1,000 keys, as UTF-8 text
   * @param reason recorded with the scrub (may be empty; not null)
   * @throws io.committed.api.ProposalRejectedException when the type is not defined or reserved,
   *     or the keys are empty or too many
   * @throws io.committed.api.RetriableException when no leader is available; a scrub is
   *     idempotent, so retrying is safe
   */
  Scrub scrub(String type, java.util.Collection<String> keys, String reason);

  /** The scrubs carried out on the log, oldest first. */
  List<Scrub> scrubs();

  /** This node's view of the log and its group. */
  LogStatus status();

  /**
   * The disk of this node's data directory and what disk admission accepts at its level (see
   * {@link CommittedBuilder#diskAdmission}); empty for a log without a data directory.
   */
  java.util.Optional<DiskUsage> disk();

  /**
   * Membership of the replication group (add, promote, remove a node; move leadership). With the
   * in-memory engine every change is refused with {@link MembershipException.Code#NOT_SUPPORTED}.
   */
  ClusterControl cluster();

  /**
   * Closes the log: stops workers, fails pending proposals that were not committed with
   * {@link io.committed.api.LogClosedException}, hands leadership over when it can, and closes
   * the files. Idempotent; throws nothing checked.
   */
  @Override
  void close();
}
