package io.committed.internal.state;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.ConfigVersion;
import io.committed.DeadLetter;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.engine.ReplicatedStateMachine;
import io.committed.internal.codec.BytesReader;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.LogState.ConfigHistory;
import io.committed.internal.state.LogState.DeadLetterRecord;
import io.committed.internal.state.LogState.IngestState;
import io.committed.internal.state.LogState.StoredVersion;
import io.committed.internal.state.LogState.SyncState;
import io.committed.spi.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies commands to the replicated state and appends committed entries to the event log.
 *
 * <p>Deterministic: the result of {@link #apply} depends only on the state and the command. The
 * engine calls {@code apply}, {@code snapshot} and {@code restore} from its apply thread; the
 * query methods may be called from any thread.
 */
public final class StateMachine implements ReplicatedStateMachine {

  /** Told about changes, on the apply thread, after the state changed. Must return quickly. */
  public interface Listener {
    default void appended(long lastIndex) {}

    default void configChanged(ConfigKind kind, String id) {}

    default void syncableReset(String syncableId) {}

    /** A sync checkpoint was applied (it may not have moved). */
    default void syncCheckpointed(String syncableId) {}

    default void ingestChanged(String ingestableId) {}

    default void leadershipChanged(boolean leader) {}

    /** The whole state was replaced by a snapshot. */
    default void restored() {}
  }

  private final EventLog events;
  private final Listener listener;
  private LogState state = new LogState();

  public StateMachine(EventLog events, Listener listener) {
    this.events = events;
    this.listener = listener;
  }

  @Override
  public ApplyResult apply(long engineIndex, byte[] bytes) {
    Command command = CommandCodec.decode(bytes);
    ApplyResult result;
    synchronized (this) {
      if (engineIndex <= state.lastEngineIndex) {
        throw new IllegalStateException("engine index " + engineIndex + " applied after " + state.lastEngineIndex
            + ": the engine replayed out of order");
      }
      result = dispatch(engineIndex, command);
      state.lastEngineIndex = engineIndex;
    }
    notifyListener(command, result);
    return result;
  }

  private ApplyResult dispatch(long engineIndex, Command command) {
    if (command instanceof Command.Write w) {
      return applyWrite(engineIndex, w);
    } else if (command instanceof Command.WritePart p) {
      return applyPart(engineIndex, p);
    } else if (command instanceof Command.IngestPosition p) {
      return applyIngestMark(p.mark());
    } else if (command instanceof Command.SetIngestParked p) {
      return applyPark(p);
    } else if (command instanceof Command.Checkpoint c) {
      return applyCheckpoint(c);
    } else if (command instanceof Command.ResetSyncable r) {
      return applyReset(r);
    } else if (command instanceof Command.AddDeadLetter d) {
      return applyDeadLetter(d);
    } else if (command instanceof Command.SettleDeadLetter d) {
      return applySettle(d);
    } else if (command instanceof Command.PutConfig p) {
      return applyPut(p);
    } else if (command instanceof Command.RollbackConfig r) {
      return applyRollback(r);
    } else if (command instanceof Command.RemoveConfig r) {
      return applyRemove(r);
    } else if (command instanceof Command.Barrier) {
      return ApplyResult.ok(0);
    }
    throw new IllegalStateException("unknown command " + command);
  }

  private void notifyListener(Command command, ApplyResult result) {
    if (!result.accepted()) {
      return;
    }
    if (command instanceof Command.Write w) {
      if (result.value() > 0) {
        listener.appended(result.value());
      }
      if (w.ingest() != null) {
        listener.ingestChanged(w.ingest().ingestableId());
      }
    } else if (command instanceof Command.WritePart p) {
      if (result.value() > 0) {
        listener.appended(result.value());
      }
      if (p.part() == p.parts()) {
        listener.ingestChanged(p.ingestableId());
      }
    } else if (command instanceof Command.IngestPosition p) {
      listener.ingestChanged(p.mark().ingestableId());
    } else if (command instanceof Command.SetIngestParked p) {
      listener.ingestChanged(p.ingestableId());
    } else if (command instanceof Command.Checkpoint c) {
      listener.syncCheckpointed(c.syncableId());
    } else if (command instanceof Command.ResetSyncable r) {
      listener.syncableReset(r.syncableId());
    } else if (command instanceof Command.PutConfig p) {
      listener.configChanged(p.kind(), p.id());
    } else if (command instanceof Command.RollbackConfig r) {
      listener.configChanged(r.kind(), r.id());
    } else if (command instanceof Command.RemoveConfig r) {
      listener.configChanged(r.kind(), r.id());
    }
  }

  private ApplyResult applyPart(long engineIndex, Command.WritePart p) {
    Command.IngestMark mark = new Command.IngestMark(p.ingestableId(), p.serial(), p.sequence(), p.state());
    ApplyResult fence = checkIngestMark(mark);
    if (fence == null) {
      fence = checkTypes(p.body());
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
    if (isRedelivery(s, mark)) {
      return ApplyResult.ok(0);
    }
    long index = appendEvent(engineIndex, EntryCodec.concat(staged.bodies()));
    advancePosition(s, mark);
    return ApplyResult.ok(index);
  }

  private ApplyResult checkTypes(byte[] body) {
    for (String type : EntryCodec.typeIds(body, 0, body.length)) {
      if (type.startsWith("_")) {
        return ApplyResult.rejected(Reason.TYPE_RESERVED, "type id '" + type + "' is reserved (it starts with '_')");
      }
      ConfigHistory h = state.configs.get(ConfigKind.TYPE).get(type);
      if (h == null || h.current == 0) {
        return ApplyResult.rejected(Reason.TYPE_NOT_FOUND, "type '" + type + "' is not defined: define it first");
      }
    }
    return null;
  }

  private ApplyResult applyWrite(long engineIndex, Command.Write w) {
    ApplyResult invalid = checkTypes(w.body());
    if (invalid != null) {
      return invalid;
    }
    if (w.ingest() != null) {
      ApplyResult fence = checkIngestMark(w.ingest());
      if (fence != null) {
        return fence;
      }
      IngestState s = state.ingests.computeIfAbsent(w.ingest().ingestableId(), k -> new IngestState());
      s.serial = w.ingest().serial();
      state.staged.remove(w.ingest().ingestableId()); // a failed run's unfinished large transaction
      if (isRedelivery(s, w.ingest())) {
        return ApplyResult.ok(0);
      }
      long index = appendEvent(engineIndex, w.body());
      advancePosition(s, w.ingest());
      return ApplyResult.ok(index);
    }
    return ApplyResult.ok(appendEvent(engineIndex, w.body()));
  }

  /**
   * Appends entry {@code lastIndex + 1}, unless the event log already has it: after a restart the
   * engine re-applies commands whose events were written before the crash.
   */
  private long appendEvent(long engineIndex, byte[] body) {
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

  private ApplyResult applyIngestMark(Command.IngestMark mark) {
    ApplyResult fence = checkIngestMark(mark);
    if (fence != null) {
      return fence;
    }
    IngestState s = state.ingests.computeIfAbsent(mark.ingestableId(), k -> new IngestState());
    s.serial = mark.serial();
    state.staged.remove(mark.ingestableId());
    if (!isRedelivery(s, mark)) {
      advancePosition(s, mark);
    }
    return ApplyResult.ok(0);
  }

  /** Null when the mark continues its run; otherwise the rejection. */
  private ApplyResult checkIngestMark(Command.IngestMark mark) {
    ConfigHistory h = state.configs.get(ConfigKind.INGESTABLE).get(mark.ingestableId());
    if (h == null || h.current == 0) {
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

  private static boolean isRedelivery(IngestState s, Command.IngestMark mark) {
    return mark.sequence() > 0 && mark.sequence() <= s.highWaterMark;
  }

  private static void advancePosition(IngestState s, Command.IngestMark mark) {
    s.highWaterMark = Math.max(s.highWaterMark, mark.sequence());
    s.hasPosition = true;
    s.sequence = mark.sequence();
    s.state = mark.state();
  }

  private ApplyResult applyPark(Command.SetIngestParked p) {
    if (!isDefined(ConfigKind.INGESTABLE, p.ingestableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "ingestable '" + p.ingestableId() + "' is not defined");
    }
    IngestState s = state.ingests.computeIfAbsent(p.ingestableId(), k -> new IngestState());
    s.parked = p.parked();
    s.parkedReason = p.parked() ? p.reason() : "";
    return ApplyResult.ok(0);
  }

  private ApplyResult applyCheckpoint(Command.Checkpoint c) {
    if (!isDefined(ConfigKind.SYNCABLE, c.syncableId())) {
      return ApplyResult.ok(0); // removed meanwhile: nothing to record
    }
    SyncState s = state.syncs.computeIfAbsent(c.syncableId(), k -> new SyncState());
    if (c.epoch() == s.epoch && c.index() > s.checkpoint) {
      s.checkpoint = Math.min(c.index(), state.lastIndex);
    }
    return ApplyResult.ok(s.checkpoint);
  }

  private ApplyResult applyReset(Command.ResetSyncable r) {
    if (!isDefined(ConfigKind.SYNCABLE, r.syncableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "syncable '" + r.syncableId() + "' is not defined");
    }
    SyncState s = state.syncs.computeIfAbsent(r.syncableId(), k -> new SyncState());
    s.epoch++;
    s.checkpoint = 0;
    state.deadLetters.remove(r.syncableId());
    return ApplyResult.ok(s.epoch);
  }

  private ApplyResult applyDeadLetter(Command.AddDeadLetter d) {
    if (!isDefined(ConfigKind.SYNCABLE, d.syncableId())) {
      return ApplyResult.rejected(Reason.CONFLICT, "syncable '" + d.syncableId() + "' is not defined");
    }
    if (d.index() < 1 || d.index() > state.lastIndex) {
      return ApplyResult.rejected(Reason.CONFLICT, "no log entry " + d.index());
    }
    state.deadLetters.computeIfAbsent(d.syncableId(), k -> new TreeMap<>())
        .putIfAbsent(d.index(), new DeadLetterRecord(d.index(), d.timestampMicros(), d.message(), false));
    return ApplyResult.ok(d.index());
  }

  private ApplyResult applySettle(Command.SettleDeadLetter s) {
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

  private ApplyResult applyPut(Command.PutConfig p) {
    ConfigHistory h = state.configs.get(p.kind()).computeIfAbsent(p.id(), k -> new ConfigHistory());
    if (h.current != p.expectedVersion()) {
      return concurrentChange(p.kind(), p.id(), h);
    }
    if (LogState.sameDocument(h.currentVersion(), p.format(), p.document())) {
      return ApplyResult.ok(h.current);
    }
    addVersion(p.kind(), p.id(), h, p.format(), p.document(), p.timestampMicros(), 0);
    return ApplyResult.ok(h.current);
  }

  private ApplyResult applyRollback(Command.RollbackConfig r) {
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
    addVersion(r.kind(), r.id(), h, target.format(), target.document(), r.timestampMicros(), r.toVersion());
    return ApplyResult.ok(h.current);
  }

  private void addVersion(ConfigKind kind, String id, ConfigHistory h, io.committed.ConfigFormat format, byte[] doc,
      long micros, int restoredFrom) {
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

  private ApplyResult applyRemove(Command.RemoveConfig r) {
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

  private boolean isDefined(ConfigKind kind, String id) {
    ConfigHistory h = state.configs.get(kind).get(id);
    return h != null && h.current != 0;
  }

  @Override
  public synchronized long lastAppliedEngineIndex() {
    return state.lastEngineIndex;
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    BytesWriter w = new BytesWriter(4096);
    synchronized (this) {
      state.writeTo(w);
    }
    out.write(w.toByteArray());
  }

  @Override
  public void restore(InputStream in) throws IOException {
    LogState restored = LogState.readFrom(new BytesReader(in.readAllBytes()));
    if (restored.lastIndex > events.lastIndex()) {
      throw new IllegalStateException("snapshot covers entries up to " + restored.lastIndex
          + " but the event log ends at " + events.lastIndex() + ": the snapshot's events were not installed");
    }
    synchronized (this) {
      state = restored;
    }
    listener.restored();
  }

  @Override
  public void leadershipChanged(boolean leader) {
    listener.leadershipChanged(leader);
  }

  // ---- queries, from any thread ----

  /** The index of the last entry applied, 0 when none. */
  public synchronized long lastIndex() {
    return state.lastIndex;
  }

  /** The current document of every defined config of {@code kind}, by id. */
  public synchronized List<ConfigDocument> currentConfigs(ConfigKind kind) {
    List<ConfigDocument> out = new ArrayList<>();
    state.configs.get(kind).forEach((id, h) -> {
      if (h.current != 0) {
        out.add(document(kind, id, h.currentVersion()));
      }
    });
    return out;
  }

  public synchronized Optional<ConfigDocument> currentConfig(ConfigKind kind, String id) {
    ConfigHistory h = state.configs.get(kind).get(id);
    return h == null || h.current == 0 ? Optional.empty() : Optional.of(document(kind, id, h.currentVersion()));
  }

  /** The current version number, 0 when undefined or removed. */
  public synchronized int currentVersion(ConfigKind kind, String id) {
    ConfigHistory h = state.configs.get(kind).get(id);
    return h == null ? 0 : h.current;
  }

  /** The history, newest first; empty when the id was never defined. */
  public synchronized List<ConfigVersion> versions(ConfigKind kind, String id) {
    ConfigHistory h = state.configs.get(kind).get(id);
    List<ConfigVersion> out = new ArrayList<>();
    if (h != null) {
      for (int i = h.versions.size() - 1; i >= 0; i--) {
        StoredVersion v = h.versions.get(i);
        out.add(new ConfigVersion(v.version(), v.version() == h.current, EntryCodec.fromMicros(v.timestampMicros()),
            v.restoredFrom()));
      }
    }
    return out;
  }

  public synchronized Optional<ConfigDocument> version(ConfigKind kind, String id, int version) {
    ConfigHistory h = state.configs.get(kind).get(id);
    if (h == null || version < 1 || version > h.versions.size()) {
      return Optional.empty();
    }
    return Optional.of(document(kind, id, h.versions.get(version - 1)));
  }

  /** The current version of each defined type, for stamping proposals. */
  public synchronized Map<String, Integer> typeVersions() {
    Map<String, Integer> out = new HashMap<>();
    state.configs.get(ConfigKind.TYPE).forEach((id, h) -> {
      if (h.current != 0) {
        out.put(id, h.current);
      }
    });
    return out;
  }

  /** A syncable's checkpoint and reset epoch. */
  public record SyncPosition(long epoch, long checkpoint) {}

  public synchronized SyncPosition syncPosition(String syncableId) {
    SyncState s = state.syncs.get(syncableId);
    return s == null ? new SyncPosition(0, 0) : new SyncPosition(s.epoch, s.checkpoint);
  }

  public synchronized List<DeadLetter> deadLetters(String syncableId) {
    TreeMap<Long, DeadLetterRecord> letters = state.deadLetters.get(syncableId);
    List<DeadLetter> out = new ArrayList<>();
    if (letters != null) {
      letters.values().forEach(d -> out.add(new DeadLetter(syncableId, d.index(),
          EntryCodec.fromMicros(d.timestampMicros()), d.message(), d.acknowledged())));
    }
    return out;
  }

  /** An ingestable's replicated state. */
  public record IngestPosition(long serial, long highWaterMark, Optional<SourcePosition> position, boolean parked,
      String parkedReason) {}

  public synchronized IngestPosition ingestPosition(String ingestableId) {
    IngestState s = state.ingests.get(ingestableId);
    if (s == null) {
      return new IngestPosition(0, 0, Optional.empty(), false, "");
    }
    return new IngestPosition(s.serial, s.highWaterMark,
        s.hasPosition ? Optional.of(new SourcePosition(s.sequence, s.state)) : Optional.empty(), s.parked,
        s.parkedReason);
  }

  private static ConfigDocument document(ConfigKind kind, String id, StoredVersion v) {
    return new ConfigDocument(kind, id, v.version(), v.format(), v.document(),
        EntryCodec.fromMicros(v.timestampMicros()), v.restoredFrom());
  }
}
