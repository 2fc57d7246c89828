package io.committed.ingest.mysql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens JDBC connections to the source through MariaDB Connector/J (it serves MySQL too). Every
 * session runs in UTC, so that {@code TIMESTAMP} values read as text are the binary log's UTC.
 */
public final class Connections {
  private static final org.mariadb.jdbc.Driver DRIVER = new org.mariadb.jdbc.Driver();

  private final SourceAddress address;
  private final long connectTimeoutMillis;

  public Connections(SourceAddress address, long connectTimeoutMillis) {
    this.address = address;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** A connection in auto-commit mode, session time zone UTC. */
  public Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("connectTimeout", Long.toString(connectTimeoutMillis));
    p.setProperty("permitMysqlScheme", "true");
    Connection c = DRIVER.connect(address.jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("not a MariaDB Connector/J URL: " + SourceAddress.masked(address.jdbcUrl()));
    }
    try (Statement s = c.createStatement()) {
      s.execute("set time_zone = '+00:00'");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }
}
