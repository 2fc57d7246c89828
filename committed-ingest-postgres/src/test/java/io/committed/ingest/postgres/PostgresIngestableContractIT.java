package io.committed.ingest.postgres;

import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.testkit.IngestableContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The testkit's {@link IngestableContract} against the PostgreSQL ingestable and a real server. */
class PostgresIngestableContractIT implements IngestableContract {
  private PgHarness pg;

  @BeforeEach
  void source() throws Exception {
    pg = new PgHarness("pgcontract");
    pg.sql("create table tx (n int primary key, note text)");
  }

  @AfterEach
  void dropSource() throws Exception {
    pg.close();
  }

  @Override
  public IngestableFactory factory() {
    return new PostgresIngestableFactory();
  }

  @Override
  public String document(String ingestableId) {
    return pg.config(ingestableId, "tx", "[\"tx\"]", "", "");
  }

  @Override
  public List<String> types() {
    return List.of("tx");
  }

  @Override
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("PGPASSWORD", PgHarness.SERVER.password());
    return env;
  }

  @Override
  public void writeTransactions(int from, int to) throws Exception {
    List<String> inserts = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      inserts.add("insert into tx values (" + n + ", 'transaction " + n + "')"); // each one auto-committed
    }
    pg.sql(inserts.toArray(String[]::new));
  }

  @Override
  public int transactionOf(LogEntry entry) {
    return Integer.parseInt(entry.entities().get(0).keyAsString());
  }

  @Override
  public String unreachableDocument(String ingestableId) {
    return document(ingestableId).replaceFirst("//[^/]+/", "//127.0.0.1:1/");
  }
}
