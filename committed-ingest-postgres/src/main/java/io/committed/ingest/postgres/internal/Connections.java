package io.committed.ingest.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/** Opens connections to the source database: ordinary ones, and replication ones for the slot. */
public final class Connections {
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

  private final String url;
  private final String applicationName;

  public Connections(String url, String applicationName) {
    this.url = url;
    this.applicationName = applicationName;
  }

  /**
   * An ordinary connection in auto-commit mode. Results come in text form (binary transfer off),
   * exactly as pgoutput writes values, so a snapshot row and a streamed row encode alike.
   */
  public Connection open() throws SQLException {
    Properties p = new Properties();
    PGProperty.BINARY_TRANSFER.set(p, false);
    PGProperty.APPLICATION_NAME.set(p, applicationName);
    return connect(p);
  }

  /** A logical replication connection (walsender mode, simple query protocol). */
  public Connection openReplication() throws SQLException {
    Properties p = new Properties();
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.APPLICATION_NAME.set(p, applicationName);
    return connect(p);
  }

  private Connection connect(Properties p) throws SQLException {
    Connection c = DRIVER.connect(url, p);
    if (c == null) {
      throw new SQLException("not a PostgreSQL JDBC URL: " + url.replaceAll("password=[^&]*", "password=***"));
    }
    return c;
  }
}
