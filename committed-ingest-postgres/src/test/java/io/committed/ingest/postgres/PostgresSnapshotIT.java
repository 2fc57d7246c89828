package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.ingest.postgres.internal.ResumeState;
import io.committed.spi.IngestStatus;
import io.committed.testkit.LogFixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The initial snapshot: consistent with the stream, resumable, and encoding rows as the stream does. */
class PostgresSnapshotIT {
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgsnap");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  @Test
  void preExistingRowsAndConcurrentWritesEndAsTheTable() throws Exception {
    pg.sql("create table t (id int primary key, v text)",
        "insert into t select g, 'v' || g from generate_series(1, 20000) g");
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "t");
    AtomicBoolean writing = new AtomicBoolean(true);
    Random random = new Random(7);
    Thread writer = new Thread(() -> {
      try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
        for (int i = 0; writing.get() && i < 5000; i++) {
          int id = 1 + random.nextInt(25000);
          switch (random.nextInt(3)) {
            case 0 -> s.execute("insert into t values (" + id + ", 'new" + i + "') on conflict (id) do update"
                + " set v = excluded.v");
            case 1 -> s.execute("update t set v = 'upd" + i + "' where id = " + id);
            default -> s.execute("delete from t where id = " + id);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start(); // writes before, during and after the slot and the copy
    log.ingestables().define("snap", pg.config("snap", "t", "[\"t\"]", "", "batch_size = 700"));
    writer.join();
    writing.set(false);
    Map<String, String> table = table("t");
    await("the log to equal the table").atMost(Duration.ofSeconds(90))
        .until(() -> PgHarness.fold(log, "t").equals(table));
    IngestStatus status = log.ingest().status("snap").reported().orElseThrow();
    assertThat(status.phase()).isEqualTo("streaming");
  }

  @Test
  void aRestartedSnapshotContinuesAfterTheLastCommittedKey() throws Exception {
    pg.sql("create table a (id int primary key, v text)", "create table b (id int primary key, v text)",
        "insert into a select g, 'a' || g from generate_series(1, 3000) g",
        "insert into b select g, 'b' || g from generate_series(1, 500) g",
        "create publication committed_snap for table a, b"); // exists: no lock on b needed to create it
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "t");
    log.ingestables().define("snap", pg.config("snap", "t", "[\"a\", \"b\"]", "", "batch_size = 10"));
    await("the copy to start").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
        .until(() -> log.ingest().status("snap").reported().map(r -> r.phase().equals("snapshot")).orElse(false));
    try (Connection lock = pg.db.connect(); Statement s = lock.createStatement()) {
      lock.setAutoCommit(false);
      s.execute("lock table b in access exclusive mode"); // the copy of b waits here
      await("part of a copied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
          .until(() -> log.ingest().status("snap").reported().map(r -> r.rowsCopied().orElse(0) >= 200).orElse(false));
      assertThat(pg.terminateSessions("committed-ingest-snap")).isPositive(); // kill the run mid-snapshot
      ResumeState at = ResumeState.of(log.ingest().status("snap").position().orElseThrow());
      assertThat(at.phase()).isEqualTo("snapshot");
      assertThat(at.done()).doesNotContain("public.b");
      lock.commit();
    }
    Map<String, String> expected = new TreeMap<>(table("a"));
    await("the log to hold both tables").atMost(Duration.ofSeconds(60))
        .until(() -> PgHarness.fold(log, "t").size() == 3000);
    pg.sql("insert into b values (501, 'streamed')");
    await("streaming").atMost(Duration.ofSeconds(60))
        .until(() -> PgHarness.fold(log, "t").containsValue("{\"id\":501,\"v\":\"streamed\"}"));
    // keys 1..500 are in both tables (one topic): a's rows came first, b's replaced them
    for (int i = 1; i <= 500; i++) {
      expected.put(Integer.toString(i), "{\"id\":" + i + ",\"v\":\"b" + i + "\"}");
    }
    expected.put("501", "{\"id\":501,\"v\":\"streamed\"}");
    assertThat(new TreeMap<>(PgHarness.fold(log, "t"))).isEqualTo(expected);
    long copiesOfFirst = PgHarness.entries(log, "t").stream().flatMap(e -> e.entities().stream())
        .filter(e -> e.keyAsString().equals("1") && e.dataAsString().contains("\"a1\"")).count();
    assertThat(copiesOfFirst).as("the first batch of a, committed before the kill, is not copied again").isEqualTo(1);
    ResumeState done = ResumeState.of(log.ingest().status("snap").position().orElseThrow());
    assertThat(done.phase()).isEqualTo("streaming");
    assertThat(done.done()).containsExactly("public.a", "public.b");
  }

  @Test
  void aSnapshotRowEncodesExactlyAsTheSameRowStreamed() throws Exception {
    String columns = "(id int primary key, n numeric(20,4), big int8, f8 float8, f4 real, b bool, ts timestamptz,"
        + " tsl timestamp, d date, t time, tz timetz, iv interval, j jsonb, js json, bin bytea, txt text, e text,"
        + " u uuid, arr text[], nan numeric, inf float8, money money, inet inet, c char(5), dom price)";
    String values = "1234.5, -9223372036854775808, 1e-300, 3.25, false, '1999-12-31 23:59:59.999999-08:30',"
        + " '0001-01-01 00:00:00', '2024-02-29', '23:59:59.5', '12:00+05', '1 year 2 days 03:04:05.6',"
        + " '{\"z\": 1, \"a\": [true, 1e3]}', '[1, 2.50]', '\\x', null, '', gen_random_uuid(), '{\"a b\",c}', '-Infinity',"
        + " 'Infinity', 12.5, '10.0.0.1', 'ab', 12.5";
    pg.sql("create domain price as numeric(10,2)", "create table k " + columns, "insert into k values (1, " + values + ")");
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "k");
    log.ingestables().define("snap", pg.config("snap", "k", "[\"k\"]", "", ""));
    PgHarness.awaitStreaming(log, "snap");
    pg.sql("insert into k select 2, n, big, f8, f4, b, ts, tsl, d, t, tz, iv, j, js, bin, txt, e, u, arr, nan, inf,"
        + " money, inet, c, dom from k where id = 1");
    await("the streamed row").atMost(Duration.ofSeconds(30)).until(() -> PgHarness.fold(log, "k").size() == 2);
    Map<String, String> rows = PgHarness.fold(log, "k");
    assertThat(rows.get("2")).isEqualTo(rows.get("1").replace("{\"id\":1,", "{\"id\":2,"));
    assertThat(rows.get("1")).contains("\"n\":1234.5000", "\"big\":-9223372036854775808", "\"b\":false",
        "\"ts\":\"2000-01-01T08:29:59.999999Z\"", "\"bin\":\"\"", "\"txt\":null", "\"e\":\"\"", "\"nan\":\"-Infinity\"",
        "\"inf\":\"Infinity\"", "\"c\":\"ab   \"", "\"dom\":12.50", "\"tsl\":\"0001-01-01T00:00:00\"");
    LogEntry first = PgHarness.entries(log, "k").get(0);
    assertThat(first.entities()).extracting(Entity::keyAsString).containsExactly("1");
  }

  private Map<String, String> table(String name) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = pg.db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select id, v from " + name)) {
      while (r.next()) {
        out.put(Integer.toString(r.getInt(1)), "{\"id\":" + r.getInt(1) + ",\"v\":\"" + r.getString(2) + "\"}");
      }
    }
    return out;
  }
}
