package io.committed.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigKind;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.RebuildableSyncable;
import io.committed.spi.ResumableSyncable;
import io.committed.internal.state.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncWorkerTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final TestHost host = new TestHost(clock);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final ScriptedSyncable.Target target = new ScriptedSyncable.Target();
  private SyncSettings settings = new SyncSettings(10, Duration.ZERO, 1000, 5, Duration.ofSeconds(1),
      new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)), Duration.ofSeconds(1));

  @BeforeEach
  void types() {
    host.define(ConfigKind.TYPE, "a", "[type]\nname=\"a\"");
    host.define(ConfigKind.TYPE, "b", "[type]\nname=\"b\"");
    host.define(ConfigKind.SYNCABLE, "s", "[syncable]\ntype=\"test\"\n[test]\ntopic=\"a\"");
  }

  private SyncWorker worker(java.util.function.BiFunction<Integer, List<LogEntry>, ScriptedSyncable.Outcome> script) {
    return new SyncWorker("s", () -> new ScriptedSyncable(target, script), new TypeFilter(Set.of("a")), settings,
        host, scheduler);
  }

  private List<Long> synced() {
    return target.synced.stream().map(LogEntry::index).toList();
  }

  @Test
  void deliversOnlyFollowedTypesInOrderAndCheckpointsWhenCaughtUp() {
    for (int i = 0; i < 30; i++) {
      host.write(Entity.upsert(i % 3 == 0 ? "b" : "a", "k" + i, "{}"));
    }
    host.write(Entity.upsert("a", "mixed", "{}"), Entity.upsert("b", "other", "{}"));
    SyncWorker w = worker((call, batch) -> null);
    w.start();
    scheduler.runUntilIdle(10_000);

    List<Long> expected = LongStream.rangeClosed(1, 30).filter(i -> (i - 1) % 3 != 0).boxed().toList();
    assertThat(synced()).containsSubsequence(expected).hasSize(expected.size() + 1).endsWith(31L);
    LogEntry mixed = target.synced.get(target.synced.size() - 1);
    assertThat(mixed.entities()).extracting(Entity::typeId).containsExactly("a");
    assertThat(mixed.typeVersions()).containsOnlyKeys("a");
    assertThat(target.attempts).allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(10));
    assertThat(host.state.syncPosition("s").checkpoint()).isEqualTo(31);
    SyncableStatus status = w.status(host.state.syncPosition("s"), host.events.lastIndex(), 0, 0);
    assertThat(status.workerState()).isEqualTo(io.committed.SyncableStatus.WorkerState.IDLE);
    assertThat(status.caughtUp()).isTrue();
    assertThat(status.lag()).isZero();
  }

  @Test
  void deliveriesWakeWhoWaitsForTheWorkersProgress() {
    ManualScheduler timeouts = new ManualScheduler(new FakeClock(Instant.EPOCH)); // never run: no timeout
    SyncProgress progress = new SyncProgress(timeouts::schedule);
    SyncWorker w = new SyncWorker("s", () -> new ScriptedSyncable(target, (call, batch) -> null),
        new TypeFilter(Set.of("a")), settings, host, scheduler, progress);
    for (int i = 0; i < 3; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    java.util.concurrent.CompletableFuture<Boolean> reached = progress.await("s", 3, Duration.ofHours(1),
        id -> w.syncedIndex(host.state.syncPosition(id).checkpoint()));
    w.start();
    assertThat(reached).isNotDone();
    scheduler.runUntilIdle(100);
    assertThat(reached).isCompletedWithValue(true);
  }

  @Test
  void wakesUpForEntriesAppendedAfterGoingIdle() {
    SyncWorker w = worker((call, batch) -> null);
    w.start();
    scheduler.runUntilIdle(100);
    assertThat(target.synced).isEmpty();

    host.write(Entity.upsert("a", "k", "{}"));
    w.wake();
    scheduler.runUntilIdle(100);
    assertThat(synced()).containsExactly(1L);
  }

  @Test
  void transientFailuresBackOffExponentiallyAndNeverSkip() {
    for (int i = 0; i < 5; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    SyncWorker w = worker((call, batch) -> call <= 4 ? ScriptedSyncable.Outcome.TRANSIENT : null);
    w.start();
    scheduler.runUntilIdle(1); // opens the syncable, first attempt fails
    SyncableStatus failing = w.status(host.state.syncPosition("s"), 5, 0, 0);
    assertThat(failing.workerState()).isEqualTo(io.committed.SyncableStatus.WorkerState.RETRYING);
    assertThat(failing.consecutiveFailures()).isEqualTo(1);
    assertThat(failing.stuckSince()).contains(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(failing.lastError()).hasValueSatisfying(m -> assertThat(m).contains("connection reset"));

    scheduler.runUntilIdle(10_000);
    assertThat(synced()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(target.attempts).hasSize(5).allSatisfy(a -> assertThat(a).containsExactly(1L, 2L, 3L, 4L, 5L));
    // 10 + 20 + 40 + 80 ms of backoff, and a fresh syncable after every failure
    assertThat(scheduler.totalDelay()).isEqualTo(Duration.ofMillis(150));
    assertThat(target.opened).isEqualTo(5);
    assertThat(target.closed).isEqualTo(4);
    SyncableStatus ok = w.status(host.state.syncPosition("s"), 5, 0, 0);
    assertThat(ok.consecutiveFailures()).isZero();
    assertThat(ok.stuckSince()).isEmpty();
    assertThat(ok.lastError()).isEmpty();
  }

  @Test
  void permanentFailureIsolatesTheBadEntryDeadLettersItAndMovesOn() {
    for (int i = 1; i <= 7; i++) {
      host.write(Entity.upsert("a", i == 4 ? "bad" : "k" + i, "{}"));
    }
    SyncWorker w = worker((call, batch) ->
        batch.stream().anyMatch(e -> e.entities().get(0).keyAsString().equals("bad"))
            ? ScriptedSyncable.Outcome.PERMANENT : null);
    w.start();
    scheduler.runUntilIdle(10_000);

    assertThat(synced()).containsExactly(1L, 2L, 3L, 5L, 6L, 7L);
    assertThat(host.state.deadLetters("s")).singleElement().satisfies(d -> {
      assertThat(d.index()).isEqualTo(4);
      assertThat(d.message()).contains("bad data");
      assertThat(d.acknowledged()).isFalse();
    });
    assertThat(host.state.syncPosition("s").checkpoint()).isEqualTo(7);
  }

  @Test
  void checkpointsEveryNEntriesWhileBusy() {
    settings = settings.withBatchSize(2).withCheckpointEvery(4);
    for (int i = 0; i < 9; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    List<Long> checkpoints = new ArrayList<>();
    SyncWorker w = worker((call, batch) -> {
      checkpoints.add(host.state.syncPosition("s").checkpoint());
      return null;
    });
    w.start();
    scheduler.runUntilIdle(10_000);
    // before each call: 0, 0, then after 4 entries 4, 4, then 8
    assertThat(checkpoints).containsExactly(0L, 0L, 4L, 4L, 8L);
    assertThat(host.state.syncPosition("s").checkpoint()).isEqualTo(9);
  }

  @Test
  void resumableSyncableStartsAfterWhatTheTargetHas() {
    for (int i = 0; i < 6; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    List<Long> got = new ArrayList<>();
    SyncWorker w = new SyncWorker("s", () -> new ResumableSyncable() {
      @Override
      public long lastSyncedIndex() {
        return 4;
      }

      @Override
      public void sync(List<LogEntry> batch) {
        batch.forEach(e -> got.add(e.index()));
      }
    }, new TypeFilter(Set.of("a")), settings, host, scheduler);
    w.start();
    scheduler.runUntilIdle(1000);
    assertThat(got).containsExactly(5L, 6L);
  }

  @Test
  void aTargetAheadOfTheLogWaitsInsteadOfSkipping() {
    host.write(Entity.upsert("a", "k", "{}"));
    SyncWorker w = new SyncWorker("s", () -> new ResumableSyncable() {
      @Override
      public long lastSyncedIndex() {
        return 9;
      }

      @Override
      public void sync(List<LogEntry> batch) {
        throw new AssertionError("must not deliver");
      }
    }, new TypeFilter(Set.of("a")), settings, host, scheduler);
    w.start();
    scheduler.runUntilIdle(3);
    assertThat(w.status(host.state.syncPosition("s"), 1, 0, 0).lastError())
        .hasValueSatisfying(m -> assertThat(m).contains("reports entry 9").contains("ends at 1"));
  }

  @Test
  void afterARebuildTheTargetIsResetAndEverythingIsDeliveredAgain() {
    for (int i = 0; i < 3; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    host.apply(new Command.Checkpoint("s", 0, 3));
    host.apply(new Command.ResetSyncable("s"));
    int[] resets = {0};
    List<Long> got = new ArrayList<>();
    SyncWorker w = new SyncWorker("s", () -> new RebuildableSyncable() {
      @Override
      public void resetTarget() {
        resets[0]++;
      }

      @Override
      public void sync(List<LogEntry> batch) {
        batch.forEach(e -> got.add(e.index()));
      }
    }, new TypeFilter(Set.of("a")), settings, host, scheduler);
    w.start();
    scheduler.runUntilIdle(1000);
    assertThat(resets[0]).isEqualTo(1);
    assertThat(got).containsExactly(1L, 2L, 3L);
    assertThat(host.state.syncPosition("s")).isEqualTo(new io.committed.internal.state.StateView.SyncPosition(1, 3));
  }

  @Test
  void aStaleCheckpointFromBeforeARebuildIsIgnored() {
    host.write(Entity.upsert("a", "k", "{}"));
    host.apply(new Command.ResetSyncable("s"));
    host.apply(new Command.Checkpoint("s", 0, 1)); // proposed by the old worker, applied late
    assertThat(host.state.syncPosition("s").checkpoint()).isZero();
  }

  @Test
  void aBatchDelayLetsAPartialBatchWaitForMoreEntries() {
    settings = settings.withBatchSize(5).withBatchDelay(Duration.ofMillis(50));
    host.write(Entity.upsert("a", "k1", "{}"));
    SyncWorker w = worker((call, batch) -> null);
    w.start();
    scheduler.runUntilIdle(1); // one entry of five: it waits
    assertThat(target.attempts).isEmpty();
    clock.advance(Duration.ofMillis(20));
    host.write(Entity.upsert("a", "k2", "{}"));
    host.write(Entity.upsert("a", "k3", "{}"));
    w.wake();
    scheduler.runUntilIdle(1); // still partial, 30 ms left
    assertThat(target.attempts).isEmpty();
    scheduler.runUntilIdle(10_000); // the delay runs out: one batch of three
    assertThat(target.attempts).containsExactly(List.of(1L, 2L, 3L));
    for (int i = 4; i <= 8; i++) {
      host.write(Entity.upsert("a", "k" + i, "{}"));
    }
    w.wake();
    scheduler.runUntilIdle(1); // a full batch goes at once
    assertThat(target.attempts).hasSize(2).last().isEqualTo(List.of(4L, 5L, 6L, 7L, 8L));
  }

  @Test
  void stopClosesTheSyncable() {
    host.write(Entity.upsert("a", "k", "{}"));
    SyncWorker w = worker((call, batch) -> null);
    w.start();
    scheduler.runUntilIdle(100);
    w.stop();
    assertThat(target.closed).isEqualTo(1);
    assertThat(w.status(host.state.syncPosition("s"), 1, 0, 0).workerState()).isEqualTo(io.committed.SyncableStatus.WorkerState.STOPPED);
  }
}
