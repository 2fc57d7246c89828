package io.committed.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The atomic unit written to the log: one or more entities that are committed together, at one
 * log index, or not at all. One source transaction becomes one proposal.
 *
 * @param entities the entities, in the order syncables will see them; never empty, no nulls
 */
public record Proposal(List<Entity> entities) {

  /**
   * Creates a proposal.
   *
   * @throws ProposalRejectedException with reason {@code EMPTY_PROPOSAL} when {@code entities} is
   *     null or empty, {@code INVALID_ENTITY} when it contains a null
   */
  public Proposal {
    if (entities == null || entities.isEmpty()) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.EMPTY_PROPOSAL,
          "a proposal needs at least one entity");
    }
    List<Entity> copy = new ArrayList<>(entities.size());
    for (Entity e : entities) {
      if (e == null) {
        throw new ProposalRejectedException(ProposalRejectedException.Reason.INVALID_ENTITY,
            "proposal entity #" + copy.size() + " is null");
      }
      copy.add(e);
    }
    entities = Collections.unmodifiableList(copy);
  }

  /** A proposal of the given entities. */
  public static Proposal of(Entity... entities) {
    if (entities == null) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.EMPTY_PROPOSAL,
          "a proposal needs at least one entity");
    }
    return new Proposal(Arrays.asList(entities));
  }

  /** A proposal of the given entities. */
  public static Proposal of(List<Entity> entities) {
    return new Proposal(entities);
  }

  /** The sum of the entities' key and data lengths, a lower bound of the encoded size. */
  public long payloadBytes() {
    long n = 0;
    for (Entity e : entities) {
      n += e.keyLength() + e.dataLength() + e.typeId().length();
    }
    return n;
  }
}
