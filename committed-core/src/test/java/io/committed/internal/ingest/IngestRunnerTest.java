package io.committed.internal.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.internal.sync.Backoff;
import io.committed.internal.sync.FakeClock;
import io.committed.internal.sync.ManualScheduler;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PermanentIngestException;
import io.committed.spi.SourcePosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The supervisor's restarts, on a fake clock: every delay is the backoff's, and nothing waits for real. */
class IngestRunnerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final FakeClock clock = new FakeClock(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final IngestSettings settings = new IngestSettings(
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), 6, Duration.ofSeconds(1));
  /** When each run started, in milliseconds since T0. */
  private final List<Long> runsAt = new ArrayList<>();

  /** A factory whose n-th run (from 1) does what {@code script} says. */
  private interface Script {
    void run(int n, IngestContext ctx) throws Exception;
  }

  private IngestRunner runner(Script script) {
    IngestableFactory factory = new IngestableFactory() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public Ingestable create(IngestContext context) {
        runsAt.add(Duration.between(T0, clock.instant()).toMillis());
        int n = runsAt.size();
        return ctx -> script.run(n, ctx);
      }
    };
    TestIngestHost host = new TestIngestHost(clock, factory);
    host.define(ConfigKind.TYPE, "tx", "[type]\nname = \"tx\"");
    host.define(ConfigKind.INGESTABLE, "src", "[ingestable]\ntype = \"fake\"\n[fake]\n");
    this.host = host;
    ConfigDocument doc = host.state().currentConfig(ConfigKind.INGESTABLE, "src").orElseThrow();
    return new IngestRunner(doc, host, settings, scheduler);
  }

  private TestIngestHost host;

  private static void propose(IngestContext ctx, long seq) {
    ctx.propose(Proposal.of(Entity.upsert("tx", "k" + seq, "{}")), SourcePosition.of(seq, "at/" + seq)).join();
  }

  @Test
  void failuresRestartAfterTheBackoffAndParkAfterTheLimit() {
    IngestRunner r = runner((n, ctx) -> {
      throw new IllegalStateException("source down (run " + n + ")");
    });
    r.start();
    scheduler.runUntilIdle(100);

    // 100 ms doubling, capped at 1 s: 100, 200, 400, 800, 1000 between the six runs
    assertThat(runsAt).containsExactly(0L, 100L, 300L, 700L, 1500L, 2500L);
    assertThat(scheduler.idle()).isTrue();
    assertThat(r.alive()).isFalse();
    var pos = host.state().ingestPosition("src");
    assertThat(pos.parked()).isTrue();
    assertThat(pos.parkedReason()).isEqualTo("6 consecutive failures, the last: source down (run 6)");
    var status = r.status(pos);
    assertThat(status.workerState()).isEqualTo(io.committed.IngestableStatus.WorkerState.PARKED);
    assertThat(status.consecutiveFailures()).isEqualTo(6);
    assertThat(status.failingSince()).hasValue(T0);
  }

  @Test
  void aCommittedProposalResetsTheBackoff() {
    IngestRunner r = runner((n, ctx) -> {
      if (n == 3) {
        propose(ctx, 1);
      }
      if (n < 5) {
        throw new IllegalStateException("lost the connection");
      }
      propose(ctx, 2);
      throw new IllegalStateException("done for this test");
    });
    r.start();
    scheduler.runUntilIdle(5);

    // runs 1-2 fail (100, 200); run 3 commits, then fails: the next delay is the first one again
    assertThat(runsAt).containsExactly(0L, 100L, 300L, 400L, 600L);
    assertThat(host.state().ingestPosition("src").highWaterMark()).isEqualTo(2);
    assertThat(host.lastIndex()).isEqualTo(2);
  }

  @Test
  void aLogOutOfDiskSpaceIsWaitedForAndNeverParksTheIngestable() {
    IngestRunner r = runner((n, ctx) -> {
      if (n <= 10) {
        throw new io.committed.api.InsufficientStorageException("the disk of /data has 1% free (run " + n + ")");
      }
      propose(ctx, 1);
      throw new IllegalStateException("done for this test");
    });
    r.start();
    scheduler.runUntilIdle(11);

    assertThat(runsAt).as("more runs than the parking limit of 6, with the backoff")
        .containsExactly(0L, 100L, 300L, 700L, 1500L, 2500L, 3500L, 4500L, 5500L, 6500L, 7500L);
    assertThat(host.state().ingestPosition("src").parked()).isFalse();
    assertThat(host.lastIndex()).as("the rows went in once there was room").isEqualTo(1);
  }

  @Test
  void aPermanentFailureParksAtOnce() {
    IngestRunner r = runner((n, ctx) -> {
      throw new PermanentIngestException("the source lost the changes we need");
    });
    r.start();
    scheduler.runUntilIdle(100);

    assertThat(runsAt).containsExactly(0L);
    assertThat(r.alive()).isFalse();
    assertThat(host.state().ingestPosition("src").parkedReason()).isEqualTo("the source lost the changes we need");
  }

  @Test
  void aRunThatReturnsUnaskedIsStartedAgainAfterTheFirstDelay() {
    IngestRunner r = runner((n, ctx) -> propose(ctx, n));
    r.start();
    scheduler.runUntilIdle(3);

    assertThat(runsAt).containsExactly(0L, 100L, 200L);
    assertThat(r.alive()).isTrue();
    assertThat(r.status(host.state().ingestPosition("src")).consecutiveFailures()).isZero();
  }

  @Test
  void aStopDuringTheBackoffStartsNoOtherRun() {
    IngestRunner r = runner((n, ctx) -> {
      throw new IllegalStateException("source down");
    });
    r.start();
    scheduler.runUntilIdle(2);
    assertThat(scheduler.idle()).isFalse(); // the third run waits for its delay

    r.stop();
    scheduler.runUntilIdle(100);

    assertThat(runsAt).containsExactly(0L, 100L);
    assertThat(r.alive()).isFalse();
    assertThat(r.status(host.state().ingestPosition("src")).workerState()).isEqualTo(io.committed.IngestableStatus.WorkerState.STOPPED);
  }

  @Test
  void aProposalAfterAFailedOneOfTheSameRunFailsAndTheNextRunContinuesTheSerials() {
    IngestRunner r = runner((n, ctx) -> {
      if (n == 1) {
        propose(ctx, 1);
        var refused = ctx.propose(Proposal.of(Entity.upsert("nope", "k", "{}")), SourcePosition.of(2, "x"));
        assertThat(refused).isCompletedExceptionally();
        assertThat(ctx.propose(Proposal.of(Entity.upsert("tx", "k", "{}")), SourcePosition.of(3, "y")))
            .isCompletedExceptionally();
        throw new IllegalStateException("gives up after the refusal");
      }
      propose(ctx, 2);
      throw new IllegalStateException("stop here");
    });
    r.start();
    scheduler.runUntilIdle(2);

    assertThat(host.state().ingestPosition("src").highWaterMark()).isEqualTo(2);
    // the refusal, not what run() threw after it, is what the status reports for run 1
    assertThat(runsAt).containsExactly(0L, 100L);
  }
}
