package io.committed.sync.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The syncable contract against an in-memory H2 database. */
class H2SyncableContractTest extends SqlContractSupport {
  private static TestTarget target;

  @BeforeAll
  static void start() {
    target = TestTarget.h2("contract");
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
