package io.committed.ingest.sql;

import io.committed.api.LogEntry;
import io.committed.testkit.IngestableContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The testkit's {@link IngestableContract} for a SQL source: one table {@code tx} in a fresh
 * database, each source transaction an auto-committed insert whose key is its number.
 */
public abstract class SqlIngestableContract implements IngestableContract {
  private SqlTestSource source;

  /** A fresh database on the source's test server. */
  protected abstract SqlTestSource openSource() throws Exception;

  @BeforeEach
  void createSource() throws Exception {
    source = openSource();
    source.sql("create table tx (n int primary key, note varchar(100))");
  }

  @AfterEach
  void dropSource() throws Exception {
    source.close();
  }

  @Override
  public String document(String ingestableId) {
    return source.config(ingestableId, "tx", "[\"tx\"]", "", "");
  }

  @Override
  public List<String> types() {
    return List.of("tx");
  }

  @Override
  public Map<String, String> environment() {
    return source.environment();
  }

  @Override
  public void writeTransactions(int from, int to) throws Exception {
    List<String> inserts = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      inserts.add("insert into tx values (" + n + ", 'transaction " + n + "')"); // each one auto-committed
    }
    source.sql(inserts.toArray(String[]::new));
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
