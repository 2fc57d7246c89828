package io.committed.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SyncWorkerProperties {
  private static final List<String> TYPES = List.of("a", "b", "c");

  private static TestHost host(FakeClock clock) {
    TestHost host = new TestHost(clock);
    for (String t : TYPES) {
      host.define(ConfigKind.TYPE, t, "[type]\nname=\"" + t + "\"");
    }
    host.define(ConfigKind.SYNCABLE, "s", "[syncable]\ntype=\"test\"\n[test]\ntopics=[\"a\",\"b\"]");
    return host;
  }

  @Provide
  Arbitrary<List<List<List<String>>>> chunks() {
    Arbitrary<List<String>> proposal = Arbitraries.of(TYPES).list().ofMinSize(1).ofMaxSize(3);
    return proposal.list().ofMinSize(0).ofMaxSize(40).list().ofMinSize(1).ofMaxSize(5);
  }

  /** Appends the chunk's proposals; returns the indexes of those with a followed type. */
  private static List<Long> append(TestHost host, List<List<String>> chunk, int[] key) {
    List<Long> followed = new ArrayList<>();
    for (List<String> types : chunk) {
      Entity[] entities = types.stream().map(t -> Entity.upsert(t, "k" + key[0]++, "{}")).toArray(Entity[]::new);
      long index = host.write(entities);
      if (types.contains("a") || types.contains("b")) {
        followed.add(index);
      }
    }
    return followed;
  }

  private static SyncSettings settings(int batch, int every) {
    return new SyncSettings(batch, Duration.ZERO, Math.max(batch, 7), every, Duration.ofSeconds(5),
        new Backoff(Duration.ofMillis(1), Duration.ofMillis(50)), Duration.ofSeconds(1));
  }

  @Property(tries = 200)
  void withoutFailuresEveryFollowedEntryArrivesExactlyOnceInOrder(
      @ForAll("chunks") List<List<List<String>>> chunks,
      @ForAll @IntRange(min = 1, max = 20) int batch,
      @ForAll @IntRange(min = 1, max = 30) int every) {
    FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    TestHost host = host(clock);
    ManualScheduler scheduler = new ManualScheduler(clock);
    ScriptedSyncable.Target target = new ScriptedSyncable.Target();
    SyncWorker worker = new SyncWorker("s", () -> new ScriptedSyncable(target, (c, b) -> null),
        new TypeFilter(Set.of("a", "b")), settings(batch, every), host, scheduler);
    worker.start();
    List<Long> expected = new ArrayList<>();
    int[] key = {0};
    for (List<List<String>> chunk : chunks) {
      expected.addAll(append(host, chunk, key));
      worker.wake();
      scheduler.runUntilIdle(100_000);
    }

    assertThat(target.synced).extracting(LogEntry::index).containsExactlyElementsOf(expected);
    assertThat(target.synced).allSatisfy(e -> assertThat(e.entities())
        .allSatisfy(en -> assertThat(en.typeId()).isIn("a", "b")));
    assertThat(target.attempts).allSatisfy(a -> assertThat(a.size()).isBetween(1, batch));
    assertThat(host.state.syncPosition("s").checkpoint()).isEqualTo(host.events.lastIndex());
  }

  @Property(tries = 200)
  void withTransientFailuresAndRestartsEveryFollowedEntryArrivesAtLeastOnceInOrder(
      @ForAll("chunks") List<List<List<String>>> chunks,
      @ForAll @IntRange(min = 1, max = 20) int batch,
      @ForAll @IntRange(min = 1, max = 30) int every,
      @ForAll @Size(max = 30) Set<@IntRange(min = 1, max = 60) Integer> failingCalls,
      @ForAll @Size(max = 4) List<@IntRange(min = 1, max = 40) Integer> restartAfterSteps) {
    FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    TestHost host = host(clock);
    ScriptedSyncable.Target target = new ScriptedSyncable.Target();
    List<List<Long>> deliveredPerWorker = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    int[] key = {0};
    for (List<String> p : chunks.stream().flatMap(List::stream).toList()) {
      expected.addAll(append(host, List.of(p), key));
    }
    List<Integer> restarts = new ArrayList<>(restartAfterSteps);
    int duplicatesAllowed = 0;
    while (true) { // one iteration per worker, as if leadership moved between them
      ManualScheduler scheduler = new ManualScheduler(clock);
      List<Long> delivered = new ArrayList<>();
      deliveredPerWorker.add(delivered);
      SyncWorker worker = new SyncWorker("s", () -> new ScriptedSyncable(target, (call, b) -> {
        if (failingCalls.contains(call)) {
          return ScriptedSyncable.Outcome.TRANSIENT;
        }
        b.forEach(e -> delivered.add(e.index()));
        return null;
      }), new TypeFilter(Set.of("a", "b")), settings(batch, every), host, scheduler);
      worker.start();
      if (restarts.isEmpty()) {
        scheduler.runUntilIdle(1_000_000);
        break;
      }
      scheduler.runUntilIdle(restarts.remove(0));
      worker.stop();
      duplicatesAllowed += every + batch;
    }

    List<Long> all = deliveredPerWorker.stream().flatMap(List::stream).toList();
    assertThat(new ArrayList<>(new LinkedHashSet<>(all))).as("first deliveries, in order")
        .containsExactlyElementsOf(expected);
    for (List<Long> perWorker : deliveredPerWorker) {
      assertThat(perWorker).as("one worker's deliveries").isSorted().doesNotHaveDuplicates();
    }
    assertThat(all.size() - expected.size()).as("re-deliveries").isLessThanOrEqualTo(duplicatesAllowed);
  }
}
