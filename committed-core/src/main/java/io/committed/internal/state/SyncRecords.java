package io.committed.internal.state;

import io.committed.ConfigKind;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.internal.state.LogState.DeadLetterRecord;
import io.committed.internal.state.LogState.SyncState;
import java.util.TreeMap;

/** Applies what syncables record in the log: checkpoints, resets (rebuilds) and dead letters. */
final class SyncRecords {

  ApplyResult checkpoint(LogState state, Command.Checkpoint c) {
    if (!state.isDefined(ConfigKind.SYNCABLE, c.syncableId())) {
      return ApplyResult.ok(0); // removed meanwhile: nothing to record
    }
    SyncState s = state.syncs.computeIfAbsent(c.syncableId(), k -> new SyncState());
    if (c.epoch() == s.epoch && c.index() > s.checkpoint) {
      s.checkpoint = Math.min(c.index(), state.lastIndex);
    }
    return ApplyResult.ok(s.checkpoint);
  }

  ApplyResult reset(LogState state, Command.ResetSyncable r) {
    if (!state.isDefined(ConfigKind.SYNCABLE, r.syncableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "syncable '" + r.syncableId() + "' is not defined");
    }
    SyncState s = state.syncs.computeIfAbsent(r.syncableId(), k -> new SyncState());
    s.epoch++;
    s.checkpoint = 0;
    state.deadLetters.remove(r.syncableId());
    return ApplyResult.ok(s.epoch);
  }

  ApplyResult addDeadLetter(LogState state, Command.AddDeadLetter d) {
    if (!state.isDefined(ConfigKind.SYNCABLE, d.syncableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "syncable '" + d.syncableId() + "' is not defined");
    }
    if (d.index() < 1 || d.index() > state.lastIndex) {
      return ApplyResult.rejected(Reason.CONFLICT, "no log entry " + d.index());
    }
    state.deadLetters.computeIfAbsent(d.syncableId(), k -> new TreeMap<>())
        .putIfAbsent(d.index(), new DeadLetterRecord(d.index(), d.timestampMicros(), d.message(), false));
    return ApplyResult.ok(d.index());
  }

  /** Acknowledges a dead letter, or removes it after a successful replay. */
  ApplyResult settle(LogState state, Command.SettleDeadLetter s) {
    TreeMap<Long, DeadLetterRecord> letters = state.deadLetters.get(s.syncableId());
    DeadLetterRecord d = letters == null ? null : letters.get(s.index());
    if (d == null) {
      return ApplyResult.rejected(Reason.CONFLICT, "syncable '" + s.syncableId() + "' has no dead letter at " + s.index());
    }
    if (s.remove()) {
      letters.remove(s.index());
      if (letters.isEmpty()) {
        state.deadLetters.remove(s.syncableId());
      }
    } else {
      letters.put(s.index(), new DeadLetterRecord(d.index(), d.timestampMicros(), d.message(), true));
    }
    return ApplyResult.ok(s.index());
  }
}
