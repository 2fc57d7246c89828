package io.committed.sync.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** The end-to-end scenarios against in-memory H2. */
class H2SqlSyncableTest extends SqlSyncableScenarios {
  @BeforeAll
  static void openTarget() throws Exception {
    open("h2");
  }

  @Override
  String dialect() {
    return "h2";
  }
}
