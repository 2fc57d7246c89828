package io.committed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire names of the status enums: what the REST API and metrics show. */
class StatusEnumsTest {

  @Test
  void syncWorkerStatesAreSpelledInLowerCaseWithDashes() {
    assertThat(Arrays.stream(SyncableStatus.WorkerState.values()).map(SyncableStatus.WorkerState::wireName))
        .containsExactly("starting", "running", "idle", "retrying", "isolating", "stopped", "not-running-here");
  }

  @Test
  void ingestWorkerStatesAreSpelledInLowerCaseWithDashes() {
    assertThat(Arrays.stream(IngestableStatus.WorkerState.values()).map(IngestableStatus.WorkerState::wireName))
        .containsExactly("starting", "running", "recovering", "parked", "stopped", "not-running-here");
  }

  @Test
  void nodeRolesAreSpelledInLowerCase() {
    List<String> names = Arrays.stream(NodeRole.values()).map(NodeRole::wireName).toList();
    assertThat(names).containsExactly("leader", "follower", "candidate", "learner", "stopped");
  }
}
