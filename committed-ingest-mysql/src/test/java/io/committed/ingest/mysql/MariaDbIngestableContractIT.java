package io.committed.ingest.mysql;

import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import io.committed.testkit.IngestableContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The testkit's {@link IngestableContract} against the MariaDB ingestable and the real server. */
class MariaDbIngestableContractIT implements IngestableContract {
  private MyHarness my;

  @BeforeEach
  void source() throws Exception {
    my = new MyHarness("mycontract");
    my.sql("create table tx (n int primary key, note varchar(100))");
  }

  @AfterEach
  void dropSource() throws Exception {
    my.close();
  }

  @Override
  public IngestableFactory factory() {
    return new MariaDbIngestableFactory();
  }

  @Override
  public String document(String ingestableId) {
    return my.config(ingestableId, "tx", "[\"tx\"]", "", "");
  }

  @Override
  public List<String> types() {
    return List.of("tx");
  }

  @Override
  public Map<String, String> environment() {
    return MyHarness.environment();
  }

  @Override
  public void writeTransactions(int from, int to) throws Exception {
    List<String> inserts = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      inserts.add("insert into tx values (" + n + ", 'transaction " + n + "')"); // each one auto-committed
    }
    my.sql(inserts.toArray(String[]::new));
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
