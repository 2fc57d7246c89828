package io.committed;

import io.committed.api.LogEntry;
import java.time.Duration;
import java.util.List;

/**
 * Reads a named consumer's entries from its acknowledged position. Obtained from
 * {@link Consumers#open}. Not thread-safe: use it from one thread, except {@link #close}.
 *
 * <p>Entries carry only the entities of the consumer's types; entries with none are skipped.
 */
public interface ConsumerReader extends AutoCloseable {

  /** The consumer's name. */
  String name();

  /**
   * The next entries after the last one delivered by this reader: up to {@code maxEntries}, as
   * soon as at least one is available, or an empty list when {@code timeout} passes first. The
   * wait is woken by the apply of a new entry, not by polling.
   *
   * @throws io.committed.api.LogClosedException when the log or this reader is closed
   * @throws io.committed.api.OperationInterruptedException when the thread is interrupted while
   *     waiting (its interrupt status is set again)
   */
  List<LogEntry> poll(int maxEntries, Duration timeout);

  /**
   * Acknowledges everything up to {@code index}: the consumer's replicated position moves there,
   * and no later reader receives those entries again. Waits until the acknowledgement is committed.
   * An index at or below the acknowledged position changes nothing (acks only move forward).
   *
   * @throws io.committed.api.ProposalRejectedException ({@code CONFLICT}) when {@code index} is
   *     past the last entry this reader delivered
   * @throws io.committed.api.RetriableException when no leader is available
   */
  void ack(long index);

  /** The consumer's acknowledged index as this node knows it; 0 when nothing was acknowledged. */
  long acknowledged();

  /** The index of the last entry this reader delivered, or its acknowledged index before any. */
  long delivered();

  /** The index the next {@link #poll} reads from (past skipped entries of other types). */
  long position();

  /** Stops the reader without acknowledging; a thread blocked in {@link #poll} returns. Idempotent. */
  @Override
  void close();
}
