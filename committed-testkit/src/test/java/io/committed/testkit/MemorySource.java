package io.committed.testkit;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SourcePosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A source of numbered transactions held in memory, and an ingestable over it that streams them
 * from the committed position, as a replication stream would: what the testkit's own tests run
 * {@link IngestableContract} against. {@link Flaw} breaks it on purpose, to show the contract
 * catches it.
 */
final class MemorySource implements IngestableFactory {
  /** A deliberate mistake of the ingestable. */
  enum Flaw {
    NONE,
    /** Ignores the committed position and proposes every transaction again, unordered. */
    FORGETS_POSITION,
    /** Goes on after a failed proposal instead of ending the run. */
    IGNORES_FAILURES
  }

  static final String TYPE = "memsrc";
  private final List<Integer> transactions = new ArrayList<>();
  private final Flaw flaw;

  MemorySource(Flaw flaw) {
    this.flaw = flaw;
  }

  /** Commits transactions {@code from} to {@code to}. */
  synchronized void write(int from, int to) {
    for (int n = from; n <= to; n++) {
      transactions.add(n);
    }
    notifyAll();
  }

  /** The transactions after the first {@code done}, waiting until there is one. */
  private synchronized List<Integer> after(int done) throws InterruptedException {
    while (transactions.size() <= done) {
      wait();
    }
    return new ArrayList<>(transactions.subList(done, transactions.size()));
  }

  @Override
  public String kind() {
    return "memsrc";
  }

  @Override
  public Ingestable create(IngestContext context) {
    return this::run;
  }

  private void run(IngestContext ctx) throws Exception {
    if (!ctx.config().bool("reachable", true)) {
      throw new IOException("memsrc: connection refused");
    }
    ctx.reportStatus(IngestStatus.streaming(0, "transactions"));
    int done = flaw == Flaw.FORGETS_POSITION ? 0 : ctx.position().map(p -> (int) p.sequence()).orElse(0);
    while (!ctx.stopRequested()) {
      List<CompletableFuture<Long>> inFlight = new ArrayList<>();
      for (int n : after(done)) {
        Proposal p = Proposal.of(Entity.upsert(TYPE, "tx-" + n, "{\"tx\":" + n + "}"));
        inFlight.add(ctx.propose(p, SourcePosition.of(flaw == Flaw.FORGETS_POSITION ? 0 : n, "tx/" + n)));
        done = n;
      }
      for (CompletableFuture<Long> f : inFlight) {
        if (flaw == Flaw.IGNORES_FAILURES) {
          f.exceptionally(e -> 0L).join();
        } else {
          f.join();
        }
      }
    }
  }
}
