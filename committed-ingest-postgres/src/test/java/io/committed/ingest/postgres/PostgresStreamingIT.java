package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.EntityKeys;
import io.committed.api.LogEntry;
import io.committed.testkit.LogFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming changes of every kind from a real PostgreSQL, through one slot feeding several topics. */
class PostgresStreamingIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static PgHarness pg;
  private static CommittedLog log;

  @BeforeAll
  static void start() throws Exception {
    pg = new PgHarness("pgstream");
    pg.sql("create table items (id int primary key, name text, note text)",
        "create table kinds (id int primary key, n numeric(20,4), big int8, small int2, f8 float8, b bool,"
            + " ts timestamptz, tsl timestamp, d date, j jsonb, js json, bin bytea, txt text, empty text,"
            + " uni text, u uuid, arr int[], nan numeric, doc text)",
        "create table pairs (region text, id int, v text, primary key (region, id))",
        "create table docs (id int primary key, title text, body text)",
        "create table docs_full (id int primary key, title text, body text)",
        "alter table docs_full replica identity full",
        "create table big (id int primary key, v text)",
        "insert into kinds (id, txt) values (0, 'before the slot')");
    log = pg.startLog();
    for (String t : List.of("items", "kinds", "pairs", "docs", "big")) {
      LogFixtures.defineTypes(log, t);
    }
    String topics = """
        [[sql.topics]]
        topic = "items"
        tables = ["items"]
        [[sql.topics]]
        topic = "kinds"
        tables = ["public.kinds"]
        jsonColumns = ["doc"]
        [[sql.topics]]
        topic = "pairs"
        tables = ["pairs"]
        primaryKey = ["region", "id"]
        [[sql.topics]]
        topic = "docs"
        tables = ["docs", "docs_full"]
        [[sql.topics]]
        topic = "big"
        tables = ["big"]
        """;
    String config = "[ingestable]\nname = \"src\"\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\n"
        + "connectionString = \"" + pg.connectionString() + "\"\n" + topics
        + "[sql.postgres]\nslot_name = \"" + pg.slot("src") + "\"\nheartbeat_interval = \"1s\"\n"
        + "status_interval = \"1s\"\n";
    log.ingestables().define("src", config);
    PgHarness.awaitStreaming(log, "src");
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static Map<String, String> awaitValue(String topic, String key, String data) {
    await(topic + " " + key).atMost(WAIT).untilAsserted(() ->
        assertThat(PgHarness.fold(log, topic).get(key)).isEqualTo(data));
    return PgHarness.fold(log, topic);
  }

  @Test
  void insertsUpdatesAndDeletesBecomeUpsertsAndTombstones() throws Exception {
    pg.sql("insert into items values (1, 'kettle', null)");
    awaitValue("items", "1", "{\"id\":1,\"name\":\"kettle\",\"note\":null}");
    pg.sql("update items set name = 'teapot' where id = 1");
    awaitValue("items", "1", "{\"id\":1,\"name\":\"teapot\",\"note\":null}");
    pg.sql("delete from items where id = 1");
    awaitValue("items", "1", null);
    List<Entity> last = lastEntry("items").entities();
    assertThat(last).containsExactly(Entity.delete("items", "1"));
  }

  @Test
  void aTransactionIsOneEntryAndARollbackLeavesNothing() throws Exception {
    pg.transaction("insert into items values (10, 'a', null)", "insert into items values (11, 'b', null)",
        "update items set note = 'x' where id = 10", "delete from items where id = 11");
    awaitValue("items", "10", "{\"id\":10,\"name\":\"a\",\"note\":\"x\"}");
    LogEntry entry = lastEntry("items");
    assertThat(entry.entities()).extracting(Entity::keyAsString).containsExactly("10", "11", "10", "11");
    assertThat(entry.entities().get(3).delete()).isTrue();

    try (var c = pg.db.connect(); var s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("insert into items values (12, 'never', null)");
      c.rollback();
    }
    pg.sql("insert into items values (13, 'after the rollback', null)");
    Map<String, String> items = awaitValue("items", "13", "{\"id\":13,\"name\":\"after the rollback\",\"note\":null}");
    assertThat(items).doesNotContainKey("12");
    assertThat(PgHarness.entries(log, "items")).noneMatch(e -> e.entities().stream()
        .anyMatch(x -> x.keyAsString().equals("12")));
  }

  @Test
  void twoThousandRowsInOneTransactionAreOneEntry() throws Exception {
    pg.sql("insert into big select g, 'row ' || g from generate_series(1, 2000) g");
    awaitValue("big", "2000", "{\"id\":2000,\"v\":\"row 2000\"}");
    LogEntry entry = lastEntry("big");
    assertThat(entry.entities()).hasSize(2000);
    assertThat(entry.entities().get(0).keyAsString()).isEqualTo("1");
    assertThat(entry.entities().get(1999).keyAsString()).isEqualTo("2000");
  }

  @Test
  void aPrimaryKeyUpdateDeletesTheOldKeyAndUpsertsTheNew() throws Exception {
    pg.sql("insert into items values (20, 'moving', null)");
    awaitValue("items", "20", "{\"id\":20,\"name\":\"moving\",\"note\":null}");
    pg.sql("update items set id = 21 where id = 20");
    Map<String, String> items = awaitValue("items", "21", "{\"id\":21,\"name\":\"moving\",\"note\":null}");
    assertThat(items).doesNotContainKey("20");
    assertThat(lastEntry("items").entities()).containsExactly(Entity.delete("items", "20"),
        Entity.upsert("items", "21", "{\"id\":21,\"name\":\"moving\",\"note\":null}"));
  }

  @Test
  void aCompositeKeyIsAJsonArrayOfItsColumnsInKeyOrder() throws Exception {
    pg.sql("insert into pairs values ('eu', 42, 'first')");
    String key = new String(EntityKeys.encode(List.of("eu", "42")), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(key).isEqualTo("[\"eu\",\"42\"]");
    awaitValue("pairs", key, "{\"region\":\"eu\",\"id\":42,\"v\":\"first\"}");
    pg.sql("update pairs set region = 'us' where region = 'eu' and id = 42");
    Map<String, String> pairs = awaitValue("pairs", "[\"us\",\"42\"]", "{\"region\":\"us\",\"id\":42,\"v\":\"first\"}");
    assertThat(pairs).doesNotContainKey(key);
    pg.sql("delete from pairs where region = 'us'");
    awaitValue("pairs", "[\"us\",\"42\"]", null);
  }

  @Test
  void valuesAreLossless() throws Exception {
    pg.sql("insert into kinds values (1, 1234.5, 9223372036854775807, -32768, 0.1, true,"
        + " '2024-05-01 10:15:30.123456+02', '2024-05-01 10:15:30.5', '2024-05-01',"
        + " '{\"a\": [1, 2.50, \"x\"], \"b\": null}', '{\"k\" : 1.0}', '\\x00ff10', null, '',"
        + " 'Grüße, 日本, 🎉, \"quoted\\\"', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2,3}', 'NaN',"
        + " '{\"nested\": {\"deep\": 1.10}}')");
    String expected = "{\"id\":1,\"n\":1234.5000,\"big\":9223372036854775807,\"small\":-32768,\"f8\":0.1,\"b\":true,"
        + "\"ts\":\"2024-05-01T08:15:30.123456Z\",\"tsl\":\"2024-05-01T10:15:30.5\",\"d\":\"2024-05-01\","
        + "\"j\":{\"a\": [1, 2.50, \"x\"], \"b\": null},\"js\":{\"k\" : 1.0},\"bin\":\"AP8Q\",\"txt\":null,"
        + "\"empty\":\"\",\"uni\":\"Grüße, 日本, 🎉, \\\"quoted\\\\\\\"\",\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
        + "\"arr\":\"{1,2,3}\",\"nan\":\"NaN\",\"doc\":{\"nested\": {\"deep\": 1.10}}}";
    awaitValue("kinds", "1", expected);
    // the row copied by the snapshot and the same values streamed encode alike
    pg.sql("insert into kinds select 2, n, big, small, f8, b, ts, tsl, d, j, js, bin, txt, empty, uni, u, arr, nan,"
        + " doc from kinds where id = 1",
        "update kinds set (n, big, small, f8, b, ts, tsl, d, j, js, bin, txt, empty, uni, u, arr, nan, doc) ="
            + " (select n, big, small, f8, b, ts, tsl, d, j, js, bin, txt, empty, uni, u, arr, nan, doc from kinds"
            + " where id = 1) where id = 0");
    awaitValue("kinds", "2", expected.replace("\"id\":1,", "\"id\":2,"));
    awaitValue("kinds", "0", expected.replace("\"id\":1,", "\"id\":0,"));
  }

  @Test
  void anUnchangedToastedValueIsReadAgainUnderTheDefaultReplicaIdentity() throws Exception {
    String body = "x".repeat(20_000) + "-" + "y".repeat(20_000); // compressible past the TOAST threshold
    pg.sql("alter table docs alter column body set storage external",
        "insert into docs values (1, 'v1', '" + body + "')");
    awaitValue("docs", "1", "{\"id\":1,\"title\":\"v1\",\"body\":\"" + body + "\"}");
    pg.sql("update docs set title = 'v2' where id = 1");
    awaitValue("docs", "1", "{\"id\":1,\"title\":\"v2\",\"body\":\"" + body + "\"}");
    assertThat(PgHarness.fold(log, "docs").get("1")).doesNotContain("null");
  }

  @Test
  void anUnchangedToastedValueComesFromTheOldRowUnderReplicaIdentityFull() throws Exception {
    String body = "z".repeat(30_000);
    pg.sql("alter table docs_full alter column body set storage external",
        "insert into docs_full values (2, 'v1', '" + body + "')");
    awaitValue("docs", "2", "{\"id\":2,\"title\":\"v1\",\"body\":\"" + body + "\"}");
    // changed and deleted in one transaction: re-reading could not find it, the old row has the value
    pg.transaction("update docs_full set title = 'v2' where id = 2", "insert into docs_full values (3, 'marker', '')");
    awaitValue("docs", "3", "{\"id\":3,\"title\":\"marker\",\"body\":\"\"}");
    assertThat(PgHarness.fold(log, "docs").get("2")).isEqualTo("{\"id\":2,\"title\":\"v2\",\"body\":\"" + body + "\"}");
  }

  @Test
  void aTruncateIsNotPropagatedAndStreamingGoesOn() throws Exception {
    pg.sql("insert into pairs values ('tr', 1, 'kept')");
    awaitValue("pairs", "[\"tr\",\"1\"]", "{\"region\":\"tr\",\"id\":1,\"v\":\"kept\"}");
    int entries = PgHarness.entries(log, "pairs").size();
    pg.sql("truncate pairs", "insert into pairs values ('tr', 2, 'after')");
    awaitValue("pairs", "[\"tr\",\"2\"]", "{\"region\":\"tr\",\"id\":2,\"v\":\"after\"}");
    assertThat(PgHarness.fold(log, "pairs")).containsKey("[\"tr\",\"1\"]");
    assertThat(PgHarness.entries(log, "pairs")).hasSize(entries + 1);
  }

  @Test
  void aTransactionLargerThanAProposalIsCommittedInPartsAsOneEntry() throws Exception {
    pg.sql("create table wide (id int primary key, v text)");
    try (CommittedLog small = io.committed.Committed.builder().inMemory().maxProposalBytes(16 * 1024)
        .environment(n -> n.equals("PGPASSWORD") ? PgHarness.SERVER.password() : null).start()) {
      LogFixtures.defineTypes(small, "wide");
      small.ingestables().define("wide", pg.config("wide", "wide", "[\"wide\"]", "", ""));
      PgHarness.awaitStreaming(small, "wide");
      pg.sql("insert into wide select g, repeat('w', 200) from generate_series(1, 3000) g"); // about 700 KiB
      await("the wide transaction").atMost(WAIT).until(() -> PgHarness.fold(small, "wide").size() == 3000);
      List<LogEntry> entries = PgHarness.entries(small, "wide");
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).entities()).hasSize(3000);
      assertThat(entries.get(0).entities().get(2999).keyAsString()).isEqualTo("3000");
      small.ingestables().remove("wide"); // drops its slot
    }
  }

  private static LogEntry lastEntry(String topic) {
    List<LogEntry> entries = PgHarness.entries(log, topic);
    return entries.get(entries.size() - 1);
  }
}
