package io.committed.sync.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** The end-to-end scenarios against the Postgres test server (a fresh database, dropped after). */
class PostgresSqlSyncableIT extends SqlSyncableScenarios {
  @BeforeAll
  static void openTarget() throws Exception {
    open("postgres");
  }

  @Override
  String dialect() {
    return "postgres";
  }
}
