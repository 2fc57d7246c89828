package io.committed.internal.ingest;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.internal.ConfigReader;
import io.committed.internal.Plugins;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.memory.MemoryEventLog;
import io.committed.internal.state.Command;
import io.committed.internal.state.CommandCodec;
import io.committed.internal.state.StateMachine;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.FakeClock;
import io.committed.spi.IngestableFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real state machine and in-memory event log that apply each command synchronously on the
 * caller's thread, with one ingestable factory: deterministic, for runner tests on a fake clock.
 */
final class TestIngestHost implements IngestHost {
  final MemoryEventLog events = new MemoryEventLog();
  final StateMachine machine = new StateMachine(events, new StateMachine.Listener() {});
  final StateView state = machine.view();
  final FakeClock clock;
  private final ConfigReader configs;
  private long engineIndex;

  TestIngestHost(FakeClock clock, IngestableFactory factory) {
    this.clock = clock;
    this.configs = new ConfigReader(state, new Plugins(new ClassLoader(null) {}, List.of(), List.of(factory)),
        name -> null);
  }

  ApplyResult apply(Command c) {
    return machine.apply(++engineIndex, CommandCodec.encode(c));
  }

  void define(ConfigKind kind, String id, String toml) {
    ApplyResult r = apply(new Command.PutConfig(kind, id, state.currentVersion(kind, id), ConfigFormat.TOML,
        toml.getBytes(StandardCharsets.UTF_8), 1));
    if (!r.accepted()) {
      throw new IllegalStateException(r.message());
    }
  }

  @Override
  public StateView state() {
    return state;
  }

  @Override
  public ConfigReader configs() {
    return configs;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public List<LogEntry> read(long fromIndex, int maxEntries) {
    List<LogEntry> out = new ArrayList<>();
    long last = Math.min(state.lastIndex(), fromIndex + maxEntries - 1);
    if (fromIndex <= last) {
      events.read(fromIndex, (int) (last - fromIndex + 1), (index, e, body) -> out.add(EntryCodec.decode(index, body)));
    }
    return out;
  }

  @Override
  public long lastIndex() {
    return state.lastIndex();
  }

  @Override
  public List<byte[]> prepareParts(Proposal proposal, int reserve) {
    BytesWriter out = new BytesWriter(64);
    EntryCodec.encode(out, EntryCodec.toMicros(clock.instant()), proposal,
        t -> state.currentVersion(ConfigKind.TYPE, t));
    return List.of(out.toByteArray());
  }

  @Override
  public CompletableFuture<ApplyResult> submit(Command command) {
    return CompletableFuture.completedFuture(apply(command));
  }

  @Override
  public java.util.OptionalInt publishSchema(String ingestableId, String typeId, String jsonSchema) {
    return java.util.OptionalInt.empty(); // these tests define their types themselves
  }
}
