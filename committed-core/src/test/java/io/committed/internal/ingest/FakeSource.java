package io.committed.internal.ingest;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A source of numbered transactions that, like a replication slot, redelivers everything after
 * the position it last acknowledged, and an ingestable over it that crashes at random points.
 */
class FakeSource implements IngestableFactory {
  final int transactions;
  final Random random;
  final double crashChance;
  volatile long acknowledged;
  volatile int runs;
  volatile int crashes;

  FakeSource(int transactions, long seed, double crashChance) {
    this.transactions = transactions;
    this.random = new Random(seed);
    this.crashChance = crashChance;
  }

  /** Transaction {@code seq}: 1 to 3 small rows, or for every 7th, 40 rows of about 300 bytes. */
  static Proposal rows(long seq) {
    List<Entity> rows = new ArrayList<>();
    int n = seq % 7 == 0 ? 40 : (int) (seq % 3) + 1;
    String pad = seq % 7 == 0 ? ",\"pad\":\"" + "x".repeat(300) + "\"" : "";
    for (int r = 0; r < n; r++) {
      rows.add(Entity.upsert("tx", seq + "-" + r, "{\"tx\":" + seq + ",\"row\":" + r + pad + "}"));
    }
    return new Proposal(rows);
  }

  @Override
  public String kind() {
    return "fake";
  }

  @Override
  public Ingestable create(IngestContext context) {
    return this::run;
  }

  private synchronized boolean crashNow() {
    return random.nextDouble() < crashChance;
  }

  private synchronized boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private void run(IngestContext ctx) throws Exception {
    runs++;
    List<CompletableFuture<Long>> inFlight = new ArrayList<>();
    for (long seq = acknowledged + 1; seq <= transactions && !ctx.stopRequested(); seq++) {
      inFlight.add(ctx.propose(rows(seq), SourcePosition.of(seq, "lsn/" + seq)));
      if (crashNow()) {
        crashes++;
        throw new IllegalStateException("source connection lost (fake) at " + seq);
      }
      if (chance(0.3)) { // wait for what is in flight, then acknowledge the source
        for (CompletableFuture<Long> f : inFlight) {
          f.join();
        }
        inFlight.clear();
        if (chance(0.7)) {
          acknowledged = seq;
        }
      }
    }
    for (CompletableFuture<Long> f : inFlight) {
      f.join();
    }
    if (!ctx.stopRequested()) {
      acknowledged = transactions;
    }
    if (!ctx.stopRequested()) {
      new java.util.concurrent.CountDownLatch(1).await(); // caught up: blocks, as on a stream, until interrupted
    }
  }
}
