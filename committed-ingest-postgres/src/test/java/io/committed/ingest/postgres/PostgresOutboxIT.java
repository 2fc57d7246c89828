package io.committed.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.testkit.LogFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An outbox table routed by aggregate type and id, against a real PostgreSQL. */
class PostgresOutboxIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private PgHarness pg;

  @BeforeEach
  void start() throws Exception {
    pg = new PgHarness("pgoutbox");
    pg.sql("create table outbox (id uuid primary key default gen_random_uuid(), aggregatetype text not null,"
        + " aggregateid text not null, type text, payload jsonb, created timestamptz default now())",
        "create table items (id int primary key, v text)");
  }

  @AfterEach
  void stop() throws Exception {
    pg.close();
  }

  private String config(String outbox) {
    return "[ingestable]\nname = \"o\"\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\nconnectionString = \""
        + pg.connectionString() + "\"\ntopic = \"items\"\ntables = [\"items\"]\n" + outbox
        + "[sql.postgres]\nslot_name = \"" + pg.slot("o") + "\"\nheartbeat_interval = \"1s\"\nstatus_interval = \"1s\"\n";
  }

  @Test
  void insertsRouteToTheirAggregatesTypeAndKeyEvenWhenDeletedInTheSameTransaction() throws Exception {
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "items", "orders", "customers");
    log.ingestables().define("o", config("[[sql.outbox]]\ntable = \"outbox\"\n"));
    PgHarness.awaitStreaming(log, "o");
    pg.transaction("insert into outbox (aggregatetype, aggregateid, type, payload) values"
        + " ('orders', 'o-1', 'created', '{\"total\": 10}')",
        "insert into outbox (aggregatetype, aggregateid, type, payload) values"
        + " ('customers', 'c-7', 'renamed', '{\"name\": \"Ada\"}')",
        "insert into items values (1, 'one')");
    pg.transaction("insert into outbox (aggregatetype, aggregateid, type, payload) values"
        + " ('orders', 'o-1', 'paid', '{\"total\": 10, \"paid\": true}')",
        "delete from outbox");
    pg.sql("update outbox set type = 'ignored'", "insert into items values (2, 'after')");
    await("the outbox rows").atMost(WAIT).until(() -> PgHarness.fold(log, "items").containsKey("2"));
    assertThat(PgHarness.fold(log, "customers")).containsOnlyKeys("c-7");
    assertThat(PgHarness.fold(log, "customers").get("c-7")).startsWith("{\"payload\":{\"name\": \"Ada\"}")
        .contains("\"type\":\"renamed\"");
    assertThat(PgHarness.fold(log, "orders").get("o-1")).startsWith("{\"payload\":{\"paid\": true, \"total\": 10}")
        .contains("\"type\":\"paid\"");
    // one source transaction = one entry, the outbox rows in the order they were inserted, the delete ignored
    List<LogEntry> entries = PgHarness.all(log).stream()
        .filter(e -> e.entities().stream().anyMatch(x -> !x.typeId().startsWith("_"))).toList();
    assertThat(entries).hasSize(3);
    assertThat(entries.get(0).entities()).extracting(Entity::typeId).containsExactly("orders", "customers", "items");
    assertThat(entries.get(1).entities()).extracting(Entity::typeId, Entity::delete)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", false));
    assertThat(entries.get(2).entities()).extracting(Entity::typeId).containsExactly("items");
  }

  @Test
  void anOutboxColumnThatDoesNotExistIsRefusedBeforeAnythingIsWritten() {
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "items", "orders");
    log.ingestables().define("o", config("[[sql.outbox]]\ntable = \"outbox\"\npayloadColumn = \"body\"\n"));
    await("parked").atMost(WAIT).until(() -> log.ingest().status("o").parkedReason().isPresent());
    assertThat(log.ingest().status("o").parkedReason().orElseThrow())
        .contains("payloadColumn 'body' is not a column of public.outbox");
    assertThat(PgHarness.fold(log, "items")).isEmpty();
  }

  @Test
  void aRowOfAnUndefinedTypeParksTheIngestableNamingTheType() throws Exception {
    CommittedLog log = pg.startLog();
    LogFixtures.defineTypes(log, "items", "orders");
    log.ingestables().define("o", config("[[sql.outbox]]\ntable = \"outbox\"\n"));
    PgHarness.awaitStreaming(log, "o");
    pg.sql("insert into outbox (aggregatetype, aggregateid, payload) values ('invoices', 'i-1', '{}')");
    await("parked").atMost(WAIT).until(() -> log.ingest().status("o").parkedReason().isPresent());
    assertThat(log.ingest().status("o").parkedReason().orElseThrow()).contains("invoices");
    assertThat(Map.copyOf(PgHarness.fold(log, "orders"))).isEmpty();
  }
}
