package io.committed.sync.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** The end-to-end scenarios against the MariaDb test server (a fresh database, dropped after). */
class MariaDbSqlSyncableIT extends SqlSyncableScenarios {
  @BeforeAll
  static void openTarget() throws Exception {
    open("mariadb");
  }

  @Override
  String dialect() {
    return "mariadb";
  }
}
