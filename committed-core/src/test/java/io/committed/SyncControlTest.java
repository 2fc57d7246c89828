package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.api.CommittedException;
import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.NotFoundException;
import io.committed.api.OperationInterruptedException;
import io.committed.api.Proposal;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.RebuildableSyncable;
import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncControlTest {
  /** A target that refuses keys in {@link #refused} and can be reset. */
  static final class PickyTarget implements SyncableFactory {
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final List<Long> synced = new CopyOnWriteArrayList<>();
    final AtomicInteger resets = new AtomicInteger();
    /** When set, deliveries wait for it to open. */
    volatile CountDownLatch gate;

    @Override
    public String kind() {
      return "picky";
    }

    @Override
    public Syncable create(SyncableContext context) {
      return new RebuildableSyncable() {
        @Override
        public void resetTarget() {
          resets.incrementAndGet();
          synced.clear();
        }

        @Override
        public void sync(List<LogEntry> batch) throws InterruptedException {
          CountDownLatch g = gate;
          if (g != null) {
            g.await();
          }
          for (LogEntry e : batch) {
            if (refused.contains(e.entities().get(0).keyAsString())) {
              throw new PermanentSyncException("value too long for column");
            }
          }
          batch.forEach(e -> synced.add(e.index()));
        }
      };
    }
  }

  private final PickyTarget target = new PickyTarget();
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.builder().inMemory().syncableFactory(target).start();
    log.types().define("t", "[type]\nname = \"t\"");
    log.syncables().define("s", "[syncable]\ntype = \"picky\"\n[picky]\ntopic = \"t\"");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private void write(String... keys) {
    for (String k : keys) {
      log.proposeAndWait(Proposal.of(Entity.upsert("t", k, "{}")));
    }
  }

  private void awaitCaughtUp() {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      SyncableStatus s = log.sync().status("s");
      return s.caughtUp() && s.checkpointIndex() == log.lastIndex();
    });
  }

  @Test
  void deadLettersCanBeListedAcknowledgedAndReplayed() {
    target.refused.add("bad");
    write("a", "bad", "c");
    awaitCaughtUp();
    assertThat(target.synced).containsExactly(1L, 3L);
    assertThat(log.sync().status("s").deadLetters()).isEqualTo(1);
    DeadLetter d = log.sync().deadLetters("s").get(0);
    assertThat(d.index()).isEqualTo(2);
    assertThat(d.message()).isEqualTo("value too long for column");

    log.sync().acknowledge("s", 2);
    assertThat(log.sync().deadLetters("s")).singleElement().extracting(DeadLetter::acknowledged).isEqualTo(true);
    assertThat(log.sync().status("s").acknowledgedDeadLetters()).isEqualTo(1);

    assertThatThrownBy(() -> log.sync().replay("s", 2)).isInstanceOf(PermanentSyncException.class)
        .hasMessage("value too long for column");
    assertThat(log.sync().deadLetters("s")).hasSize(1);

    target.refused.clear(); // the operator fixed the target
    log.sync().replay("s", 2);
    assertThat(target.synced).containsExactly(1L, 3L, 2L);
    assertThat(log.sync().deadLetters("s")).isEmpty();
    assertThatThrownBy(() -> log.sync().replay("s", 2)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rebuildResetsTheTargetAndDeliversTheWholeLogAgain() {
    write("a", "b");
    awaitCaughtUp();
    log.sync().rebuild("s");
    write("c");
    await().atMost(Duration.ofSeconds(10)).until(() -> target.synced.equals(List.of(1L, 2L, 3L))
        && log.sync().status("s").checkpointIndex() == 3);
    assertThat(target.resets).hasValue(1);
  }

  @Test
  void unknownSyncablesAreNotFound() {
    assertThatThrownBy(() -> log.sync().status("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> log.sync().rebuild("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> log.sync().acknowledge("s", 99)).isInstanceOf(NotFoundException.class)
        .hasMessage("syncable 's' has no dead letter at index 99");
    assertThat(CommittedException.class).isAssignableFrom(NotFoundException.class);
  }

  @Test
  void replacingASyncableRestartsItsWorkerAndRemovingItForgetsItsProgress() {
    write("a");
    awaitCaughtUp();
    log.syncables().define("s", "[syncable]\ntype = \"picky\"\nbatchSize = 7\n[picky]\ntopic = \"t\"");
    write("b");
    awaitCaughtUp();
    assertThat(target.synced).containsExactly(1L, 2L);
    log.syncables().remove("s");
    assertThatThrownBy(() -> log.sync().status("s")).isInstanceOf(NotFoundException.class);
    log.syncables().define("s", "[syncable]\ntype = \"picky\"\n[picky]\ntopic = \"t\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> target.synced.size() == 4);
    assertThat(target.synced).containsExactly(1L, 2L, 1L, 2L);
  }

  @Test
  void anInterruptedAwaitSyncedThrowsUncheckedAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> log.sync().awaitSynced("s", 100, Duration.ofSeconds(30)))
          .isInstanceOf(OperationInterruptedException.class).hasMessageContaining("syncable 's'");
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt status is set again").isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  private CompletableFuture<Boolean> awaitSyncedAsync(long index, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> log.sync().awaitSynced("s", index, timeout));
  }

  @Test
  void awaitSyncedReturnsAsSoonAsTheWorkerDeliversLongBeforeItsTimeout() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    target.gate = gate;
    write("a", "b");
    CompletableFuture<Boolean> synced = awaitSyncedAsync(2, Duration.ofMinutes(10));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !synced.isDone());

    gate.countDown();
    assertThat(synced.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(target.synced).contains(2L);
  }

  @Test
  void awaitSyncedAnswersFalseOnceItsTimeoutPasses() {
    target.gate = new CountDownLatch(1);
    write("a");
    long started = System.nanoTime();
    try {
      assertThat(log.sync().awaitSynced("s", 1, Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    } finally {
      target.gate.countDown();
    }
  }

  @Test
  void awaitSyncedFailsWhenItsSyncableIsRemovedOrTheLogCloses() throws Exception {
    write("a");
    CompletableFuture<Boolean> removed = awaitSyncedAsync(5, Duration.ofMinutes(10)); // entry 5 never comes
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !removed.isDone());
    log.syncables().remove("s");
    assertThatThrownBy(() -> removed.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(NotFoundException.class);

    log.syncables().define("s", "[syncable]\ntype = \"picky\"\n[picky]\ntopic = \"t\"");
    CompletableFuture<Boolean> closing = awaitSyncedAsync(5, Duration.ofMinutes(10));
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !closing.isDone());
    log.close();
    assertThatThrownBy(() -> closing.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(LogClosedException.class);
  }
}
