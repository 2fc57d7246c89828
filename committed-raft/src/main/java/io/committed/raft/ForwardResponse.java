package io.committed.raft;

import java.util.List;

/**
 * The leader's answer to a {@link ForwardRequest}: one outcome per command, in the request's
 * order. Wire format ({@link ForwardCodec}), not an API.
 *
 * @param notLeader true when the receiver was not the leader: no command was proposed (and there
 *     are no outcomes), send them again elsewhere
 */
record ForwardResponse(boolean notLeader, List<Outcome> outcomes) {

  /**
   * What became of one command.
   *
   * @param engineIndex the engine index that applied it, 0 when it failed
   * @param value an accepted command's result value
   * @param rejection a refused command's rejection reason name, or null
   * @param message a refused or failed command's message, or null
   * @param outcomeUnknown for a failed command: true when it may have been committed anyway
   */
  record Outcome(long engineIndex, long value, String rejection, String message, boolean outcomeUnknown) {}

  ForwardResponse {
    outcomes = List.copyOf(outcomes);
  }

  /** The answer of a node that is not the leader. */
  static ForwardResponse notTheLeader() {
    return new ForwardResponse(true, List.of());
  }
}
