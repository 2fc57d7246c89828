package io.committed.ingest.mysql;

import io.committed.ingest.sql.SqlIngestableContract;
import io.committed.ingest.sql.SqlTestSource;
import io.committed.spi.IngestableFactory;

/** The testkit's {@link io.committed.testkit.IngestableContract} against the MariaDB ingestable and the real server. */
class MariaDbIngestableContractIT extends SqlIngestableContract {

  @Override
  public IngestableFactory factory() {
    return new MariaDbIngestableFactory();
  }

  @Override
  protected SqlTestSource openSource() throws Exception {
    return new MyHarness("mycontract");
  }
}
