package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.SyncableFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LogObserverTest {

  @Test
  void theObserverHearsProposalsAppliesSyncsAndDeadLettersAndItsFailuresAreContained() {
    List<String> events = new CopyOnWriteArrayList<>();
    LogObserver observer = new LogObserver() {
      @Override
      public void proposalCompleted(Outcome outcome, long nanos, int entities) {
        assertThat(nanos).isPositive();
        events.add("proposal " + outcome + " " + entities);
      }

      @Override
      public void entryApplied(long index) {
        events.add("applied " + index);
        throw new IllegalStateException("observers may fail; the log goes on");
      }

      @Override
      public void syncBatchWritten(String syncableId, int entries, long nanos) {
        events.add("synced " + syncableId + " " + entries);
      }

      @Override
      public void deadLettered(String syncableId, long index) {
        events.add("dead " + syncableId + " " + index);
      }
    };
    SyncableFactory refusesBad = new SyncableFactory() {
      @Override
      public String kind() {
        return "refuses";
      }

      @Override
      public io.committed.spi.Syncable create(io.committed.spi.SyncableContext context) {
        return batch -> {
          if (batch.stream().anyMatch(e -> e.entities().get(0).keyAsString().equals("bad"))) {
            throw new PermanentSyncException("bad");
          }
        };
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().observer(observer).syncableFactory(refusesBad).start()) {
      log.types().define("t", "[type]\nname = \"t\"");
      log.syncables().define("s", "[syncable]\ntype = \"refuses\"\nbatchSize = 1\n[refuses]\ntopic = \"t\"");
      log.proposeAndWait(Proposal.of(Entity.upsert("t", "ok", "{}"), Entity.upsert("t", "ok2", "{}")));
      log.proposeAndWait(Proposal.of(Entity.upsert("t", "bad", "{}")));
      log.propose(Proposal.of(Entity.upsert("undefined", "k", "{}"))).exceptionally(e -> 0L).join();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("dead s 2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("proposal REJECTED 1"));
      assertThat(events).contains("proposal COMMITTED 2", "applied 1", "applied 2", "synced s 1");
      assertThat(log.lastIndex()).isEqualTo(2);
    }
  }
}
