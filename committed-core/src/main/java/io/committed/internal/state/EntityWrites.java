package io.committed.internal.state;

import io.committed.ConfigKind;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.LogState.IngestState;
import java.util.ArrayList;

/**
 * Applies writes of entities: checks their types, appends the entry to the event log, and for
 * ingested data moves the ingest run's position in the same step (a large source transaction's
 * parts are staged until the last one).
 */
final class EntityWrites {
  private final EventLog events;

  EntityWrites(EventLog events) {
    this.events = events;
  }

  ApplyResult write(LogState state, long engineIndex, Command.Write w) {
    ApplyResult invalid = checkTypes(state, w.body());
    if (invalid != null) {
      return invalid;
    }
    if (w.ingest() != null) {
      ApplyResult fence = IngestMarks.check(state, w.ingest());
      if (fence != null) {
        return fence;
      }
      IngestState s = state.ingests.computeIfAbsent(w.ingest().ingestableId(), k -> new IngestState());
      s.serial = w.ingest().serial();
      state.staged.remove(w.ingest().ingestableId()); // a failed run's unfinished large transaction
      if (IngestMarks.isRedelivery(s, w.ingest())) {
        return ApplyResult.ok(0);
      }
      long index = append(state, engineIndex, w.body());
      IngestMarks.advance(s, w.ingest());
      return ApplyResult.ok(index);
    }
    return ApplyResult.ok(append(state, engineIndex, w.body()));
  }

  ApplyResult writePart(LogState state, long engineIndex, Command.WritePart p) {
    Command.IngestMark mark = new Command.IngestMark(p.ingestableId(), p.serial(), p.sequence(), p.state());
    ApplyResult fence = IngestMarks.check(state, mark);
    if (fence == null) {
      fence = checkTypes(state, p.body());
    }
    LogState.Staged staged = state.staged.get(p.ingestableId());
    if (fence == null && (p.parts() < 2 || p.part() < 1 || p.part() > p.parts()
        || p.part() > 1 && (staged == null || staged.parts() != p.parts() || staged.bodies().size() != p.part() - 1))) {
      fence = ApplyResult.rejected(Reason.CONFLICT, "part " + p.part() + " of " + p.parts() + " of a large transaction"
          + " of '" + p.ingestableId() + "' does not follow the parts staged before it");
    }
    if (fence != null) {
      return fence;
    }
    state.ingests.computeIfAbsent(p.ingestableId(), k -> new IngestState()).serial = p.serial();
    if (p.part() == 1) { // a new transaction: whatever an earlier run left unfinished is dropped
      staged = new LogState.Staged(p.parts(), new ArrayList<>());
      state.staged.put(p.ingestableId(), staged);
    }
    staged.bodies().add(p.body());
    if (p.part() < p.parts()) {
      return ApplyResult.ok(0);
    }
    state.staged.remove(p.ingestableId());
    IngestState s = state.ingests.get(p.ingestableId());
    if (IngestMarks.isRedelivery(s, mark)) {
      return ApplyResult.ok(0);
    }
    long index = append(state, engineIndex, EntryCodec.concat(staged.bodies()));
    IngestMarks.advance(s, mark);
    return ApplyResult.ok(index);
  }

  private static ApplyResult checkTypes(LogState state, byte[] body) {
    for (String type : EntryCodec.typeIds(body, 0, body.length)) {
      if (type.startsWith("_")) {
        return ApplyResult.rejected(Reason.TYPE_RESERVED, "type id '" + type + "' is reserved (it starts with '_')");
      }
      if (!state.isDefined(ConfigKind.TYPE, type)) {
        return ApplyResult.rejected(Reason.TYPE_NOT_FOUND, "type '" + type + "' is not defined: define it first");
      }
    }
    return null;
  }

  /**
   * Appends entry {@code lastIndex + 1}, unless the event log already has it: after a restart the
   * engine re-applies commands whose events were written before the crash.
   */
  long append(LogState state, long engineIndex, byte[] body) {
    long index = state.lastIndex + 1;
    long logged = events.lastIndex();
    if (logged >= index) {
      long recorded = events.engineIndexOf(index);
      if (recorded != engineIndex) {
        throw new IllegalStateException("event log entry " + index + " was written by engine entry " + recorded
            + " but engine entry " + engineIndex + " produces it: the event log does not belong to this replicated log."
            + " Stop this node, move its data directory aside and let it catch up from the others.");
      }
    } else if (logged == index - 1) {
      events.append(index, engineIndex, body);
    } else {
      throw new IllegalStateException("event log ends at " + logged + " but the next entry is " + index
          + ": entries are missing. Stop this node, move its data directory aside and let it catch up from the others.");
    }
    state.lastIndex = index;
    return index;
  }
}
