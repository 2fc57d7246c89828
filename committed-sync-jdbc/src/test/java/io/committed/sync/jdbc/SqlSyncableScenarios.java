package io.committed.sync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.EntityKeys;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.ResumableSyncable;
import io.committed.spi.Syncable;
import io.committed.sync.jdbc.internal.Values;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End-to-end scenarios of the SQL syncable under the real sync worker ({@code Committed.inMemory()})
 * against one dialect: the round trip of every mapped type, composite keys, replay, rebuild,
 * dead letters, sessions killed in the middle of batches and an unreachable database.
 */
abstract class SqlSyncableScenarios {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(60);
  static TestTarget target;

  final String table = "t_" + TABLES.incrementAndGet();
  CommittedLog log;

  /** postgres, mariadb or h2. */
  abstract String dialect();

  static void open(String dialect) throws Exception {
    target = TestTarget.of(dialect, "jdbcsync");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (target != null) {
      target.close();
      target = null;
    }
  }

  @BeforeEach
  void startLog() {
    log = Committed.builder().inMemory().environment(target.environment()::get)
        .syncRetry(Duration.ofMillis(10), Duration.ofMillis(200)).start();
    LogFixtures.defineTypes(log, "row");
    log.databases().define("target", target.databaseToml());
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  private boolean mysql() {
    return dialect().equals("mariadb");
  }

  private String syncable(String primaryKey, String... mappings) {
    StringBuilder doc = new StringBuilder("""
        [syncable]
        type = "sql"
        batchSize = 1000
        [sql]
        topic = "row"
        db = "target"
        table = "%s"
        primaryKey = %s
        """.formatted(table, primaryKey));
    for (String m : mappings) {
      String[] p = m.split("\\|");
      doc.append("[[sql.mappings]]\njsonPath = \"").append(p[0]).append("\"\ncolumn = \"").append(p[1])
          .append("\"\ntype = \"").append(p[2]).append("\"\n");
    }
    return doc.toString();
  }

  private long upsert(String key, String json) {
    return log.proposeAndWait(Proposal.of(Entity.upsert("row", key, json)));
  }

  private void awaitSynced(String id) throws InterruptedException {
    assertThat(log.sync().awaitSynced(id, log.lastIndex(), WAIT)).as("synced: %s", log.sync().status(id)).isTrue();
  }

  // ------------------------------------------------------------------------------------------------

  @Test
  void everyMappedTypeRoundTripsExactly() throws Exception {
    String tstz = mysql() ? "TIMESTAMP(6)" : "TIMESTAMP(6) WITH TIME ZONE";
    String ts = mysql() ? "DATETIME(6)" : "TIMESTAMP(6)";
    String json = dialect().equals("postgres") ? "JSONB" : "JSON";
    String bin = switch (dialect()) {
      case "postgres" -> "BYTEA";
      case "mariadb" -> "LONGBLOB";
      default -> "VARBINARY(1000)";
    };
    String text = dialect().equals("h2") ? "CHARACTER LARGE OBJECT" : "TEXT";
    log.syncables().define("types", syncable("[\"id\", \"region\"]",
        "$.id|id|BIGINT", "$.region|region|VARCHAR(16)", "$.amount|amount|NUMERIC(20,4)", "$.price|price|DECIMAL(10,2)",
        "$.at|local_at|" + ts, "$.instant|moment|" + tstz, "$.day|birthday|DATE", "$.flag|flag|BOOLEAN", "$.doc|doc|" + json,
        "$.bytes|bytes|" + bin, "$.text|body|" + text, "$.big|big|BIGINT", "$.ratio|ratio|DOUBLE PRECISION",
        "$.missing|missing|VARCHAR(10)", "$|whole|" + json));
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    String unicode = "Grüße, 世界 — 😀 e\u0301 \"quoted\" \\ back\nslash";
    String payload = "{\"id\":9007199254740993,\"region\":\"zü😀\",\"amount\":1234.50,\"price\":\"99999999.99\","
        + "\"at\":\"2024-02-29 23:59:59.123456\",\"instant\":\"2024-02-29T23:59:59.654321+05:30\","
        + "\"day\":\"1999-12-31\",\"flag\":true,\"doc\":{\"n\":2.50,\"list\":[1,\"two\",null],\"s\":\"ü\"},"
        + "\"bytes\":\"" + Base64.getEncoder().encodeToString(bytes) + "\",\"text\":"
        + Values.JSON.writeValueAsString(unicode) + ",\"big\":" + Long.MAX_VALUE + ",\"ratio\":0.1}";
    upsert(new String(EntityKeys.encode(List.of("9007199254740993", "zü😀"))), payload);
    awaitSynced("types");

    try (Connection c = target.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT id, region, amount, price, local_at, moment, birthday, flag, doc, bytes, body, big, ratio, missing, whole"
            + (mysql() ? ", UNIX_TIMESTAMP(moment)" : "") + " FROM " + table);
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong("id")).isEqualTo(9007199254740993L); // more than a double holds exactly
      assertThat(rs.getString("region")).isEqualTo("zü😀");
      assertThat(rs.getBigDecimal("amount")).isEqualTo(new BigDecimal("1234.5000"));
      assertThat(rs.getBigDecimal("price").toPlainString()).isEqualTo("99999999.99");
      assertThat(rs.getObject("local_at", LocalDateTime.class)).isEqualTo(LocalDateTime.parse("2024-02-29T23:59:59.123456"));
      Instant instant = OffsetDateTime.parse("2024-02-29T23:59:59.654321+05:30").toInstant();
      if (mysql()) {
        assertThat(rs.getBigDecimal(16)).isEqualTo(new BigDecimal(instant.getEpochSecond() + ".654321"));
      } else {
        assertThat(rs.getObject("moment", OffsetDateTime.class).toInstant()).isEqualTo(instant);
      }
      assertThat(rs.getObject("birthday", LocalDate.class)).isEqualTo(LocalDate.parse("1999-12-31"));
      assertThat(rs.getBoolean("flag")).isTrue();
      assertThat(exactJson(rs.getString("doc"))).isEqualTo(exactJson("{\"n\":2.50,\"list\":[1,\"two\",null],\"s\":\"ü\"}"));
      assertThat(rs.getBytes("bytes")).isEqualTo(bytes);
      assertThat(rs.getString("body")).isEqualTo(unicode);
      assertThat(rs.getLong("big")).isEqualTo(Long.MAX_VALUE);
      assertThat(rs.getDouble("ratio")).isEqualTo(0.1);
      assertThat(rs.getString("missing")).isNull();
      assertThat(exactJson(rs.getString("whole"))).isEqualTo(exactJson(payload));
      assertThat(rs.next()).isFalse();
    }
  }

  private static JsonNode exactJson(String text) throws Exception {
    return Values.JSON.readTree(text);
  }

  @Test
  void insertsUpdatesAndDeletesWithACompositeIntegerKey() throws Exception {
    log.syncables().define("orders", syncable("[\"tenant\", \"id\"]",
        "$.tenant|tenant|INT", "$.id|id|VARCHAR(32)", "$.qty|qty|INT"));
    String k1 = new String(EntityKeys.encode(List.of("7", "a")));
    String k2 = new String(EntityKeys.encode(List.of("7", "b")));
    String k3 = new String(EntityKeys.encode(List.of("8", "a")));
    upsert(k1, "{\"tenant\":7,\"id\":\"a\",\"qty\":1}");
    upsert(k2, "{\"tenant\":\"7\",\"id\":\"b\",\"qty\":2}");
    log.proposeAndWait(Proposal.of(Entity.upsert("row", k3, "{\"tenant\":8,\"id\":\"a\",\"qty\":3}"),
        Entity.upsert("row", k1, "{\"tenant\":7,\"id\":\"a\",\"qty\":10}"),
        Entity.delete("row", k2)));
    log.proposeAndWait(Proposal.of(Entity.delete("row", new String(EntityKeys.encode(List.of("9", "zz")))))); // absent
    awaitSynced("orders");
    assertThat(rows("SELECT tenant, id, qty FROM " + table + " ORDER BY tenant, id"))
        .containsExactly("7,a,10", "8,a,3");
    log.proposeAndWait(Proposal.of(Entity.delete("row", k1)));
    awaitSynced("orders");
    assertThat(rows("SELECT tenant, id, qty FROM " + table + " ORDER BY tenant, id")).containsExactly("8,a,3");
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<Object> row : target.query(sql)) {
      out.add(String.join(",", row.stream().map(String::valueOf).toList()));
    }
    return out;
  }

  @Test
  void keysThatDifferOnlyInCaseOrTrailingSpacesAreDifferentRows() throws Exception {
    log.syncables().define("case", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    upsert("a", "{\"id\":\"a\",\"n\":1}");
    upsert("A", "{\"id\":\"A\",\"n\":2}");
    upsert("a ", "{\"id\":\"a \",\"n\":3}");
    log.proposeAndWait(Proposal.of(Entity.delete("row", "A")));
    awaitSynced("case");
    assertThat(state("SELECT id, n FROM " + table)).containsOnly(Map.entry("a", "[1]"), Map.entry("a ", "[3]"));
  }

  @Test
  void replayingAnAppliedRangeChangesNothing() throws Exception {
    SqlSyncableFactory factory = new SqlSyncableFactory();
    var context = target.context("replay", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      String key = "k" + (i % 20);
      entries.add(new LogEntry(i, Instant.EPOCH, Proposal.of(Entity.upsert("row", key,
          "{\"id\":\"" + key + "\",\"n\":" + i + "}")), Map.of("row", 1)));
    }
    try (Syncable s = factory.create(context)) {
      s.sync(entries.subList(0, 30));
      s.sync(entries.subList(30, 50));
    }
    installWriteCounter();
    Map<String, String> before = state("SELECT id, n FROM " + table);
    try (Syncable s = factory.create(context)) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).isEqualTo(50);
      s.sync(entries);
      s.sync(entries.subList(19, 50));
      s.sync(entries.subList(49, 50));
    }
    assertThat(state("SELECT id, n FROM " + table)).isEqualTo(before).hasSize(20);
    assertThat(writes()).as("rows written by the replays").isZero();
  }

  @Test
  void aDeposedWriterCannotMoveTheTargetBack() throws Exception {
    SqlSyncableFactory factory = new SqlSyncableFactory();
    var context = target.context("fence", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      entries.add(new LogEntry(i, Instant.EPOCH, Proposal.of(Entity.upsert("row", "k",
          "{\"id\":\"k\",\"n\":" + i + "}")), Map.of("row", 1)));
    }
    try (Syncable old = factory.create(context); Syncable current = factory.create(context)) {
      assertThat(((ResumableSyncable) old).lastSyncedIndex()).isZero(); // the old leader read position 0
      current.sync(entries); // a new leader applies 1..10
      // the old leader, unaware, writes 1..5: its position check fails and nothing it wrote stays
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> old.sync(entries.subList(0, 5)))
          .isNotInstanceOf(io.committed.spi.PermanentSyncException.class)
          .hasMessageContaining("moved while it was writing");
    }
    assertThat(state("SELECT id, n FROM " + table)).containsExactly(Map.entry("k", "[10]"));
    try (Syncable s = factory.create(context)) {
      assertThat(((ResumableSyncable) s).lastSyncedIndex()).isEqualTo(10);
    }
  }

  /** Counts every row write of the table in {@code <table>_writes}, in the writing transaction. */
  private void installWriteCounter() throws Exception {
    target.execute("CREATE TABLE " + table + "_writes (n INT)", "INSERT INTO " + table + "_writes VALUES (0)");
    if (dialect().equals("postgres")) {
      target.execute("CREATE FUNCTION " + table + "_count() RETURNS trigger AS $$ BEGIN UPDATE " + table
              + "_writes SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql",
          "CREATE TRIGGER " + table + "_trigger AFTER INSERT OR UPDATE OR DELETE ON " + table
              + " FOR EACH ROW EXECUTE FUNCTION " + table + "_count()");
    } else if (dialect().equals("h2")) {
      target.execute("CREATE TRIGGER " + table + "_trigger AFTER INSERT, UPDATE, DELETE ON " + table
          + " FOR EACH ROW CALL '" + H2WriteCounter.class.getName() + "'");
    } else {
      for (String op : new String[] {"INSERT", "UPDATE", "DELETE"}) {
        target.execute("CREATE TRIGGER " + table + "_" + op + " AFTER " + op + " ON " + table
            + " FOR EACH ROW UPDATE " + table + "_writes SET n = n + 1");
      }
    }
  }

  private long writes() throws Exception {
    return ((Number) target.query("SELECT n FROM " + table + "_writes").get(0).get(0)).longValue();
  }

  private Map<String, String> state(String sql) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (List<Object> row : target.query(sql)) {
      out.put(String.valueOf(row.get(0)), String.valueOf(row.subList(1, row.size())));
    }
    return out;
  }

  @Test
  void aKillInTheMiddleOfBatchesLosesAndDuplicatesNothing() throws Exception {
    int n = 20_000;
    List<Entity> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(Entity.upsert("row", "k" + i, "{\"id\":\"k" + i + "\",\"n\":" + i + "}"));
      if (batch.size() == 100) {
        log.propose(Proposal.of(batch));
        batch = new ArrayList<>();
      }
    }
    log.proposeAndWait(Proposal.of(Entity.upsert("row", "last", "{\"id\":\"last\",\"n\":-1}")));
    // the table and its write counter exist before the syncable starts
    SqlSyncableFactory factory = new SqlSyncableFactory();
    String doc = syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT").replace("batchSize = 1000", "batchSize = 20");
    try (Syncable s = factory.create(target.context("kill", doc))) {
      ((ResumableSyncable) s).lastSyncedIndex();
    }
    installWriteCounter();
    log.syncables().define("kill", doc.replace("[syncable]", "[syncable]\nname = \"kill\""));
    int kills = 0;
    long head = log.lastIndex();
    long seen = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    // Each time the syncable makes progress, kill its sessions: the next batch is then in flight.
    while (log.sync().status("kill").lastSyncedIndex() < head && System.nanoTime() < deadline) {
      long now = log.sync().status("kill").lastSyncedIndex();
      if (now > seen) {
        seen = now;
        kills += target.killSessions();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    SyncableStatus status = Await.synced(log, "kill", WAIT);
    assertThat(kills).as("sessions killed while syncing").isPositive();
    assertThat(status.deadLetters()).isZero();
    assertThat(((Number) target.query("SELECT COUNT(*) FROM " + table).get(0).get(0)).intValue()).isEqualTo(n + 1);
    assertThat(((Number) target.query("SELECT SUM(n) FROM " + table).get(0).get(0)).longValue())
        .isEqualTo((long) n * (n - 1) / 2 - 1);
    assertThat(writes()).as("row writes: one per entity, none lost, none repeated").isEqualTo(n + 1);
  }

  @Test
  void anUnreachableDatabaseIsRetriedUntilItComesBack() throws Exception {
    log.databases().define("target", target.databaseToml(target.unreachableConnectionString()));
    log.syncables().define("away", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    upsert("a", "{\"id\":\"a\",\"n\":1}");
    upsert("b", "{\"id\":\"b\",\"n\":2}");
    Await.until("a transient failure to be reported", WAIT,
        () -> log.sync().status("away").consecutiveFailures() > 0);
    SyncableStatus failing = log.sync().status("away");
    assertThat(failing.lastError()).isPresent();
    assertThat(failing.deadLetters()).isZero();
    log.databases().define("target", target.databaseToml()); // the database is back: dependents restart
    awaitSynced("away");
    assertThat(state("SELECT id, n FROM " + table)).containsOnlyKeys("a", "b");
    assertThat(log.sync().status("away").deadLetters()).isZero();
  }

  @Test
  void aBadEntryIsDeadLetteredAndEveryOtherEntryArrives() throws Exception {
    log.syncables().define("bad", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.name|name|VARCHAR(5)"));
    for (int i = 0; i < 30; i++) {
      log.propose(Proposal.of(Entity.upsert("row", "k" + i,
          "{\"id\":\"k" + i + "\",\"name\":\"" + (i == 17 ? "far too long" : "ok" + i) + "\"}")));
    }
    upsert("end", "{\"id\":\"end\",\"name\":\"end\"}");
    awaitSynced("bad");
    assertThat(state("SELECT id, name FROM " + table)).hasSize(30).doesNotContainKey("k17");
    assertThat(log.sync().deadLetters("bad")).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("entry").containsAnyOf("22001", "1406", "too long"));
    if (!dialect().equals("h2")) { // dead letters are replicated and kept: no row values in them
      assertThat(log.sync().deadLetters("bad").get(0).message()).doesNotContain("far too long");
    }
  }

  @Test
  void aDeadLetterReplayedAfterTheTargetIsFixedArrivesWithoutMovingThePositionBack() throws Exception {
    log.syncables().define("fix", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.name|name|VARCHAR(5)"));
    upsert("a", "{\"id\":\"a\",\"name\":\"ok\"}");
    long bad = upsert("b", "{\"id\":\"b\",\"name\":\"far too long\"}");
    upsert("c", "{\"id\":\"c\",\"name\":\"ok\"}");
    awaitSynced("fix");
    assertThat(log.sync().deadLetters("fix")).singleElement().extracting(d -> d.index()).isEqualTo(bad);

    target.execute(mysql() ? "ALTER TABLE " + table + " MODIFY name VARCHAR(50)"
        : "ALTER TABLE " + table + " ALTER COLUMN name SET DATA TYPE VARCHAR(50)"); // the operator fixes the target
    log.sync().replay("fix", bad);
    assertThat(state("SELECT id, name FROM " + table)).containsEntry("b", "[far too long]").hasSize(3);
    assertThat(log.sync().deadLetters("fix")).isEmpty();
    upsert("d", "{\"id\":\"d\",\"name\":\"ok\"}");
    awaitSynced("fix");
    assertThat(state("SELECT id, name FROM " + table)).hasSize(4);
    assertThat(target.query("SELECT last_index FROM committed_sync_positions WHERE syncable_id = 'fix'").get(0).get(0).toString())
        .isEqualTo(Long.toString(log.lastIndex()));
  }

  @Test
  void rebuildDropsTheTableAndReplaysTheLogFromTheStart() throws Exception {
    log.syncables().define("rb", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    for (int i = 0; i < 100; i++) {
      log.propose(Proposal.of(Entity.upsert("row", "k" + i, "{\"id\":\"k" + i + "\",\"n\":" + i + "}")));
    }
    upsert("k0", "{\"id\":\"k0\",\"n\":1000}");
    awaitSynced("rb");
    target.execute("INSERT INTO " + table + " (id, n) VALUES ('stray', 1)", "UPDATE " + table + " SET n = -5 WHERE id = 'k5'");
    target.execute(mysql() ? "SELECT 1" : "SELECT 1"); // (auto-committed above)

    log.sync().rebuild("rb");
    awaitSynced("rb");
    Map<String, String> rows = state("SELECT id, n FROM " + table);
    assertThat(rows).hasSize(100).doesNotContainKey("stray");
    assertThat(rows.get("k5")).isEqualTo("[5]");
    assertThat(rows.get("k0")).isEqualTo("[1000]");
    SyncableStatus status = log.sync().status("rb");
    assertThat(status.lastSyncedIndex()).isEqualTo(log.lastIndex());
    assertThat(status.lag()).isZero();
  }

  @Test
  void aTableDroppedBehindItsBackIsReportedAndRebuildRefillsIt() throws Exception {
    log.syncables().define("gone", syncable("\"id\"", "$.id|id|VARCHAR(20)", "$.n|n|INT"));
    upsert("a", "{\"id\":\"a\",\"n\":1}");
    awaitSynced("gone");
    target.execute("DROP TABLE " + table);
    upsert("b", "{\"id\":\"b\",\"n\":2}");
    Await.until("the missing table to be reported", WAIT, () -> log.sync().status("gone").lastError()
        .map(e -> e.contains("Rebuild")).orElse(false));
    log.sync().rebuild("gone");
    awaitSynced("gone");
    assertThat(state("SELECT id, n FROM " + table)).containsOnlyKeys("a", "b");
  }
}
