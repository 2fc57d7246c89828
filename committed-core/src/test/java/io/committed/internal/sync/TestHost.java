package io.committed.internal.sync;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.memory.MemoryEventLog;
import io.committed.internal.state.Command;
import io.committed.internal.state.CommandCodec;
import io.committed.internal.state.StateMachine;
import io.committed.internal.state.StateView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * A real state machine and in-memory event log, applying each command synchronously in the
 * caller's thread: deterministic, for worker tests.
 */
final class TestHost implements SyncHost {
  final MemoryEventLog events = new MemoryEventLog();
  final StateMachine machine = new StateMachine(events, new StateMachine.Listener() {});
  final StateView state = machine.view();
  final FakeClock clock;
  private long engineIndex;
  int checkpointsProposed;

  TestHost(FakeClock clock) {
    this.clock = clock;
  }

  ApplyResult apply(Command c) {
    return machine.apply(++engineIndex, CommandCodec.encode(c));
  }

  void define(ConfigKind kind, String id, String toml) {
    int current = state.currentVersion(kind, id);
    ApplyResult r = apply(new Command.PutConfig(kind, id, current, ConfigFormat.TOML,
        toml.getBytes(StandardCharsets.UTF_8), 1));
    if (!r.accepted()) {
      throw new IllegalStateException(r.message());
    }
  }

  long write(Entity... entities) {
    Proposal p = Proposal.of(entities);
    BytesWriter out = new BytesWriter(64);
    EntryCodec.encode(out, EntryCodec.toMicros(clock.instant()), p,
        t -> state.currentVersion(ConfigKind.TYPE, t));
    ApplyResult r = apply(new Command.Write(out.toByteArray(), null));
    if (!r.accepted()) {
      throw new IllegalStateException(r.message());
    }
    return r.value();
  }

  @Override
  public EventLog events() {
    return events;
  }

  @Override
  public StateView.SyncPosition position(String syncableId) {
    return state.syncPosition(syncableId);
  }

  @Override
  public CompletableFuture<ApplyResult> submit(Command command) {
    if (command instanceof Command.Checkpoint) {
      checkpointsProposed++;
    }
    return CompletableFuture.completedFuture(apply(command));
  }

  @Override
  public Clock clock() {
    return clock;
  }
}
