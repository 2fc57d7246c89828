package io.committed.internal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class IngestSupervisorTest {
  private static final String CONFIG = "[ingestable]\ntype = \"fake\"\n[fake]\ntopic = \"tx\"\n";

  @Property(tries = 25)
  void aSourceThatCrashesAndRedeliversLandsEachTransactionExactlyOnceInOrder(
      @ForAll @LongRange(min = 1) long seed, @ForAll @IntRange(min = 1, max = 150) int transactions) {
    FakeSource source = new FakeSource(transactions, seed, 0.08);
    // every 7th transaction is larger than a proposal may be: it is replicated in parts
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(source).maxProposalBytes(4096)
        .ingestRetry(Duration.ofMillis(1), Duration.ofMillis(4), 10_000).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(60)).until(() -> source.acknowledged == transactions
          && log.ingest().status("src").highWaterMark() == transactions);

      List<Long> seqs = new ArrayList<>();
      for (LogEntry e : log.read(1, 100_000)) {
        assertThat(e.proposal()).isEqualTo(FakeSource.rows(seqs.size() + 1));
        seqs.add(Long.parseLong(e.entities().get(0).keyAsString().split("-")[0]));
      }
      assertThat(seqs).hasSize(transactions);
      IngestableStatus status = log.ingest().status("src");
      assertThat(status.position()).hasValueSatisfying(p -> {
        assertThat(p.sequence()).isEqualTo(transactions);
        assertThat(p.stateAsString()).isEqualTo("lsn/" + transactions);
      });
      assertThat(status.workerState()).isEqualTo(io.committed.IngestableStatus.WorkerState.RUNNING);
    }
  }

  @Example
  void aTransactionLargerThanTheTransactionCapFailsTheRunWithAClearMessage() {
    FakeSource source = new FakeSource(7, 1, 0);
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(source).maxProposalBytes(4096)
        .maxTransactionBytes(8192).ingestRetry(Duration.ofMillis(1), Duration.ofMillis(2), 2).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").workerState().equals(io.committed.IngestableStatus.WorkerState.PARKED));
      assertThat(log.ingest().status("src").parkedReason()).hasValueSatisfying(r ->
          assertThat(r).contains("maxTransactionBytes"));
      assertThat(log.ingest().status("src").highWaterMark()).isEqualTo(6);
    }
  }

  @Example
  void anIngestableThatKeepsFailingIsParkedUntilItsConfigIsPostedAgain() {
    int[] runs = {0};
    IngestableFactory broken = new IngestableFactory() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public Ingestable create(IngestContext context) {
        return ctx -> {
          runs[0]++;
          throw new IllegalStateException("cannot reach the source");
        };
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(broken)
        .ingestRetry(Duration.ofMillis(1), Duration.ofMillis(2), 3).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").workerState().equals(io.committed.IngestableStatus.WorkerState.PARKED));
      IngestableStatus parked = log.ingest().status("src");
      assertThat(parked.parkedReason()).hasValueSatisfying(r ->
          assertThat(r).contains("3 consecutive failures").contains("cannot reach the source"));
      assertThat(runs[0]).isEqualTo(3);

      log.ingestables().define("src", CONFIG); // the same document again: un-parks
      await().atMost(Duration.ofSeconds(10)).until(() -> runs[0] >= 4);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").workerState().equals(io.committed.IngestableStatus.WorkerState.PARKED));
      assertThat(runs[0]).isEqualTo(6);
    }
  }

  @Example
  void removingAnIngestableStopsItAndForgetsItsPosition() {
    FakeSource source = new FakeSource(5, 1, 0);
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(source).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").highWaterMark() == 5);
      log.ingestables().remove("src");
      log.ingestables().define("src", CONFIG);
      assertThat(log.ingest().status("src").position()).isEmpty();
      log.proposeAndWait(io.committed.api.Proposal.of(Entity.upsert("tx", "manual", "{}")));
    }
  }

  @Example
  void removingAnIngestableTellsItsFactoryOnceWithItsLastDocument() {
    List<String> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
    FakeSource source = new FakeSource(3, 1, 0) {
      @Override
      public void removed(String id, io.committed.spi.PluginConfig document, io.committed.spi.PluginConfig section) {
        removed.add(id + ":" + section.requireString("topic"));
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(source).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").highWaterMark() == 3);
      assertThat(removed).isEmpty();
      log.ingestables().define("src", CONFIG + "# a new version restarts it, which is no removal\n");
      assertThat(removed).isEmpty();
      log.ingestables().remove("src");
      assertThat(removed).containsExactly("src:tx");
    }
    assertThat(removed).containsExactly("src:tx"); // closing the log is no removal either
  }

  @Example
  void aPermanentFailureParksAtOnceWithItsMessage() {
    int[] runs = {0};
    IngestableFactory lost = new IngestableFactory() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public Ingestable create(IngestContext context) {
        return ctx -> {
          runs[0]++;
          throw new io.committed.spi.PermanentIngestException("the source lost the changes we need");
        };
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(lost)
        .ingestRetry(Duration.ofMillis(1), Duration.ofMillis(2), 10).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.ingestables().define("src", CONFIG);
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").parkedReason().isPresent());
      assertThat(log.ingest().status("src").parkedReason()).hasValue("the source lost the changes we need");
      assertThat(runs[0]).isEqualTo(1);
    }
  }

  @Example
  void anIngestableSeesTheLiveKeysOfATypeAsTheLogHasThemAndCanTombstoneThem() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    IngestableFactory pruner = new IngestableFactory() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public Ingestable create(IngestContext context) {
        return ctx -> {
          go.await();
          List<byte[]> stale = new ArrayList<>();
          ctx.liveKeys().orElseThrow().forEachLiveKey("tx", key -> {
            seen.add(new String(key, java.nio.charset.StandardCharsets.UTF_8));
            if (!java.util.Arrays.equals(key, "keep".getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
              stale.add(key);
            }
          });
          List<Entity> deletes = new ArrayList<>();
          stale.forEach(k -> deletes.add(Entity.delete("tx", k)));
          ctx.propose(new io.committed.api.Proposal(deletes), io.committed.spi.SourcePosition.of(1, "pruned")).join();
          new java.util.concurrent.CountDownLatch(1).await(); // until stopped: the supervisor interrupts the run
        };
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(pruner).start()) {
      log.types().define("tx", "[type]\nname = \"tx\"");
      log.types().define("other", "[type]\nname = \"other\"");
      log.proposeAndWait(io.committed.api.Proposal.of(Entity.upsert("tx", "keep", "{}"),
          Entity.upsert("tx", "gone", "{}"), Entity.upsert("tx", "stale", "{}"), Entity.upsert("other", "x", "{}")));
      log.proposeAndWait(io.committed.api.Proposal.of(Entity.delete("tx", "gone")));
      log.proposeAndWait(io.committed.api.Proposal.of(Entity.upsert("tx", "back", "{}"), Entity.delete("tx", "back"),
          Entity.upsert("tx", "stale", "{\"v\":2}")));
      log.ingestables().define("src", CONFIG);
      go.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> log.ingest().status("src").highWaterMark() == 1);
      assertThat(seen).containsExactlyInAnyOrder("keep", "stale");
      java.util.Map<String, Boolean> last = new java.util.HashMap<>();
      for (LogEntry e : log.read(1, 100)) {
        e.entities().stream().filter(x -> x.typeId().equals("tx")).forEach(x -> last.put(x.keyAsString(), x.delete()));
      }
      assertThat(last).containsEntry("keep", false).containsEntry("stale", true).containsEntry("gone", true)
          .containsEntry("back", true);
    }
  }
}
