package io.committed.ingest.mysql;

import io.committed.ingest.sql.SqlTestSource;
import io.committed.testkit.TestDatabases;
import io.committed.testkit.TestDatabases.Database;
import java.sql.SQLException;

/** A fresh MariaDB database for one test, dropped on close. */
final class MyHarness extends SqlTestSource {
  static final Database SERVER = TestDatabases.mariadb();

  MyHarness(String prefix) throws SQLException {
    super(SERVER, prefix, "mariadb", "mysql", "MYSQL_PASSWORD");
  }

  @Override
  protected String sourceDefaults(String ingestableId, String extraMysql) {
    return "status_interval = \"1s\"\nheartbeat_interval = \"1s\"\nconnect_timeout = \"3s\"\n";
  }
}
