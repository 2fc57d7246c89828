package io.committed.internal.state;

import io.committed.ConfigKind;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.engine.ReplicatedStateMachine;
import io.committed.internal.codec.BytesReader;
import io.committed.internal.codec.BytesWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Applies commands to the replicated state and appends committed entries to the event log. The
 * only writer of its {@link StateStore}; readers get the store's {@link #view()}.
 *
 * <p>Deterministic: the result of {@link #apply} depends only on the state and the command. The
 * engine calls {@code apply}, {@code snapshot} and {@code restore} from its apply thread. Each
 * command goes to the applier of its concern: {@link EntityWrites}, {@link IngestMarks},
 * {@link SyncRecords}, {@link ConfigVersions}, {@link ConsumerPositions}.
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

    /**
     * A scrub was applied (or carried out on restore): the engine's own copies of the commands up
     * to {@code engineIndex} hold data it erased.
     */
    default void scrubbed(long engineIndex) {}

    /** The whole state was replaced by a snapshot. */
    default void restored() {}
  }

  private final StateStore store;
  private final EventLog events;
  private final Listener listener;
  private final EntityWrites writes;
  private final IngestMarks ingests = new IngestMarks();
  private final SyncRecords syncs = new SyncRecords();
  private final ConfigVersions configs = new ConfigVersions();
  private final ConsumerPositions consumers = new ConsumerPositions();
  private final Scrubs scrubs;
  /** The engine index of the last scrub applied; read by the notifier on the apply thread. */
  private long scrubbedThrough;

  /** A state machine over a state of its own. */
  public StateMachine(EventLog events, Listener listener) {
    this(new StateStore(), events, listener);
  }

  /** A state machine applying to {@code store}, whose view readers may already hold. */
  public StateMachine(StateStore store, EventLog events, Listener listener) {
    this.store = store;
    this.events = events;
    this.listener = listener;
    this.writes = new EntityWrites(events);
    this.scrubs = new Scrubs(events, writes);
  }

  /** The read-only view of the state this machine applies to. */
  public StateView view() {
    return store.view();
  }

  @Override
  public ApplyResult apply(long engineIndex, byte[] bytes) {
    Command command = CommandCodec.decode(bytes);
    if (command instanceof Command.Scrub scrub) {
      scrubs.rewriteFor(store.state(), scrub); // outside the lock: it reads the whole log
    }
    ApplyResult result;
    synchronized (store) {
      LogState state = store.state();
      if (engineIndex <= state.lastEngineIndex) {
        throw new IllegalStateException("engine index " + engineIndex + " applied after " + state.lastEngineIndex
            + ": the engine replayed out of order");
      }
      result = command.accept(new Applier(state, engineIndex));
      state.lastEngineIndex = engineIndex;
    }
    if (result.accepted()) {
      command.accept(new Notifier(result.value()));
    }
    return result;
  }

  /** Sends each command to the applier of its concern. */
  private final class Applier implements Command.Visitor<ApplyResult> {
    private final LogState state;
    private final long engineIndex;

    Applier(LogState state, long engineIndex) {
      this.state = state;
      this.engineIndex = engineIndex;
    }

    @Override
    public ApplyResult write(Command.Write c) {
      return writes.write(state, engineIndex, c);
    }

    @Override
    public ApplyResult writePart(Command.WritePart c) {
      return writes.writePart(state, engineIndex, c);
    }

    @Override
    public ApplyResult ingestPosition(Command.IngestPosition c) {
      return ingests.position(state, c);
    }

    @Override
    public ApplyResult setIngestParked(Command.SetIngestParked c) {
      return ingests.park(state, c);
    }

    @Override
    public ApplyResult checkpoint(Command.Checkpoint c) {
      return syncs.checkpoint(state, c);
    }

    @Override
    public ApplyResult resetSyncable(Command.ResetSyncable c) {
      return syncs.reset(state, c);
    }

    @Override
    public ApplyResult addDeadLetter(Command.AddDeadLetter c) {
      return syncs.addDeadLetter(state, c);
    }

    @Override
    public ApplyResult settleDeadLetter(Command.SettleDeadLetter c) {
      return syncs.settle(state, c);
    }

    @Override
    public ApplyResult putConfig(Command.PutConfig c) {
      return configs.put(state, c);
    }

    @Override
    public ApplyResult rollbackConfig(Command.RollbackConfig c) {
      return configs.rollback(state, c);
    }

    @Override
    public ApplyResult removeConfig(Command.RemoveConfig c) {
      return configs.remove(state, c);
    }

    @Override
    public ApplyResult barrier(Command.Barrier c) {
      return ApplyResult.ok(0);
    }

    @Override
    public ApplyResult openConsumer(Command.OpenConsumer c) {
      return consumers.open(state, c);
    }

    @Override
    public ApplyResult ackConsumer(Command.AckConsumer c) {
      return consumers.ack(state, c);
    }

    @Override
    public ApplyResult removeConsumer(Command.RemoveConsumer c) {
      return consumers.remove(state, c);
    }

    @Override
    public ApplyResult requestIngestSnapshot(Command.RequestIngestSnapshot c) {
      return ingests.requestSnapshot(state, c);
    }

    @Override
    public ApplyResult scrub(Command.Scrub c) {
      ApplyResult result = scrubs.scrub(state, engineIndex, c);
      if (result.accepted()) {
        scrubbedThrough = engineIndex;
      }
      return result;
    }
  }

  /** Tells the listener what an accepted command changed; {@code value} is its result. */
  private final class Notifier implements Command.Visitor<Void> {
    private final long value;

    Notifier(long value) {
      this.value = value;
    }

    @Override
    public Void write(Command.Write c) {
      if (value > 0) {
        listener.appended(value);
      }
      if (c.ingest() != null) {
        listener.ingestChanged(c.ingest().ingestableId());
      }
      return null;
    }

    @Override
    public Void writePart(Command.WritePart c) {
      if (value > 0) {
        listener.appended(value);
      }
      if (c.part() == c.parts()) {
        listener.ingestChanged(c.ingestableId());
      }
      return null;
    }

    @Override
    public Void ingestPosition(Command.IngestPosition c) {
      listener.ingestChanged(c.mark().ingestableId());
      return null;
    }

    @Override
    public Void setIngestParked(Command.SetIngestParked c) {
      listener.ingestChanged(c.ingestableId());
      return null;
    }

    @Override
    public Void checkpoint(Command.Checkpoint c) {
      listener.syncCheckpointed(c.syncableId());
      return null;
    }

    @Override
    public Void resetSyncable(Command.ResetSyncable c) {
      listener.syncableReset(c.syncableId());
      return null;
    }

    @Override
    public Void addDeadLetter(Command.AddDeadLetter c) {
      return null;
    }

    @Override
    public Void settleDeadLetter(Command.SettleDeadLetter c) {
      return null;
    }

    @Override
    public Void putConfig(Command.PutConfig c) {
      listener.configChanged(c.kind(), c.id());
      return null;
    }

    @Override
    public Void rollbackConfig(Command.RollbackConfig c) {
      listener.configChanged(c.kind(), c.id());
      return null;
    }

    @Override
    public Void removeConfig(Command.RemoveConfig c) {
      listener.configChanged(c.kind(), c.id());
      return null;
    }

    @Override
    public Void barrier(Command.Barrier c) {
      return null;
    }

    @Override
    public Void openConsumer(Command.OpenConsumer c) {
      return null;
    }

    @Override
    public Void ackConsumer(Command.AckConsumer c) {
      return null;
    }

    @Override
    public Void removeConsumer(Command.RemoveConsumer c) {
      return null;
    }

    @Override
    public Void requestIngestSnapshot(Command.RequestIngestSnapshot c) {
      listener.ingestChanged(c.ingestableId());
      return null;
    }

    @Override
    public Void scrub(Command.Scrub c) {
      listener.appended(value);
      listener.scrubbed(scrubbedThrough);
      return null;
    }
  }

  @Override
  public long lastAppliedEngineIndex() {
    synchronized (store) {
      return store.state().lastEngineIndex;
    }
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    BytesWriter w = new BytesWriter(4096);
    synchronized (store) {
      store.state().writeTo(w);
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
    scrubs.catchUp(restored);
    synchronized (store) {
      store.replace(restored);
    }
    listener.restored();
    if (!restored.scrubs.isEmpty()) {
      // the engine may still hold commands from before the last scrub (a restart before they were erased)
      listener.scrubbed(restored.scrubs.get(restored.scrubs.size() - 1).engineIndex());
    }
  }

  @Override
  public byte[] noOpCommand() {
    return CommandCodec.encode(new Command.Barrier());
  }

  @Override
  public void leadershipChanged(boolean leader) {
    listener.leadershipChanged(leader);
  }
}
