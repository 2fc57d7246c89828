package io.committed;

import io.committed.api.MembershipException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.OperationInterruptedException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryLogTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.inMemory();
    log.types().define("simple", "[type]\nname = \"simple\"\n");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  @Test
  void proposeThenReadReturnsTheExactEntities() {
    Entity a = Entity.upsert("simple", "k1", "{\"v\":1}");
    Entity b = Entity.delete("simple", "k0");
    long index = log.proposeAndWait(Proposal.of(a, b));

    assertThat(index).isEqualTo(1);
    List<LogEntry> read = log.read(1, 10);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).index()).isEqualTo(1);
    assertThat(read.get(0).entities()).containsExactly(a, b);
    assertThat(read.get(0).typeVersion("simple")).isEqualTo(1);
    assertThat(log.lastIndex()).isEqualTo(1);
  }

  @Test
  void undefinedAndReservedTypesAreRejectedAndNothingIsWritten() {
    assertRejected(log.propose(Proposal.of(Entity.upsert("nope", "k", "{}"))), Reason.TYPE_NOT_FOUND);
    assertRejected(log.propose(Proposal.of(Entity.upsert("_internal", "k", "{}"))), Reason.TYPE_RESERVED);
    assertRejected(log.propose(null), Reason.EMPTY_PROPOSAL);
    assertThat(log.lastIndex()).isZero();
  }

  @Test
  void membershipChangesAreRefusedClearlyAndMembersListThisNode() {
    assertThat(log.cluster().members().voters()).containsOnlyKeys(1);
    assertThat(log.cluster().members().learners()).isEmpty();
    assertThatThrownBy(() -> log.cluster().addLearner(2, "127.0.0.1:9022"))
        .isInstanceOfSatisfying(MembershipException.class,
            e -> assertThat(e.code()).isEqualTo(MembershipException.Code.NOT_SUPPORTED))
        .hasMessageContaining("committed-raft");
    assertThatThrownBy(() -> log.cluster().remove(1)).isInstanceOf(MembershipException.class);
    assertThatThrownBy(() -> log.cluster().addLearner(2, "no-port"))
        .isInstanceOfSatisfying(MembershipException.class,
            e -> assertThat(e.code()).isEqualTo(MembershipException.Code.INVALID));
  }

  @Test
  void oversizeProposalIsRejected() {
    try (CommittedLog small = Committed.builder().inMemory().maxProposalBytes(2048).start()) {
      small.types().define("simple", "[type]\nname = \"simple\"\n");
      Entity big = Entity.upsert("simple", "k".getBytes(), new byte[4096]);
      assertRejected(small.propose(Proposal.of(big)), Reason.TOO_LARGE);
      assertThat(small.lastIndex()).isZero();
      assertThat(small.proposeAndWait(Proposal.of(Entity.upsert("simple", "k".getBytes(), new byte[1000]))))
          .isEqualTo(1);
    }
  }

  @Test
  void readerWakesOnNewEntries() throws Exception {
    try (LogReader reader = log.reader(1)) {
      assertThat(reader.poll(10, Duration.ZERO)).isEmpty();
      CompletableFuture<List<LogEntry>> polled = CompletableFuture.supplyAsync(() -> reader.poll(10,
          Duration.ofSeconds(30)));
      log.proposeAndWait(Proposal.of(Entity.upsert("simple", "k", "{}")));
      assertThat(polled.get()).extracting(LogEntry::index).containsExactly(1L);
      assertThat(reader.position()).isEqualTo(2);
    }
  }

  @Test
  void theSingleNodeLeadsWhileRunningAndIsStoppedOnceClosed() {
    LogStatus running = log.status();
    assertThat(running.role()).isEqualTo(NodeRole.LEADER);
    assertThat(running.leaderId()).hasValue(1);
    log.close();
    LogStatus closed = log.status();
    assertThat(closed.role()).isEqualTo(NodeRole.STOPPED);
    assertThat(closed.leaderId()).isEmpty();
    assertThat(closed.leaderAddress()).isEmpty();
  }

  @Test
  void anInterruptedPollThrowsUncheckedAndKeepsTheInterrupt() {
    try (LogReader reader = log.reader(1)) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> reader.poll(10, Duration.ofSeconds(30)))
            .isInstanceOf(OperationInterruptedException.class)
            .satisfies(e -> assertThat(((OperationInterruptedException) e).outcomeUnknown()).isFalse());
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt status is set again").isTrue();
      } finally {
        Thread.interrupted();
      }
    }
  }

  @Test
  void closeIsIdempotentAndFailsLaterCalls() {
    log.close();
    log.close();
    assertThatThrownBy(() -> log.proposeAndWait(Proposal.of(Entity.upsert("simple", "k", "{}"))))
        .isInstanceOf(LogClosedException.class);
    assertThatThrownBy(() -> log.read(1, 1)).isInstanceOf(LogClosedException.class);
  }

  static void assertRejected(CompletableFuture<Long> f, Reason reason) {
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(ProposalRejectedException.class)
        .extracting(e -> ((ProposalRejectedException) e).reason()).isEqualTo(reason);
  }
}
