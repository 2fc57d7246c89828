package io.committed;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class InMemoryLogProperties {
  private static CommittedLog shared;

  @BeforeContainer
  static void types() {
    shared = Committed.inMemory();
    shared.types().define("t1", "[type]\nname = \"t1\"");
    shared.types().define("t2", "[type]\nname = \"t2\"");
  }

  @AfterContainer
  static void close() {
    shared.close();
  }

  @Provide
  Arbitrary<Proposal> proposals() {
    Arbitrary<Entity> entity = Combinators.combine(
        Arbitraries.of("t1", "t2"),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.integers().between(0, 9))
        .as((type, key, data, d) -> d == 0 ? Entity.delete(type, key) : Entity.upsert(type, key, data));
    return entity.list().ofMinSize(1).ofMaxSize(4).map(Proposal::new);
  }

  @Property(tries = 60)
  void concurrentProposersGetUniqueGaplessIndexesAndReadReturnsTheExactBytes(
      @ForAll @IntRange(min = 1, max = 4) int threads,
      @ForAll("proposalLists") List<List<Proposal>> perThread) throws Exception {
    long base = shared.lastIndex();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<Long, Proposal> byIndex = new HashMap<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try {
      for (int t = 0; t < Math.min(threads, perThread.size()); t++) {
        List<Proposal> mine = perThread.get(t);
        all.add(CompletableFuture.runAsync(() -> {
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          for (Proposal p : mine) {
            futures.add(shared.propose(p));
          }
          for (int i = 0; i < mine.size(); i++) {
            long index = futures.get(i).join();
            synchronized (byIndex) {
              assertThat(byIndex.put(index, mine.get(i))).as("index %d given twice", index).isNull();
            }
          }
        }, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    int n = byIndex.size();
    assertThat(byIndex.keySet()).as("indexes form base+1..base+N")
        .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(base + 1, base + n).boxed().toList());
    List<LogEntry> read = n == 0 ? List.of() : shared.read(base + 1, n);
    assertThat(read).hasSize(n);
    for (int i = 0; i < n; i++) {
      LogEntry e = read.get(i);
      assertThat(e.index()).isEqualTo(base + 1 + i);
      assertThat(e.proposal()).isEqualTo(byIndex.get(e.index()));
    }
  }

  @Provide
  Arbitrary<List<List<Proposal>>> proposalLists() {
    return proposals().list().ofMaxSize(30).list().ofMinSize(1).ofMaxSize(4);
  }
}
