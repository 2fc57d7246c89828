package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.IngestableStatus;
import io.committed.api.ConfigException;
import io.committed.api.LogEntry;
import io.committed.ingest.postgres.internal.ResumeState;
import io.committed.testkit.LogFixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slot health, heartbeats, lost and recreated slots, removal, preflight errors. */
class PostgresSlotIT {
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgslot");
    pg.sql("create table t (id int primary key, v text)", "insert into t values (1, 'one')");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  private CommittedLog logParkingAfter(int failures) {
    return pg.startLog(Committed.builder().inMemory().ingestRetry(Duration.ofMillis(10), Duration.ofMillis(50),
        failures));
  }

  private CommittedLog started(CommittedLog log, String extraPostgres) {
    LogFixtures.defineTypes(log, "t");
    log.ingestables().define("s", pg.config("s", "t", "[\"t\"]", "", extraPostgres));
    PgHarness.awaitStreaming(log, "s");
    return log;
  }

  @Test
  void heartbeatsMoveTheSlotForwardWhileTheTablesAreIdleAndTheStatusShowsLagAndHealth() throws Exception {
    CommittedLog log = started(pg.startLog(), "");
    long before = pg.currentLsn();
    await("the slot's confirmed position to pass " + before).atMost(Duration.ofSeconds(30))
        .until(() -> pg.confirmedFlush(pg.slot("s")) > before);
    await("slot health in the status").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      IngestableStatus s = log.ingest().status("s");
      assertThat(s.reported().orElseThrow().lagUnit()).isEqualTo("bytes");
      assertThat(s.reported().orElseThrow().lag().orElseThrow()).isNotNegative();
      assertThat(s.reported().orElseThrow().detail()).contains("wal_status=reserved");
    });
    // the position is committed to the log before the slot is acknowledged
    ResumeState state = ResumeState.of(log.ingest().status("s").position().orElseThrow());
    assertThat(state.lsn()).isGreaterThanOrEqualTo(pg.confirmedFlush(pg.slot("s")));
  }

  @Test
  void withoutHeartbeatsAnIdleSlotStaysWhereItWas() throws Exception {
    started(pg.startLog(), "heartbeat_interval = 0");
    long confirmed = pg.confirmedFlush(pg.slot("s"));
    pg.sql("create table other (id int)", "insert into other values (1)"); // WAL, but nothing for the slot
    long later = pg.currentLsn();
    // two status intervals: time enough for an acknowledgement, had there been one
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(pg.confirmedFlush(pg.slot("s"))).isLessThan(later).isEqualTo(confirmed);
  }

  @Test
  void aDroppedSlotParksTheIngestableWithAClearReason() throws Exception {
    CommittedLog log = started(logParkingAfter(3), "");
    dropSlotWhileRunning(pg.slot("s"));
    await("parked").atMost(Duration.ofSeconds(60)).until(() -> log.ingest().status("s").parkedReason()
        .isPresent());
    assertThat(log.ingest().status("s").parkedReason().orElseThrow()).contains("no longer exists")
        .contains("on_slot_lost");
    assertThat(pg.confirmedFlush(pg.slot("s"))).as("no slot created behind the operator's back").isEqualTo(-1);
  }

  @Test
  void aRecreatedSlotIsNotMistakenForTheOldOne() throws Exception {
    CommittedLog log = started(logParkingAfter(3), "");
    String slot = pg.slot("s");
    pg.sql("insert into t values (2, 'committed before the slot is replaced')");
    await("the row").atMost(Duration.ofSeconds(30)).until(() -> PgHarness.fold(log, "t").containsKey("2"));
    // drop and create in one statement, so that the ingestable cannot see the slot missing in between
    await("slot " + slot + " replaced").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
      try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
        s.execute("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + slot
            + "' and active");
        s.execute("insert into t values (3, 'lost with the old slot') on conflict do nothing");
        s.execute("select pg_drop_replication_slot('" + slot + "'), pg_create_logical_replication_slot('" + slot
            + "', 'pgoutput')");
        return true;
      } catch (SQLException e) {
        return false; // the slot was active again: once more
      }
    });
    await("parked").atMost(Duration.ofSeconds(60)).until(() -> log.ingest().status("s").parkedReason()
        .isPresent());
    assertThat(log.ingest().status("s").parkedReason().orElseThrow()).contains("recreated");
  }

  @Test
  void aLostSlotIsCopiedAgainWhenConfiguredTo() throws Exception {
    CommittedLog log = started(pg.startLog(), "on_slot_lost = \"resnapshot\"");
    dropSlotWhileRunning(pg.slot("s"));
    pg.sql("insert into t values (2, 'written while no slot existed')");
    await("the row copied by a new snapshot").atMost(Duration.ofSeconds(60))
        .until(() -> PgHarness.fold(log, "t").containsKey("2"));
    PgHarness.awaitStreaming(log, "s");
    ResumeState state = ResumeState.of(log.ingest().status("s").position().orElseThrow());
    assertThat(state.generation()).isEqualTo(2);
    pg.sql("insert into t values (3, 'streamed')");
    await("streaming again").atMost(Duration.ofSeconds(60)).until(() -> PgHarness.fold(log, "t").containsKey("3"));
  }

  @Test
  void aReSnapshotDeletesTheKeysTheTablesLostWhileTheSlotWasGoneAndTheFirstSnapshotDoesNot() throws Exception {
    pg.sql("insert into t select g, 'row ' || g from generate_series(2, 12) g");
    CommittedLog log = logParkingAfter(3);
    LogFixtures.defineTypes(log, "t");
    log.proposeAndWait(io.committed.api.Proposal.of(io.committed.api.Entity.upsert("t", "written-by-hand", "{}")));
    log.ingestables().define("s", pg.config("s", "t", "[\"t\"]", "", "batch_size = 3"));
    PgHarness.awaitStreaming(log, "s");
    await("the first snapshot").atMost(Duration.ofSeconds(60)).until(() -> PgHarness.fold(log, "t").size() == 13);
    assertThat(PgHarness.fold(log, "t")).as("the first snapshot deletes nothing").containsKey("written-by-hand");

    // the ingestable stops (parked) with its slot gone; the table changes meanwhile
    dropSlotWhileRunning(pg.slot("s"));
    await("parked").atMost(Duration.ofSeconds(60)).until(() -> log.ingest().status("s").parkedReason().isPresent());
    pg.sql("delete from t where id between 3 and 9", "update t set v = 'changed' where id = 2",
        "insert into t values (20, 'new')");
    long entriesBefore = log.lastIndex();
    log.ingestables().define("s", pg.config("s", "t", "[\"t\"]", "", "batch_size = 3\non_slot_lost = \"resnapshot\""));
    await("the log equal to the table").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(PgHarness.fold(log, "t")).isEqualTo(table()));
    PgHarness.awaitStreaming(log, "s");

    ResumeState state = ResumeState.of(log.ingest().status("s").position().orElseThrow());
    assertThat(state.generation()).isEqualTo(2);
    assertThat(state.tombstones()).as("7 deleted rows and the key written by hand").isEqualTo(8);
    assertThat(state.resnapshot()).isFalse();
    await("the count in the status").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        log.ingest().status("s").reported().orElseThrow().detail()).contains("generation=2")
        .contains("deleted 8 keys"));
    List<LogEntry> deletes = log.read(entriesBefore + 1, 1000).stream()
        .filter(e -> e.entities().stream().anyMatch(io.committed.api.Entity::delete)).toList();
    assertThat(deletes).as("batch_size deletes per proposal").extracting(e -> e.entities().size())
        .containsExactly(3, 3, 2);
    assertThat(deletes).allSatisfy(e -> assertThat(e.entities()).allMatch(io.committed.api.Entity::delete));

    pg.sql("delete from t where id = 1", "insert into t values (21, 'streamed')");
    await("streaming again").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(PgHarness.fold(log, "t")).isEqualTo(table()));
  }

  @Test
  void aReSnapshotInterruptedWhileCopyingAndWhileDeletingStillEndsEqualToTheTable() throws Exception {
    pg.sql("insert into t select g, 'row ' || g from generate_series(2, 6000) g");
    CommittedLog log = logParkingAfter(3);
    String config = pg.config("s", "t", "[\"t\"]", "", "batch_size = 4");
    LogFixtures.defineTypes(log, "t");
    log.ingestables().define("s", config);
    await("the first snapshot").atMost(Duration.ofSeconds(120)).until(() -> PgHarness.fold(log, "t").size() == 6000);
    dropSlotWhileRunning(pg.slot("s"));
    await("parked").atMost(Duration.ofSeconds(60)).until(() -> log.ingest().status("s").parkedReason().isPresent());
    pg.sql("delete from t where id % 3 <> 0", "insert into t values (7000, 'new')");

    String resnapshot = config.replace("batch_size = 4", "batch_size = 4\non_slot_lost = \"resnapshot\"");
    log.ingestables().define("s", resnapshot);
    await("copying again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
        // or already past it on a fast machine: the interruption then lands later, which is also valid
        .until(() -> committed(log).map(s -> s.resnapshot() && s.rows() > 0).orElse(false));
    // a new config version stops the run wherever it is; the next one resumes from the committed position
    log.ingestables().define("s", resnapshot.replace("status_interval = \"1s\"", "status_interval = \"2s\""));
    await("deleting").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
        .until(() -> committed(log).map(s -> s.resnapshot() && s.tombstones() > 0).orElse(false)
            || PgHarness.fold(log, "t").equals(table()));
    log.ingestables().define("s", resnapshot);
    await("the log equal to the table").atMost(Duration.ofSeconds(120))
        .untilAsserted(() -> assertThat(PgHarness.fold(log, "t")).isEqualTo(table()));
    PgHarness.awaitStreaming(log, "s");
    ResumeState state = ResumeState.of(log.ingest().status("s").position().orElseThrow());
    assertThat(state.generation()).isEqualTo(2);
    assertThat(state.tombstones()).as("each of the 4000 deletes, some twice").isBetween(4000L, 8000L);
    pg.sql("delete from t where id = 3");
    await("streaming again").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(PgHarness.fold(log, "t")).isEqualTo(table()));
  }

  private static java.util.Optional<ResumeState> committed(CommittedLog log) {
    return log.ingest().status("s").position().map(ResumeState::of);
  }

  /** The rows of t as the log holds them: key to JSON data. */
  private Map<String, String> table() throws SQLException {
    Map<String, String> rows = new LinkedHashMap<>();
    try (Connection c = pg.db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select id, v from t order by id")) {
      while (r.next()) {
        rows.put(Integer.toString(r.getInt(1)), "{\"id\":" + r.getInt(1) + ",\"v\":"
            + (r.getString(2) == null ? "null" : "\"" + r.getString(2) + "\"") + "}");
      }
    }
    return rows;
  }

  @Test
  void removingTheIngestableDropsItsSlotAndItsOwnPublication() throws Exception {
    CommittedLog log = started(pg.startLog(), "");
    assertThat(count("select count(*) from pg_publication where pubname = 'committed_s'")).isEqualTo(1);
    log.ingestables().remove("s");
    assertThat(pg.confirmedFlush(pg.slot("s"))).isEqualTo(-1);
    assertThat(count("select count(*) from pg_publication where pubname = 'committed_s'")).isZero();
  }

  @Test
  void removalKeepsTheSlotWhenToldTo() throws Exception {
    CommittedLog log = started(pg.startLog(), "drop_slot_on_remove = false");
    log.ingestables().remove("s");
    assertThat(pg.confirmedFlush(pg.slot("s"))).isPositive();
  }

  @Test
  void preflightNamesWhatToFix() throws Exception {
    pg.sql("create table nothing (id int primary key)", "alter table nothing replica identity nothing",
        "create table keyless (id int, v text)", "create role " + pg.db.databaseName() + "_noreplication login"
            + " password 'x'", "grant select on t to " + pg.db.databaseName() + "_noreplication");
    CommittedLog log = logParkingAfter(1);
    LogFixtures.defineTypes(log, "t");
    assertParkedWith(log, "missing", "[\"no_such_table\"]", "", "table public.no_such_table (topic 't') does not"
        + " exist");
    assertParkedWith(log, "nothing", "[\"nothing\"]", "", "REPLICA IDENTITY NOTHING");
    assertParkedWith(log, "keyless", "[\"keyless\"]", "", "has no primary key");
    assertParkedWith(log, "notcovered", "[\"t\"]", "primaryKey = \"v\"", "does not cover the key [v]");
    pg.sql("create publication committed_inserts for table t with (publish = 'insert')");
    assertParkedWith(log, "inserts", "[\"t\"]", "", "does not publish every insert, update and delete");
    String noReplication = pg.config("norepl", "t", "[\"t\"]", "", "").replace("user=" + PgHarness.SERVER.user(),
        "user=" + pg.db.databaseName() + "_noreplication").replace("${PGPASSWORD}", "${NOREPL_PASSWORD}");
    CommittedLog other = Committed.builder().inMemory().ingestRetry(Duration.ofMillis(10),
        Duration.ofMillis(50), 1).environment(n -> n.equals("NOREPL_PASSWORD") ? "x" : null).start();
    try {
      LogFixtures.defineTypes(other, "t");
      other.ingestables().define("norepl", noReplication);
      await().atMost(Duration.ofSeconds(30)).until(() -> other.ingest().status("norepl").parkedReason()
          .isPresent());
      assertThat(other.ingest().status("norepl").parkedReason().orElseThrow()).contains("may not stream changes")
          .contains("REPLICATION");
    } finally {
      other.close();
      pg.sql("drop owned by " + pg.db.databaseName() + "_noreplication", "drop role " + pg.db.databaseName()
          + "_noreplication");
    }
  }

  @Test
  void badSettingsAreRejectedBeforeAnythingIsWritten() {
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "t");
    assertThatThrownBy(() -> log.ingestables().define("bad", pg.config("bad", "t", "[\"t\"]", "", "batch_size = 0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("batch_size")
        .satisfies(e -> assertThat(((ConfigException) e).field()).hasValue("sql.postgres.batch_size"));
    assertThatThrownBy(() -> log.ingestables().define("bad", pg.config("bad", "t", "[\"t\"]", "tabels = 1", "")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tabels");
    assertThat(log.ingestables().list()).isEmpty();
  }

  @Test
  void tablesAddedToTheConfigAreCopiedThenStreamed() throws Exception {
    CommittedLog log = started(pg.startLog(), "");
    pg.sql("create table u (id int primary key, v text)", "insert into u values (100, 'existing')");
    log.ingestables().define("s", pg.config("s", "t", "[\"t\", \"u\"]", "", ""));
    await("u's existing row copied").atMost(Duration.ofSeconds(60))
        .until(() -> PgHarness.fold(log, "t").containsKey("100"));
    pg.sql("insert into u values (101, 'streamed')", "update t set v = 'still streamed' where id = 1");
    await("both tables streamed").atMost(Duration.ofSeconds(60)).until(() -> PgHarness.fold(log, "t").containsKey("101")
        && PgHarness.fold(log, "t").get("1").contains("still streamed"));
    assertThat(ResumeState.of(log.ingest().status("s").position().orElseThrow()).done())
        .containsExactly("public.t", "public.u");
  }

  @Test
  void withoutASnapshotAnExistingSlotIsAdoptedAsItIs() throws Exception {
    pg.sql("create publication committed_s for table t",
        "select pg_create_logical_replication_slot('" + pg.slot("s") + "', 'pgoutput')",
        "insert into t values (2, 'after the slot')");
    CommittedLog log = started(pg.startLog(), "snapshot = \"never\"");
    await("the change since the slot's creation").atMost(Duration.ofSeconds(60))
        .until(() -> PgHarness.fold(log, "t").containsKey("2"));
    assertThat(PgHarness.fold(log, "t")).as("rows from before the slot are not copied").doesNotContainKey("1");
  }

  @Test
  void aPartitionedTableIsCapturedUnderItsOwnName() throws Exception {
    pg.sql("create table p (id int, region text, v text, primary key (region, id)) partition by list (region)",
        "create table p_eu partition of p for values in ('eu')", "create table p_us partition of p for values in ('us')",
        "insert into p values (1, 'eu', 'copied')");
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "t");
    log.ingestables().define("s", pg.config("s", "t", "[\"p\"]", "", ""));
    PgHarness.awaitStreaming(log, "s");
    pg.sql("insert into p values (2, 'us', 'streamed')", "update p set v = 'changed' where id = 1");
    await("both partitions").atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(PgHarness.fold(log, "t"))
        .containsEntry("[\"eu\",\"1\"]", "{\"id\":1,\"region\":\"eu\",\"v\":\"changed\"}")
        .containsEntry("[\"us\",\"2\"]", "{\"id\":2,\"region\":\"us\",\"v\":\"streamed\"}"));

    pg.sql("create publication theirs for table p"); // without publish_via_partition_root
    CommittedLog other = logParkingAfter(5);
    LogFixtures.defineTypes(other, "t");
    other.ingestables().define("o", pg.config("o", "t", "[\"p\"]", "", "publication = \"theirs\""));
    await("parked").atMost(Duration.ofSeconds(30)).until(() -> other.ingest().status("o").parkedReason().isPresent());
    assertThat(other.ingest().status("o").parkedReason().orElseThrow()).contains("publish_via_partition_root = true");
  }

  private void assertParkedWith(CommittedLog log, String id, String tables, String extra, String reason) {
    log.ingestables().define(id, pg.config(id, "t", tables, extra, ""));
    await(id + " parked").atMost(Duration.ofSeconds(30)).until(() -> log.ingest().status(id).parkedReason()
        .isPresent());
    assertThat(log.ingest().status(id).parkedReason().orElseThrow()).contains(reason);
  }

  /** Drops a slot that the ingestable keeps using: ends its session until the drop wins. */
  private void dropSlotWhileRunning(String slot) throws Exception {
    await("slot " + slot + " dropped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
      try (Connection c = pg.db.connect(); Statement s = c.createStatement()) {
        s.execute("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + slot
            + "' and active");
        s.execute("select pg_drop_replication_slot('" + slot + "')");
        return true;
      } catch (SQLException e) {
        return "42704".equals(e.getSQLState()); // gone already
      }
    });
  }

  private int count(String sql) throws SQLException {
    try (Connection c = pg.db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }
}
