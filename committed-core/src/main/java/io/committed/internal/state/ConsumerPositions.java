package io.committed.internal.state;

import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.internal.state.LogState.ConsumerState;

/**
 * Applies named consumers' records: creation, acknowledgements (which only move forward and never
 * past the last entry) and deletion. The model is a syncable's checkpoint, owned by an application.
 */
final class ConsumerPositions {

  ApplyResult open(LogState state, Command.OpenConsumer c) {
    ConsumerState existing = state.consumers.get(c.name());
    if (existing != null) {
      if (!existing.types.equals(c.types())) {
        return ApplyResult.rejected(Reason.CONFLICT, "consumer '" + c.name() + "' exists and follows "
            + describe(existing.types) + ", not " + describe(c.types()) + ": delete it first to change its types");
      }
      return ApplyResult.ok(existing.acknowledged);
    }
    if (c.acknowledged() < 0) {
      return ApplyResult.rejected(Reason.CONFLICT, "a consumer cannot start before index 1");
    }
    ConsumerState s = new ConsumerState(c.types());
    s.acknowledged = Math.min(c.acknowledged(), state.lastIndex);
    state.consumers.put(c.name(), s);
    return ApplyResult.ok(s.acknowledged);
  }

  ApplyResult ack(LogState state, Command.AckConsumer c) {
    ConsumerState s = state.consumers.get(c.name());
    if (s == null) {
      return ApplyResult.rejected(Reason.CONFLICT, "consumer '" + c.name() + "' does not exist");
    }
    if (c.index() > state.lastIndex) {
      return ApplyResult.rejected(Reason.CONFLICT, "index " + c.index() + " is past the last entry "
          + state.lastIndex + ": it cannot have been delivered");
    }
    if (c.index() > s.acknowledged) {
      s.acknowledged = c.index();
    }
    return ApplyResult.ok(s.acknowledged);
  }

  ApplyResult remove(LogState state, Command.RemoveConsumer c) {
    if (state.consumers.remove(c.name()) == null) {
      return ApplyResult.rejected(Reason.CONFLICT, "consumer '" + c.name() + "' does not exist");
    }
    return ApplyResult.ok(0);
  }

  private static String describe(java.util.List<String> types) {
    return types.isEmpty() ? "every type" : "types " + types;
  }
}
