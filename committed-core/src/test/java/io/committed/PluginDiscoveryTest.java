package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.testplugins.RecordingSyncableFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PluginDiscoveryTest {

  @Test
  void aSyncableRegisteredOnlyInMetaInfServicesIsFoundAndReceivesData() {
    try (CommittedLog log = Committed.inMemory()) {
      log.types().define("simple", "[type]\nname = \"simple\"");
      log.types().define("other", "[type]\nname = \"other\"");
      log.syncables().define("rec1", """
          [syncable]
          name = "rec1"
          type = "recording"
          [recording]
          topic = "simple"
          """);
      log.proposeAndWait(Proposal.of(Entity.upsert("simple", "a", "{\"n\":1}")));
      log.proposeAndWait(Proposal.of(Entity.upsert("other", "b", "{}")));
      log.proposeAndWait(Proposal.of(Entity.upsert("simple", "c", "{\"n\":2}")));

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(RecordingSyncableFactory.RECEIVED.get("rec1")).extracting(LogEntry::index)
              .containsExactly(1L, 3L));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(log.sync().status("rec1").checkpointIndex()).isEqualTo(3));
      SyncableStatus status = log.sync().status("rec1");
      assertThat(status.caughtUp()).isTrue();
      assertThat(status.workerState()).isEqualTo(io.committed.SyncableStatus.WorkerState.IDLE);
    }
  }

  @Test
  void anUnknownKindFailsWithTheKnownKinds() {
    try (CommittedLog log = Committed.inMemory()) {
      log.types().define("simple", "[type]\nname = \"simple\"");
      assertThatThrownBy(() -> log.syncables().define("x", """
          [syncable]
          type = "nosuchkind"
          [nosuchkind]
          topic = "simple"
          """))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("no syncable of kind 'nosuchkind'")
          .hasMessageContaining("known kinds: recording")
          .satisfies(e -> assertThat(((ConfigException) e).field()).contains("syncable.type"));
      assertThat(log.syncables().list()).isEmpty();
    }
  }

  @Test
  void theFactoryValidatesItsOwnSection() {
    try (CommittedLog log = Committed.inMemory()) {
      log.types().define("simple", "[type]\nname = \"simple\"");
      assertThatThrownBy(() -> log.syncables().define("x", """
          [syncable]
          type = "recording"
          [recording]
          topic = "simple"
          label = " "
          """))
          .isInstanceOf(ConfigException.class)
          .hasMessage("recording.label must not be blank");
    }
  }

  @Test
  void withoutAnEngineStartNamesCommittedRaft() {
    assertThatThrownBy(() -> Committed.builder().dataDir(java.nio.file.Path.of("unused")).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("io.committed:committed-raft")
        .hasMessageContaining("Committed.inMemory()");
  }
}
