package io.committed.sync.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The syncable contract against the Postgres test server (a fresh database, dropped after). */
class PostgresSyncableContractIT extends SqlContractSupport {
  private static TestTarget target;

  @BeforeAll
  static void start() throws Exception {
    target = TestTarget.postgres("jdbccontract");
  }

  @AfterAll
  static void stop() throws Exception {
    target.close();
  }

  @Override
  protected TestTarget target() {
    return target;
  }
}
