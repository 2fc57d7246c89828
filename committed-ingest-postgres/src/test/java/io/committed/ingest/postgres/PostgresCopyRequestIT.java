package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.ingest.postgres.internal.ResumeState;
import io.committed.spi.IngestStatus;
import io.committed.spi.SnapshotRequest;
import io.committed.testkit.LogFixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A copy on request while streaming, against the real PostgreSQL: the log, drifted from the table
 * (keys the table never had, values older than the table's), ends equal to the table while a writer
 * changes rows throughout, no key's value goes back in log order, and a run killed mid-copy copies
 * the topic again from its first row.
 */
class PostgresCopyRequestIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int ROWS = 20_000;
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgcopy");
    pg.sql("create table snap (id int primary key, v int not null, note text)",
        "insert into snap select g, 0, 'row ' || g from generate_series(1, " + ROWS + ") g");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  /** The table as the entities the log should end with. */
  private Map<String, String> table() throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = pg.db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select id, v, note from snap")) {
      while (r.next()) {
        String note = r.getString(3);
        out.put(Integer.toString(r.getInt(1)), "{\"id\":" + r.getInt(1) + ",\"v\":" + r.getInt(2) + ",\"note\":"
            + (note == null ? "null" : "\"" + note + "\"") + "}");
      }
    }
    return out;
  }

  /**
   * Increments v of random keys (each key's v only grows), deletes some keys for good, inserts new
   * ones; in several sessions at once, so that the stream has transactions to catch up on.
   */
  private CompletableFuture<Integer> writers(long seed, AtomicBoolean stop) {
    List<CompletableFuture<Integer>> sessions = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      sessions.add(writer(seed + w, ROWS + 1 + w * 1_000_000, stop));
    }
    return CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new))
        .thenApply(v -> sessions.stream().mapToInt(CompletableFuture::join).sum());
  }

  private CompletableFuture<Integer> writer(long seed, int firstNew, AtomicBoolean stop) {
    return CompletableFuture.supplyAsync(() -> {
      Random random = new Random(seed);
      int n = 0;
      int next = firstNew;
      try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
        while (!stop.get()) {
          int op = random.nextInt(10);
          if (op < 7) {
            // most updates hit the first keys, which the copy reads first: a copied row written before the stream
            // passed the copy's snapshot would be followed by older changes of its key
            int id = 1 + random.nextInt(random.nextInt(4) == 0 ? ROWS : 120);
            s.execute("update snap set v = v + 1, note = 'w" + n + "' where id = " + id);
          } else if (op < 8) {
            s.execute("delete from snap where id = " + (121 + random.nextInt(ROWS - 120)));
          } else {
            s.execute("insert into snap values (" + next++ + ", 1, null)");
          }
          n++;
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return n;
    }, java.util.concurrent.Executors.newSingleThreadExecutor());
  }

  @Test
  void aRequestedCopyWhileRowsChangeReconcilesTheTopicAndARunKilledMidCopyStartsItAgain() throws Exception {
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "snap");
    log.ingestables().define("copy", pg.config("copy", "snap", "[\"snap\"]", "", "batch_size = 5\nsnapshot = \"never\""));
    PgHarness.awaitStreaming(log, "copy");
    pg.sql("update snap set v = 1"); // streamed: every row into the log
    Map<String, String> streamed = table();
    await("the log to hold every row").atMost(WAIT).until(() -> PgHarness.fold(log, "snap").equals(streamed));
    // the log drifts from the table: keys the table never had, and older values of keys it has
    List<Entity> drift = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      drift.add(Entity.upsert("snap", Integer.toString(100_000 + i), "{\"id\":" + (100_000 + i) + ",\"v\":0,\"note\":\"drift\"}"));
    }
    for (int i = 101; i <= 150; i++) {
      drift.add(Entity.upsert("snap", Integer.toString(i), "{\"id\":" + i + ",\"v\":0,\"note\":\"drift\"}"));
    }
    log.proposeAndWait(new Proposal(drift));
    assertThat(PgHarness.fold(log, "snap")).isNotEqualTo(table());

    long seed = System.nanoTime();
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> writes = writers(seed, stop);
    try {
      assertThatThrownBy(() -> log.ingest().requestSnapshot("copy", List.of("nope")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not captured by this ingestable");
      SnapshotRequest request = log.ingest().requestSnapshot("copy", List.of("snap"));
      assertThat(request.number()).isEqualTo(1);
      assertThat(request.tables()).containsExactly("public.snap");
      Pattern copied = Pattern.compile("copying public\\.snap again for snapshot request 1: (\\d+) rows");
      // small chunks (5 rows, one per step): the copy is far from done when the run is killed
      await("the requested copy to pass 1,000 rows").atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() ->
          log.ingest().status("copy").reported().map(r -> {
            Matcher m = copied.matcher(r.detail());
            return m.find() && Integer.parseInt(m.group(1)) >= 1000;
          }).orElse(false));
      ResumeState mid = ResumeState.of(log.ingest().status("copy").position().orElseThrow());
      assertThat(mid.reconcile()).containsExactly("snap");
      assertThat(pg.terminateSessions("committed-ingest-copy")).isPositive(); // kills the run mid-copy

      await("the topic reconciled").atMost(WAIT).until(() -> {
        ResumeState s = ResumeState.of(log.ingest().status("copy").position().orElseThrow());
        return s.request() == 1 && s.reconcile().isEmpty();
      });
      stop.set(true);
      int written = writes.get();
      Map<String, String> expected = table();
      await("the log to equal the table (seed " + seed + ", " + written + " writes)").atMost(WAIT)
          .until(() -> PgHarness.fold(log, "snap").equals(expected));
      PgHarness.assertNoKeyOutOfOrder(log, "snap", x -> x.dataAsString().contains("drift"));
      assertThat(written).isPositive();
      await("the status to tell the request done").atMost(WAIT).untilAsserted(() -> {
        IngestStatus r = log.ingest().status("copy").reported().orElseThrow();
        assertThat(r.phase()).isEqualTo("streaming");
        assertThat(r.detail()).as("the run started after the kill copies the topic again, whole")
            .contains("snapshot request 1 done");
      });
    } finally {
      stop.set(true);
    }
  }
}
