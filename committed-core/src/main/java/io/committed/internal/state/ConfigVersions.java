package io.committed.internal.state;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.internal.state.LogState.ConfigHistory;
import io.committed.internal.state.LogState.IngestState;
import io.committed.internal.state.LogState.StoredVersion;

/**
 * Applies config changes: each define or rollback adds a version (unless the document is the
 * current one), a remove keeps the history. Removing a syncable or an ingestable also drops the
 * replicated state that belongs to it; posting an ingestable's config again clears its park.
 */
final class ConfigVersions {

  ApplyResult put(LogState state, Command.PutConfig p) {
    ConfigHistory h = state.configs.get(p.kind()).computeIfAbsent(p.id(), k -> new ConfigHistory());
    if (h.current != p.expectedVersion()) {
      return concurrentChange(p.kind(), p.id(), h);
    }
    if (LogState.sameDocument(h.currentVersion(), p.format(), p.document())) {
      return ApplyResult.ok(h.current);
    }
    addVersion(state, p.kind(), p.id(), h, p.format(), p.document(), p.timestampMicros(), 0);
    return ApplyResult.ok(h.current);
  }

  ApplyResult rollback(LogState state, Command.RollbackConfig r) {
    ConfigHistory h = state.configs.get(r.kind()).get(r.id());
    if (h == null || r.toVersion() < 1 || r.toVersion() > h.versions.size()) {
      return ApplyResult.rejected(Reason.CONFLICT, r.kind().id() + " '" + r.id() + "' has no version " + r.toVersion());
    }
    if (h.current != r.expectedVersion()) {
      return concurrentChange(r.kind(), r.id(), h);
    }
    StoredVersion target = h.versions.get(r.toVersion() - 1);
    if (LogState.sameDocument(h.currentVersion(), target.format(), target.document())) {
      return ApplyResult.ok(h.current);
    }
    addVersion(state, r.kind(), r.id(), h, target.format(), target.document(), r.timestampMicros(), r.toVersion());
    return ApplyResult.ok(h.current);
  }

  private static void addVersion(LogState state, ConfigKind kind, String id, ConfigHistory h, ConfigFormat format,
      byte[] doc, long micros, int restoredFrom) {
    int version = h.versions.size() + 1;
    h.versions.add(new StoredVersion(version, format, doc, micros, restoredFrom));
    h.current = version;
    if (kind == ConfigKind.INGESTABLE) {
      IngestState s = state.ingests.get(id);
      if (s != null) {
        s.parked = false; // posting the config again is how an operator clears a park
        s.parkedReason = "";
      }
    }
  }

  ApplyResult remove(LogState state, Command.RemoveConfig r) {
    if (r.kind() == ConfigKind.TYPE) {
      return ApplyResult.rejected(Reason.CONFLICT, "types are version-only and cannot be removed");
    }
    ConfigHistory h = state.configs.get(r.kind()).get(r.id());
    if (h == null || h.current == 0) {
      return ApplyResult.rejected(Reason.CONFLICT, r.kind().id() + " '" + r.id() + "' is not defined");
    }
    h.current = 0;
    if (r.kind() == ConfigKind.SYNCABLE) {
      state.syncs.remove(r.id());
      state.deadLetters.remove(r.id());
    } else if (r.kind() == ConfigKind.INGESTABLE) {
      state.staged.remove(r.id());
      state.snapshotRequests.remove(r.id()); // a new definition starts without requests, like its position
      IngestState s = state.ingests.get(r.id());
      if (s != null) { // keep the serial so that a stale run stays fenced; forget the position
        IngestState fresh = new IngestState();
        fresh.serial = s.serial;
        state.ingests.put(r.id(), fresh);
      }
    }
    return ApplyResult.ok(0);
  }

  private static ApplyResult concurrentChange(ConfigKind kind, String id, ConfigHistory h) {
    return ApplyResult.rejected(Reason.CONFLICT, kind.id() + " '" + id + "' changed concurrently (now "
        + (h.current == 0 ? "undefined" : "version " + h.current) + "); read it again and retry");
  }
}
