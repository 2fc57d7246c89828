package io.committed.sync.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The syncable contract against the MariaDb test server (a fresh database, dropped after). */
class MariaDbSyncableContractIT extends SqlContractSupport {
  private static TestTarget target;

  @BeforeAll
  static void start() throws Exception {
    target = TestTarget.mariadb("jdbccontract");
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
