package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.spi.SyncableFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The two runs the broker benchmarks share, on an in-memory log with type {@code item} and 1000
 * keys: a backlog the syncable drains, and a live stream with commit-to-ack latency.
 */
final class SyncRuns {
  /** Entities proposed and not yet acknowledged at most while live: the pipeline's latency, not a growing backlog's. */
  static final int LIVE_WINDOW = 1000;
  private static final String TIMED_KIND = "timedbench";

  /** Checks the target holds {@code n} entities once a run is over. */
  interface Check {
    void run(long n) throws Exception;
  }

  private SyncRuns() {}

  /**
   * Entities per second the syncable of {@code doc} drains from a backlog of {@code n} entries
   * already in the log.
   */
  static double backlog(int n, String data, int batch, String doc, Check check) throws Exception {
    try (CommittedLog log = Committed.builder().inMemory().syncBatchSize(batch).start()) {
      log.types().define("item", "[type]\nname = \"item\"");
      List<CompletableFuture<Long>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(log.propose(Proposal.of(Entity.upsert("item", "k" + (i % 1000), data))));
        if (pending.size() == 1000) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      long head = log.lastIndex();
      long start = System.nanoTime();
      log.syncables().define("bench", doc);
      if (!log.sync().awaitSynced("bench", head, Duration.ofMinutes(30))) {
        throw new IllegalStateException("not synced: " + log.sync().status("bench"));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      check.run(n);
      return n / seconds;
    }
  }

  /**
   * Runs {@code n} entities live through the syncables of {@code factory} (under a kind of its own,
   * given to {@code doc}) and prints entities/s with commit-to-ack p50 and p99 under {@code label}.
   */
  static void live(int n, String data, int batch, SyncableFactory factory, java.util.function.Function<String,
      String> doc, Check check, String label) throws Exception {
    // by log index: the log's own entries (checkpoints) sit between the entities' entries
    Map<Long, Long> committed = new ConcurrentHashMap<>();
    Map<Long, Long> acked = new ConcurrentHashMap<>();
    Semaphore window = new Semaphore(LIVE_WINDOW);
    TimedSyncableFactory timed = new TimedSyncableFactory(TIMED_KIND, factory, acked, committed, window);
    try (CommittedLog log = Committed.builder().inMemory().syncBatchSize(batch).syncableFactory(timed).start()) {
      log.types().define("item", "[type]\nname = \"item\"");
      log.syncables().define("bench", doc.apply(TIMED_KIND));
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.acquire();
        log.propose(Proposal.of(Entity.upsert("item", "k" + (i % 1000), data))).whenComplete((index, err) -> {
          if (index != null) {
            committed.put(index, System.nanoTime());
          } else {
            window.release();
          }
        });
      }
      // every entity acknowledged: the writer's whole window is free again
      if (!window.tryAcquire(LIVE_WINDOW, 30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("not synced: " + log.sync().status("bench"));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      check.run(n);
      long[] latencies = new long[n];
      int k = 0;
      for (Map.Entry<Long, Long> c : committed.entrySet()) {
        latencies[k++] = acked.get(c.getKey()) - c.getValue();
      }
      Arrays.sort(latencies);
      System.out.printf(Locale.ROOT, "%-46s %10.0f entities/s, commit-to-ack p50 %.2f ms, p99 %.2f ms%n",
          label + " (" + LIVE_WINDOW + " unacknowledged at most)", n / seconds, latencies[n / 2] / 1e6,
          latencies[(int) (n * 0.99)] / 1e6);
    }
  }
}
