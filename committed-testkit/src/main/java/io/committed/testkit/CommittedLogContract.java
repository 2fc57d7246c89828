package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.CommittedLog;
import io.committed.ConfigVersion;
import io.committed.LogReader;
import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every log engine must do, as seen through {@link CommittedLog}. Extend it once per engine
 * and implement {@link #open}:
 *
 * <pre>{@code
 * class InMemoryContractTest extends CommittedLogContract {
 *   protected CommittedLog open(Path dir) {
 *     return Committed.builder().inMemory().maxProposalBytes(MAX_PROPOSAL_BYTES).start();
 *   }
 *   protected boolean durable() { return false; }
 * }
 * }</pre>
 */
public abstract class CommittedLogContract {
  /** The maximum proposal size {@link #open} must configure. */
  public static final int MAX_PROPOSAL_BYTES = 64 * 1024;

  /** The type every test writes; defined by the contract in each fresh log. */
  protected static final String TYPE = "contract";

  @TempDir
  protected Path dir;

  protected CommittedLog log;

  /**
   * Starts a log keeping its files under {@code dir} (the same directory again on reopen), with
   * {@code maxProposalBytes(MAX_PROPOSAL_BYTES)}. Called at the start of each test and on reopen.
   */
  protected abstract CommittedLog open(Path dir) throws Exception;

  /** True when entries and configs survive {@code close()} and {@link #open} on the same directory. */
  protected abstract boolean durable();

  @BeforeEach
  void openLog() throws Exception {
    log = open(dir);
    if (log.types().get(TYPE).isEmpty()) {
      log.types().define(TYPE, "[type]\nname = \"" + TYPE + "\"\n");
    }
  }

  @AfterEach
  void closeLog() {
    if (log != null) {
      log.close();
    }
  }

  protected static Proposal proposal(String key, String data) {
    return Proposal.of(Entity.upsert(TYPE, key, data));
  }

  @Test
  void proposalsGetConsecutiveIndexesFromOne() {
    long first = log.lastIndex() + 1;
    for (int i = 0; i < 20; i++) {
      assertThat(log.proposeAndWait(proposal("k" + i, "{\"i\":" + i + "}"))).isEqualTo(first + i);
    }
    assertThat(log.lastIndex()).isEqualTo(first + 19);
  }

  @Test
  void concurrentProposersGetUniqueGaplessIndexesAndReadsReturnTheirBytes() throws Exception {
    long base = log.lastIndex();
    int threads = 4;
    int each = 100;
    Map<Long, Proposal> byIndex = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(CompletableFuture.runAsync(() -> {
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          List<Proposal> proposals = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            Proposal p = Proposal.of(Entity.upsert(TYPE, ("t" + thread + "-" + i).getBytes(),
                new byte[] {(byte) thread, (byte) i, 0, -1}));
            proposals.add(p);
            futures.add(log.propose(p));
          }
          for (int i = 0; i < each; i++) {
            Proposal previous = byIndex.put(futures.get(i).join(), proposals.get(i));
            assertThat(previous).as("an index was given twice").isNull();
          }
        }, pool));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(byIndex.keySet()).containsExactlyInAnyOrderElementsOf(
        LongStream.rangeClosed(base + 1, base + threads * each).boxed().toList());
    List<LogEntry> read = log.read(base + 1, threads * each);
    assertThat(read).hasSize(threads * each);
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i).index()).isEqualTo(base + 1 + i);
      assertThat(read.get(i).proposal()).isEqualTo(byIndex.get(read.get(i).index()));
    }
  }

  @Test
  void readsAreBoundedAndEmptyPastTheEnd() {
    long base = log.lastIndex();
    for (int i = 0; i < 5; i++) {
      log.proposeAndWait(proposal("k" + i, "{}"));
    }
    assertThat(log.read(base + 2, 2)).extracting(LogEntry::index).containsExactly(base + 2, base + 3);
    assertThat(log.read(base + 6, 10)).isEmpty();
    assertThatThrownBy(() -> log.read(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.read(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entriesKeepTheirTimestampAndTypeVersion() {
    long index = log.proposeAndWait(proposal("k", "{}"));
    LogEntry e = log.read(index, 1).get(0);
    assertThat(e.timestamp()).isBefore(java.time.Instant.now().plusSeconds(1));
    assertThat(e.typeVersion(TYPE)).isEqualTo(log.types().versions(TYPE).get(0).version());
  }

  @Test
  void aReaderWaitsForNewEntries() throws Exception {
    long next = log.lastIndex() + 1;
    try (LogReader reader = log.reader(next)) {
      assertThat(reader.poll(10, Duration.ZERO)).isEmpty();
      CompletableFuture<List<LogEntry>> polled = CompletableFuture.supplyAsync(() -> reader.poll(10,
          Duration.ofSeconds(30)));
      long index = log.proposeAndWait(proposal("k", "{}"));
      assertThat(polled.get(30, TimeUnit.SECONDS)).extracting(LogEntry::index).containsExactly(index);
    }
  }

  @Test
  void badInputIsRejectedAndNothingIsWritten() {
    long before = log.lastIndex();
    assertRejected(log.propose(null), Reason.EMPTY_PROPOSAL);
    assertRejected(log.propose(Proposal.of(Entity.upsert("undefined-type", "k", "{}"))), Reason.TYPE_NOT_FOUND);
    assertRejected(log.propose(Proposal.of(Entity.upsert("_reserved", "k", "{}"))), Reason.TYPE_RESERVED);
    assertRejected(log.propose(Proposal.of(Entity.upsert(TYPE, "k".getBytes(), new byte[MAX_PROPOSAL_BYTES]))),
        Reason.TOO_LARGE);
    assertThatThrownBy(() -> Proposal.of()).isInstanceOf(ProposalRejectedException.class);
    assertThatThrownBy(() -> Entity.upsert(null, "k", "{}")).isInstanceOf(ProposalRejectedException.class);
    assertThat(log.lastIndex()).isEqualTo(before);
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClearly() {
    log.close();
    log.close();
    assertThatThrownBy(() -> log.proposeAndWait(proposal("k", "{}"))).isInstanceOf(LogClosedException.class);
    assertThatThrownBy(() -> log.read(1, 1)).isInstanceOf(LogClosedException.class);
    assertThatThrownBy(() -> log.types().define("x", "[type]\nname = \"x\"")).isInstanceOf(LogClosedException.class);
  }

  @Test
  void reopeningKeepsEntriesAndConfigsWhenDurable() throws Exception {
    long a = log.proposeAndWait(proposal("a", "{\"v\":1}"));
    ConfigVersion other = log.types().define("other", "[type]\nname = \"other\"");
    List<LogEntry> before = log.read(1, 100_000);
    log.close();
    log = open(dir);
    if (durable()) {
      assertThat(log.read(1, 100_000)).isEqualTo(before);
      assertThat(log.types().versions("other")).containsExactly(other);
      assertThat(log.proposeAndWait(proposal("b", "{}"))).isEqualTo(a + 1);
    } else {
      assertThat(log.lastIndex()).isZero();
      assertThat(log.types().list()).isEmpty();
    }
  }

  @Test
  void aScrubErasesTheKeysUpsertsAndSurvivesAReopenWhenDurable() throws Exception {
    long a = log.proposeAndWait(Proposal.of(Entity.upsert(TYPE, "gone", "{\"secret\":1}"),
        Entity.upsert(TYPE, "kept", "{\"v\":1}")));
    long b = log.proposeAndWait(proposal("gone", "{\"secret\":2}"));

    io.committed.Scrub scrub = log.scrub(TYPE, List.of("gone"), "contract");

    assertThat(scrub.index()).isEqualTo(b + 1);
    assertThat(log.read(a, 3)).extracting(LogEntry::entities).containsExactly(
        List.of(Entity.delete(TYPE, "gone"), Entity.upsert(TYPE, "kept", "{\"v\":1}")),
        List.of(Entity.delete(TYPE, "gone")),
        List.of(Entity.delete(TYPE, "gone")));
    assertThat(log.scrubs()).endsWith(scrub);
    long after = log.proposeAndWait(proposal("gone", "{\"new\":3}"));
    List<LogEntry> before = log.read(1, 100_000);
    log.close();
    log = open(dir);
    if (durable()) {
      assertThat(log.read(1, 100_000)).isEqualTo(before);
      assertThat(log.scrubs()).endsWith(scrub);
      assertThat(log.read(after, 1).get(0).entities()).containsExactly(Entity.upsert(TYPE, "gone", "{\"new\":3}"));
    }
  }

  private static void assertRejected(CompletableFuture<Long> f, Reason reason) {
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(ProposalRejectedException.class)
        .extracting(e -> ((ProposalRejectedException) e).reason()).isEqualTo(reason);
  }
}
