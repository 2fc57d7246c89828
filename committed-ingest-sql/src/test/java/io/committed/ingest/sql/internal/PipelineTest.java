package io.committed.ingest.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private final Pipeline pipeline = new Pipeline(10, 1 << 20, () -> false);

  @Test
  void anIdleWaitEndsWhenAProposalCompletesNotAfterItsTimeout() throws Exception {
    CompletableFuture<Long> f = new CompletableFuture<>();
    pipeline.add(100, 10, f);
    CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      pipeline.awaitProgress(TimeUnit.MINUTES.toNanos(5));
      return System.nanoTime() - start;
    });
    f.complete(1L);
    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(Duration.ofMinutes(1).toNanos());
    pipeline.drain();
    assertThat(pipeline.committedLsn()).isEqualTo(100);
  }

  @Test
  void aCompletionBeforeTheWaitIsNotMissed() {
    CompletableFuture<Long> f = new CompletableFuture<>();
    pipeline.add(7, 10, f);
    f.complete(1L);
    long start = System.nanoTime();
    pipeline.awaitProgress(TimeUnit.MINUTES.toNanos(5)); // returns at once: would hang the test otherwise
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MINUTES.toNanos(1));
  }

  @Test
  void anInterruptedWaitIsAStop() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> pipeline.awaitProgress(TimeUnit.MINUTES.toNanos(5))).isInstanceOf(Pipeline.Stopped.class);
    assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
  }

  @Test
  void anUndefinedTypeParksOtherRefusalsRestart() {
    pipeline.add(1, 10, CompletableFuture.failedFuture(new io.committed.api.ProposalRejectedException(
        io.committed.api.ProposalRejectedException.Reason.TYPE_NOT_FOUND, "type 'invoices' is not defined")));
    assertThatThrownBy(pipeline::drain).isInstanceOf(SourceException.class).hasMessageContaining("'invoices'");
    pipeline.add(2, 10, CompletableFuture.failedFuture(new io.committed.api.ProposalRejectedException(
        io.committed.api.ProposalRejectedException.Reason.TOO_LARGE, "too large")));
    assertThatThrownBy(pipeline::drain).isInstanceOf(Pipeline.ProposalFailedException.class);
  }

  @Test
  void aSynchronousRefusalForAnUndefinedTypeParks() {
    assertThat(Pipeline.parkIfUndefinedType(new io.committed.api.ProposalRejectedException(
        io.committed.api.ProposalRejectedException.Reason.TYPE_NOT_FOUND, "type 'x' is not defined")))
        .isInstanceOf(SourceException.class).hasMessageContaining("'x'");
    assertThat(Pipeline.parkIfUndefinedType(new io.committed.api.ProposalRejectedException(
        io.committed.api.ProposalRejectedException.Reason.TOO_LARGE, "big")))
        .isInstanceOf(io.committed.api.ProposalRejectedException.class);
  }
}
