package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PermanentIngestException;
import io.committed.spi.SourcePosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What every ingestable must do, against its real source. A JUnit 5 test interface: implement it
 * in a test class that sets up a fresh, empty source for each test (in a {@code @BeforeEach}) and
 * tears it down after:
 *
 * <pre>{@code
 * class MyIngestableContractIT implements IngestableContract {
 *   public IngestableFactory factory() { return new MyIngestableFactory(); }
 *   public String document(String id) { return "[ingestable]\ntype = \"my\"\n[my]\n..."; }
 *   public List<String> types() { return List.of("orders"); }
 *   public void writeTransactions(int from, int to) { ... one source transaction per number ... }
 *   public int transactionOf(LogEntry e) { ... the number the entry's transaction carries ... }
 *   public String unreachableDocument(String id) { ... the same source at a port nothing listens on ... }
 * }
 * }</pre>
 *
 * <p>The suites check, through {@link TestIngestLog}: every source transaction lands once, in
 * commit order; runs crashed at random points and restarted from the committed position drop
 * every redelivered transaction and the position only moves forward; a stop request is honoured
 * promptly; a proposal the log refuses ends the run with an error; an unreachable source is a
 * transient failure, not a permanent one.
 */
public interface IngestableContract {

  /** The factory under test. */
  IngestableFactory factory();

  /**
   * The ingestable's config document for this test's source. It must stream changes made after the
   * run is {@link #awaitReady ready}; an initial copy of the (empty) source tables is allowed.
   */
  String document(String ingestableId);

  /** The types the ingestable writes to; the suite defines them. */
  List<String> types();

  /** Commits source transactions {@code from} to {@code to} (inclusive), one per number, in order. */
  void writeTransactions(int from, int to) throws Exception;

  /** The number of the source transaction a log entry holds (as written by {@link #writeTransactions}). */
  int transactionOf(LogEntry entry);

  /** A config document for the same kind of source at an address where nothing answers. */
  String unreachableDocument(String ingestableId);

  /** Variables for {@code ${VAR}} references of the documents (default none). */
  default Map<String, String> environment() {
    return Map.of();
  }

  /** How long each step may take (default 60 s). */
  default Duration timeout() {
    return Duration.ofSeconds(60);
  }

  /**
   * Waits until a run follows its source, so that transactions written from now on are streamed.
   * The default waits until the ingestable reports the phase {@code streaming}.
   */
  default void awaitReady(TestIngestRun run) {
    Await.until("ingestable '" + run.ingestableId() + "' to report the phase streaming", timeout(),
        () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
  }

  /** A log holding this test's ingestable; the caller closes it. */
  default TestIngestLog startLog(String document, boolean defineTypes) {
    TestIngestLog.Builder b = TestIngestLog.builder(factory()).ingestableId("contract")
        .environment(environment()).document(document);
    if (defineTypes) {
      types().forEach(b::type);
    }
    return b.start();
  }

  /** The transaction numbers of the log's entries, in log order. */
  default List<Integer> transactionsIn(TestIngestLog t) {
    List<Integer> out = new ArrayList<>();
    long next = 1;
    for (List<LogEntry> page = t.log().read(next, 1000); !page.isEmpty(); page = t.log().read(next, 1000)) {
      for (LogEntry e : page) {
        out.add(transactionOf(e));
        next = e.index() + 1;
      }
    }
    return out;
  }

  /** Waits until the log holds {@code count} entries. */
  default void awaitEntries(TestIngestLog t, long count) {
    Await.until(count + " entries in the log", timeout(), () -> t.log().lastIndex() >= count);
  }

  /** 1 to {@code n}. */
  private static List<Integer> upTo(int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  default void everySourceTransactionLandsOnceInCommitOrder() throws Exception {
    try (TestIngestLog t = startLog(document("contract"), true)) {
      TestIngestRun run = t.newRun();
      run.runInBackground(factory());
      awaitReady(run);
      writeTransactions(1, 30);
      awaitEntries(t, 30);
      assertThat(run.stop(timeout())).as("run() returned after the stop request").isTrue();
      assertThat(transactionsIn(t)).isEqualTo(upTo(30));
      assertThat(t.position()).as("the committed position").isPresent();
    }
  }

  @Test
  default void runsCrashedAtRandomPointsRedeliverNothingTwiceAndThePositionOnlyMovesForward() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int rounds = 4;
    int perRound = 25;
    try (TestIngestLog t = startLog(document("contract"), true)) {
      long lastSequence = 0;
      long redelivered = 0;
      for (int round = 0; round < rounds; round++) {
        TestIngestRun run = t.newRun();
        run.runInBackground(factory());
        awaitReady(run);
        // a crash point among this round's transactions, picked before they are written
        long crashAt = t.log().lastIndex() + 1 + random.nextInt(perRound);
        writeTransactions(round * perRound + 1, (round + 1) * perRound);
        awaitEntries(t, crashAt);
        assertThat(run.crash(timeout())).as("run() returned after the crash (seed %d, round %d)", seed, round)
            .isTrue();
        redelivered += run.redelivered();
        long sequence = t.position().map(SourcePosition::sequence).orElse(0L);
        assertThat(sequence).as("the committed position's sequence (seed %d, round %d)", seed, round)
            .isGreaterThanOrEqualTo(lastSequence);
        lastSequence = sequence;
      }
      TestIngestRun last = t.newRun();
      last.runInBackground(factory());
      awaitEntries(t, (long) rounds * perRound);
      assertThat(last.stop(timeout())).isTrue();
      redelivered += last.redelivered();
      System.out.printf("IngestableContract: %d crashed runs, %d redelivered transactions dropped (seed %d)%n",
          rounds, redelivered, seed);
      assertThat(transactionsIn(t)).as("source transactions in log order (seed %d)", seed)
          .isEqualTo(upTo(rounds * perRound));
      assertThat(t.position().map(SourcePosition::sequence).orElse(0L)).isGreaterThanOrEqualTo(lastSequence);
    }
  }

  @Test
  default void aStopRequestIsHonouredPromptly() throws Exception {
    try (TestIngestLog t = startLog(document("contract"), true)) {
      TestIngestRun run = t.newRun();
      CompletableFuture<Void> done = run.runInBackground(factory());
      awaitReady(run);
      writeTransactions(1, 3);
      awaitEntries(t, 3);
      assertThat(run.stop(Duration.ofSeconds(10))).as("run() returned within 10 s of the stop request").isTrue();
      assertThat(done).isDone();
    }
  }

  @Test
  default void aProposalTheLogRefusesEndsTheRunWithAnError() throws Exception {
    try (TestIngestLog t = startLog(document("contract"), false)) {
      // types whose schema refuses every entity (an ingestable may define missing types itself, never these)
      types().forEach(type -> t.log().types().define(type, "[type]\nname = \"" + type + "\"\nschema = '{\"not\": {}}'"));
      TestIngestRun run = t.newRun();
      CompletableFuture<Void> done = run.runInBackground(factory());
      awaitReady(run);
      long before = t.position().map(SourcePosition::sequence).orElse(0L);
      writeTransactions(1, 2);
      Await.until("run() to end after its proposal was refused", timeout(), done::isDone);
      assertThat(done).isCompletedExceptionally();
      assertThat(t.log().lastIndex()).isZero();
      assertThat(t.position().map(SourcePosition::sequence).orElse(0L))
          .as("the position does not move past data that was not committed").isEqualTo(before);
    }
  }

  @Test
  default void anUnreachableSourceIsATransientFailure() throws Exception {
    try (TestIngestLog t = startLog(unreachableDocument("contract"), true)) {
      TestIngestRun run = t.newRun();
      CompletableFuture<Void> done = run.runInBackground(factory());
      Await.until("run() to fail on the unreachable source", timeout(), done::isDone);
      assertThat(done).isCompletedExceptionally();
      Throwable cause = done.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
      assertThat(cause).as("the failure").isNotInstanceOf(PermanentIngestException.class);
    }
  }
}
