package io.committed.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A committed proposal: its position in the log, the time it was proposed, its entities, and the
 * version of each type its entities were written with.
 *
 * <p>Log indexes start at 1 and have no gaps: entry {@code n} is the {@code n}-th proposal the
 * log committed, on every node. The timestamp is taken from the proposing node's clock when the
 * proposal was made, with microsecond precision, and never changes after.
 *
 * @param index the log index, 1 or more
 * @param timestamp when the proposal was made (proposing node's clock)
 * @param proposal the committed proposal
 * @param typeVersions for each type id of the proposal, the version of the type's config the
 *     entities were validated against and written with; never null, unmodifiable
 */
public record LogEntry(long index, Instant timestamp, Proposal proposal, Map<String, Integer> typeVersions) {

  /**
   * @throws IllegalArgumentException if {@code index} is less than 1
   * @throws NullPointerException if {@code timestamp}, {@code proposal} or {@code typeVersions} is
   *     null
   */
  public LogEntry {
    if (index < 1) {
      throw new IllegalArgumentException("log index must be >= 1, was " + index);
    }
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(proposal, "proposal");
    typeVersions = Map.copyOf(typeVersions);
  }

  /** The proposal's entities, in order. */
  public List<Entity> entities() {
    return proposal.entities();
  }

  /** The version of {@code typeId} this entry's entities of that type were written with, or 0. */
  public int typeVersion(String typeId) {
    return typeVersions.getOrDefault(typeId, 0);
  }
}
