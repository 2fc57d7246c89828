package io.committed;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Named consumers: readers whose acknowledged position is replicated through the log, so that a
 * consumer resumes where it acknowledged, on any node and after a leader change, without keeping
 * offsets itself. Obtained from {@link CommittedLog#consumers()}.
 *
 * <p>Delivery is at-least-once: entries polled but not acknowledged before a reader stops are
 * delivered again to the next reader of that name.
 *
 * <p>One open reader per name on a node: {@link #open} refuses a second one while the first is
 * open (close it first). Readers of one name on different nodes are not coordinated; run one
 * reader per name.
 */
public interface Consumers {

  /**
   * Opens a reader of consumer {@code name}, creating the consumer from {@code start} when it does
   * not exist yet. Replicated in both cases: it waits until the open is committed, so the reader
   * starts after every acknowledgement committed before, whichever node made it. An existing
   * consumer resumes after its acknowledged index; {@code start} is then ignored.
   *
   * @param name 1 to 128 characters of letters, digits, {@code .}, {@code _} and {@code -}
   * @param types the type ids to receive; empty for every type. An existing consumer must have
   *     been created with the same types
   * @throws io.committed.api.ProposalRejectedException ({@code CONFLICT}) when the consumer exists
   *     with other types, or a reader of {@code name} is already open on this node
   * @throws IllegalArgumentException when the name is malformed
   */
  ConsumerReader open(String name, Set<String> types, ConsumerStart start);

  /** {@link #open(String, Set, ConsumerStart)} from the beginning of the log for a new consumer. */
  default ConsumerReader open(String name, Set<String> types) {
    return open(name, types, ConsumerStart.earliest());
  }

  /** The consumer's position and lag on this node; empty when it does not exist. */
  Optional<ConsumerStatus> status(String name);

  /** The names of all consumers, sorted. */
  List<String> names();

  /**
   * Deletes the consumer and its position (replicated) and closes its open reader on this node.
   *
   * @throws io.committed.api.NotFoundException when there is no such consumer
   */
  void delete(String name);
}
