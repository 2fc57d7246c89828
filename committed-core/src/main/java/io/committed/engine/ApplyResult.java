package io.committed.engine;

import io.committed.api.ProposalRejectedException;

/**
 * The outcome of applying one command, handed back to its submitter. Engines that forward
 * commands send it over the wire with {@link #value()}, {@link #rejection()} and
 * {@link #message()}.
 *
 * @param value the command's result when accepted (the log index of a write, the version of a
 *     config change), 0 when it has none
 * @param rejection why the command was refused, or null when it was accepted
 * @param message the rejection's explanation, or null when accepted
 */
public record ApplyResult(long value, ProposalRejectedException.Reason rejection, String message) {

  /** An accepted command's result. */
  public static ApplyResult ok(long value) {
    return new ApplyResult(value, null, null);
  }

  /** A refused command: nothing in the state changed. */
  public static ApplyResult rejected(ProposalRejectedException.Reason reason, String message) {
    return new ApplyResult(0, reason, message);
  }

  /** True when the command was accepted. */
  public boolean accepted() {
    return rejection == null;
  }
}
