package io.committed.ingest.postgres;

import io.committed.ingest.sql.SqlIngestableContract;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.spi.IngestableFactory;

/** The testkit's {@link io.committed.testkit.IngestableContract} against the PostgreSQL ingestable and a real server. */
class PostgresIngestableContractIT extends SqlIngestableContract {

  @Override
  public IngestableFactory factory() {
    return new PostgresIngestableFactory();
  }

  @Override
  protected SqlTestSource openSource() throws Exception {
    return new PgHarness("pgcontract");
  }
}
