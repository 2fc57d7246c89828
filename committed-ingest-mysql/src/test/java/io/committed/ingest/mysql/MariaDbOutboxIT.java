package io.committed.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PermanentIngestException;
import io.committed.testkit.Await;
import io.committed.testkit.TestIngestLog;
import io.committed.testkit.TestIngestRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An outbox table routed by aggregate type and id, against the real MariaDB. */
class MariaDbOutboxIT {
  private static final IngestableFactory FACTORY = new MariaDbIngestableFactory();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("myoutbox");
    my.sql("create table outbox (id bigint auto_increment primary key, aggregatetype varchar(100) not null,"
        + " aggregateid varchar(100) not null, type varchar(50), payload json)",
        "create table orders (id int primary key, v varchar(20))");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  private TestIngestLog log(String outbox) {
    String doc = my.config("s", "orders", "[\"orders\"]", outbox, "");
    return TestIngestLog.builder(FACTORY).ingestableId("s").environment(my.environment()).document(doc)
        .type("orders").type("customers").type("events").start();
  }

  private static List<String> entries(TestIngestLog t) {
    List<LogEntry> out = new ArrayList<>();
    for (List<LogEntry> page = t.log().read(1, 10_000); !page.isEmpty(); page = t.log().read(out.size() + 1, 10_000)) {
      out.addAll(page);
    }
    return out.stream().map(e -> e.entities().stream().filter(x -> !x.typeId().startsWith("_"))
        .map(x -> x.typeId() + ":" + x.keyAsString() + (x.delete() ? "-" : "=" + x.dataAsString()))
        .collect(Collectors.joining(" "))).filter(s -> !s.isEmpty()).toList();
  }

  @Test
  void insertsRouteToTypesAndKeysAndAnInsertDeletedInItsTransactionStillCounts() throws Exception {
    try (TestIngestLog t = log("[[sql.outbox]]\ntable = \"outbox\"\n")) {
      TestIngestRun run = t.newRun();
      run.runInBackground(FACTORY);
      Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
      my.transaction("insert into outbox (aggregatetype, aggregateid, type, payload) values"
          + " ('orders', '1', 'created', '{\"total\": 10}'), ('customers', 'c-7', 'renamed', '\"Ada\"')");
      my.transaction("insert into outbox (aggregatetype, aggregateid, type, payload) values"
          + " ('orders', '1', 'paid', '{\"paid\": true}')", "delete from outbox");
      my.sql("update outbox set type = 'x'", "insert into orders values (2, 'after')");
      Await.until("the last row", WAIT, () -> entries(t).stream().anyMatch(s -> s.startsWith("orders:2=")));
      assertThat(entries(t)).containsExactly(
          "orders:1={\"payload\":{\"total\": 10},\"id\":1,\"type\":\"created\"}"
              + " customers:c-7={\"payload\":\"Ada\",\"id\":2,\"type\":\"renamed\"}",
          "orders:1={\"payload\":{\"paid\": true},\"id\":3,\"type\":\"paid\"}",
          "orders:2={\"id\":2,\"v\":\"after\"}");
    }
  }

  @Test
  void aFixedTypeCarriesTheAggregateTypeAsAField() throws Exception {
    try (TestIngestLog t = log("[[sql.outbox]]\ntable = \"outbox\"\ntype = \"events\"\nfields = []\n")) {
      TestIngestRun run = t.newRun();
      run.runInBackground(FACTORY);
      Await.until("streaming", WAIT, () -> run.lastReported().map(s -> s.phase().equals("streaming")).orElse(false));
      my.sql("insert into outbox (aggregatetype, aggregateid, payload) values ('orders', 'o-1', '[1]')");
      Await.until("the row", WAIT, () -> !entries(t).isEmpty());
      assertThat(entries(t)).containsExactly("events:o-1={\"payload\":[1],\"aggregatetype\":\"orders\"}");
    }
  }

  @Test
  void anOutboxColumnThatDoesNotExistIsRefusedBeforeAnythingIsWritten() {
    try (TestIngestLog t = log("[[sql.outbox]]\ntable = \"outbox\"\nkeyColumn = \"aggregate_id\"\n")) {
      CompletableFuture<Void> done = t.newRun().runInBackground(FACTORY);
      Await.until("the run to fail", Duration.ofSeconds(30), done::isDone);
      assertThat(t.log().lastIndex()).isZero();
      Throwable cause = done.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join();
      assertThat(cause).isInstanceOf(PermanentIngestException.class)
          .hasMessageContaining("keyColumn 'aggregate_id' is not a column of " + my.db.databaseName() + ".outbox");
    }
  }
}
