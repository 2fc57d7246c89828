package io.committed.internal.state;

import io.committed.ConfigKind;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.internal.state.LogState.IngestState;
import io.committed.spi.IngestContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies ingest runs' marks and parks: the serial that fences stale runs, the high-water mark
 * that drops redelivered source transactions, the source position. Writes carrying a mark use the
 * checks here too ({@link EntityWrites}).
 */
final class IngestMarks {

  /** A source position without data. */
  ApplyResult position(LogState state, Command.IngestPosition p) {
    Command.IngestMark mark = p.mark();
    ApplyResult fence = check(state, mark);
    if (fence != null) {
      return fence;
    }
    IngestState s = state.ingests.computeIfAbsent(mark.ingestableId(), k -> new IngestState());
    s.serial = mark.serial();
    state.staged.remove(mark.ingestableId());
    if (!isRedelivery(s, mark)) {
      advance(s, mark);
    }
    return ApplyResult.ok(0);
  }

  ApplyResult park(LogState state, Command.SetIngestParked p) {
    if (!state.isDefined(ConfigKind.INGESTABLE, p.ingestableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingestable '" + p.ingestableId() + "' is not defined");
    }
    IngestState s = state.ingests.computeIfAbsent(p.ingestableId(), k -> new IngestState());
    s.parked = p.parked();
    s.parkedReason = p.parked() ? p.reason() : "";
    return ApplyResult.ok(0);
  }

  /**
   * Records a snapshot request under the ingestable's next number (the result's value), keeping the
   * most recent {@link IngestContext#MAX_SNAPSHOT_REQUESTS}.
   */
  ApplyResult requestSnapshot(LogState state, Command.RequestIngestSnapshot r) {
    if (!state.isDefined(ConfigKind.INGESTABLE, r.ingestableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingestable '" + r.ingestableId() + "' is not defined");
    }
    if (r.tables().isEmpty()) {
      return ApplyResult.rejected(Reason.CONFLICT, "a snapshot request names at least one table");
    }
    List<LogState.SnapshotRequestRecord> requests =
        state.snapshotRequests.computeIfAbsent(r.ingestableId(), k -> new ArrayList<>());
    long number = requests.isEmpty() ? 1 : requests.get(requests.size() - 1).number() + 1;
    requests.add(new LogState.SnapshotRequestRecord(number, r.tables(), r.timestampMicros()));
    if (requests.size() > IngestContext.MAX_SNAPSHOT_REQUESTS) {
      requests.remove(0);
    }
    return ApplyResult.ok(number);
  }

  /** Null when the mark continues its run; otherwise the rejection. */
  static ApplyResult check(LogState state, Command.IngestMark mark) {
    if (!state.isDefined(ConfigKind.INGESTABLE, mark.ingestableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingestable '" + mark.ingestableId() + "' is not defined");
    }
    IngestState s = state.ingests.get(mark.ingestableId());
    long expected = (s == null ? 0 : s.serial) + 1;
    if (mark.serial() != expected) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingest run of '" + mark.ingestableId() + "' is fenced: serial "
          + mark.serial() + " where " + expected + " was expected (an earlier proposal of the run failed, or another"
          + " run took over); restart from the committed position");
    }
    if (s != null && s.parked) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingestable '" + mark.ingestableId() + "' is parked: "
          + s.parkedReason);
    }
    return null;
  }

  static boolean isRedelivery(IngestState s, Command.IngestMark mark) {
    return mark.sequence() > 0 && mark.sequence() <= s.highWaterMark;
  }

  static void advance(IngestState s, Command.IngestMark mark) {
    s.highWaterMark = Math.max(s.highWaterMark, mark.sequence());
    s.hasPosition = true;
    s.sequence = mark.sequence();
    s.state = mark.state();
  }
}
