package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.engine.ApplyResult;
import io.committed.internal.memory.MemoryEventLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the state machine tells its listener: the sync waits depend on the checkpoint events. */
class StateMachineListenerTest {
  private final List<String> checkpointed = new CopyOnWriteArrayList<>();
  private final StateMachine state = new StateMachine(new MemoryEventLog(), new StateMachine.Listener() {
    @Override
    public void syncCheckpointed(String syncableId) {
      checkpointed.add(syncableId);
    }
  });
  private long engineIndex;

  private ApplyResult apply(Command c) {
    return state.apply(++engineIndex, CommandCodec.encode(c));
  }

  @Test
  void anAppliedCheckpointIsReportedWithItsSyncable() {
    apply(new Command.PutConfig(ConfigKind.SYNCABLE, "s", 0, ConfigFormat.TOML,
        "[syncable]\ntype=\"x\"".getBytes(StandardCharsets.UTF_8), 1));
    assertThat(checkpointed).isEmpty();
    apply(new Command.Checkpoint("s", 0, 0));
    assertThat(checkpointed).containsExactly("s");
  }
}
