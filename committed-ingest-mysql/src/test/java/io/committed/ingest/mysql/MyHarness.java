package io.committed.ingest.mysql;

import io.committed.testkit.TestDatabases;
import io.committed.testkit.TestDatabases.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** A fresh MariaDB database for one test, dropped on close. */
final class MyHarness implements AutoCloseable {
  static final Database SERVER = TestDatabases.mariadb();

  final Database db;

  MyHarness(String prefix) throws SQLException {
    db = SERVER.freshDatabase(prefix);
  }

  /** The connection string of this database, its password as ${MYSQL_PASSWORD}. */
  String connectionString() {
    return connectionString(SERVER.user());
  }

  String connectionString(String user) {
    return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + user + "&password=${MYSQL_PASSWORD}";
  }

  static Map<String, String> environment() {
    return Map.of("MYSQL_PASSWORD", SERVER.password());
  }

  /** A flat-form ingestable config. */
  String config(String id, String topic, String tables, String extraSql, String extraMysql) {
    return config(id, connectionString(), topic, tables, extraSql, extraMysql);
  }

  String config(String id, String connectionString, String topic, String tables, String extraSql,
      String extraMysql) {
    return "[ingestable]\nname = \"" + id + "\"\ntype = \"sql\"\n"
        + "[sql]\ndialect = \"mariadb\"\ntopic = \"" + topic + "\"\nconnectionString = \"" + connectionString + "\"\n"
        + "tables = " + tables + "\n" + extraSql + "\n"
        + "[sql.mysql]\nstatus_interval = \"1s\"\nheartbeat_interval = \"1s\"\nconnect_timeout = \"3s\"\n"
        + extraMysql + "\n";
  }

  void sql(String... statements) throws SQLException {
    db.execute(statements);
  }

  /** Runs statements in one transaction. */
  void transaction(String... statements) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String q : statements) {
        s.execute(q);
      }
      c.commit();
    }
  }

  @Override
  public void close() throws SQLException {
    SERVER.dropDatabase(db);
  }
}
