package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.NotFoundException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named consumers on the in-memory engine: resume after the acknowledged index, at-least-once. */
class ConsumersTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.inMemory();
    log.types().define("order", "[type]\nname = \"order\"\n");
    log.types().define("invoice", "[type]\nname = \"invoice\"\n");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private long write(String type, String key) {
    return log.proposeAndWait(Proposal.of(Entity.upsert(type, key, "{}")));
  }

  private static List<String> keys(List<LogEntry> entries) {
    return entries.stream().flatMap(e -> e.entities().stream()).map(Entity::keyAsString).toList();
  }

  @Test
  void aConsumerKilledBeforeAckingSeesTheEntriesAgainAndAfterAckingNever() throws Exception {
    for (int i = 1; i <= 5; i++) {
      write("order", "o" + i);
    }
    ConsumerReader first = log.consumers().open("billing", Set.of("order"));
    List<LogEntry> got = first.poll(3, Duration.ZERO);
    assertThat(keys(got)).containsExactly("o1", "o2", "o3");
    first.close(); // "killed" after processing, before acking

    ConsumerReader second = log.consumers().open("billing", Set.of("order"));
    assertThat(keys(second.poll(3, Duration.ZERO))).containsExactly("o1", "o2", "o3");
    second.ack(3);
    assertThat(second.acknowledged()).isEqualTo(3);
    second.close();

    ConsumerReader third = log.consumers().open("billing", Set.of("order"));
    assertThat(keys(third.poll(10, Duration.ZERO))).containsExactly("o4", "o5");
    third.close();
  }

  @Test
  void acksOnlyMoveForwardAndAnIndexNotDeliveredIsRefused() throws Exception {
    write("order", "o1");
    write("order", "o2");
    try (ConsumerReader r = log.consumers().open("c", Set.of())) {
      assertThatThrownBy(() -> r.ack(1)).isInstanceOf(ProposalRejectedException.class)
          .hasMessageContaining("last entry delivered to this reader is 0");
      r.poll(1, Duration.ZERO);
      r.ack(1);
      assertThatThrownBy(() -> r.ack(2)).isInstanceOf(ProposalRejectedException.class);
      r.poll(1, Duration.ZERO);
      r.ack(2);
      r.ack(1); // backwards: accepted, changes nothing
      assertThat(log.consumers().status("c").orElseThrow().acknowledged()).isEqualTo(2);
    }
  }

  @Test
  void onlyTheConsumersTypesAreDeliveredAndOtherEntriesAreSkipped() throws Exception {
    write("invoice", "i1");
    write("order", "o1");
    log.proposeAndWait(Proposal.of(Entity.upsert("invoice", "i2", "{}"), Entity.upsert("order", "o2", "{}")));
    write("invoice", "i3");
    try (ConsumerReader r = log.consumers().open("orders", Set.of("order"))) {
      List<LogEntry> got = r.poll(10, Duration.ZERO);
      assertThat(got).extracting(LogEntry::index).containsExactly(2L, 3L);
      assertThat(keys(got)).containsExactly("o1", "o2");
      assertThat(r.poll(10, Duration.ZERO)).isEmpty(); // entry 4 is an invoice only
    }
  }

  @Test
  void startLatestAndAtIndexAndStatusShowsTheLag() throws Exception {
    write("order", "o1");
    write("order", "o2");
    write("order", "o3");
    try (ConsumerReader latest = log.consumers().open("latest", Set.of(), ConsumerStart.latest());
        ConsumerReader at = log.consumers().open("at", Set.of(), ConsumerStart.at(2))) {
      assertThat(latest.poll(10, Duration.ZERO)).isEmpty();
      assertThat(keys(at.poll(10, Duration.ZERO))).containsExactly("o2", "o3");
      ConsumerStatus s = log.consumers().status("at").orElseThrow();
      assertThat(s.acknowledged()).isEqualTo(1);
      assertThat(s.lag()).isEqualTo(2);
      assertThat(s.readerOpen()).isTrue();
      assertThat(log.consumers().status("latest").orElseThrow().lag()).isZero();
    }
    assertThat(log.consumers().status("at").orElseThrow().readerOpen()).isFalse();
    assertThat(log.consumers().names()).containsExactly("at", "latest");
  }

  @Test
  void aSecondReaderOfANameIsRefusedUntilTheFirstCloses() {
    ConsumerReader first = log.consumers().open("c", Set.of());
    assertThatThrownBy(() -> log.consumers().open("c", Set.of())).isInstanceOf(ProposalRejectedException.class)
        .hasMessageContaining("already open");
    first.close();
    log.consumers().open("c", Set.of()).close();
    assertThatThrownBy(() -> log.consumers().open("c", Set.of("order")))
        .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("delete it first");
    assertThatThrownBy(() -> log.consumers().open("bad name", Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitingPollWakesWhenAnEntryArrives() throws Exception {
    try (ConsumerReader r = log.consumers().open("c", Set.of("order"))) {
      CompletableFuture<List<LogEntry>> polled = CompletableFuture.supplyAsync(() -> r.poll(10, Duration.ofSeconds(30)));
      write("invoice", "skip me"); // another type: the poll keeps waiting
      write("order", "o1");
      long start = System.nanoTime();
      List<LogEntry> got = polled.get(10, TimeUnit.SECONDS);
      assertThat(keys(got)).containsExactly("o1");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void closingTheReaderEndsAWaitingPollAndDeleteForgetsThePosition() throws Exception {
    write("order", "o1");
    ConsumerReader r = log.consumers().open("c", Set.of());
    r.poll(1, Duration.ZERO);
    r.ack(1);
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> r.poll(10, Duration.ofSeconds(30)));
    log.consumers().delete("c");
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LogClosedException.class);
    assertThat(log.consumers().status("c")).isEmpty();
    assertThatThrownBy(() -> log.consumers().delete("c")).isInstanceOf(NotFoundException.class);
    try (ConsumerReader again = log.consumers().open("c", Set.of())) {
      assertThat(keys(again.poll(10, Duration.ZERO))).containsExactly("o1"); // a new consumer, from the start
    }
  }
}
