package io.committed.sync.jdbc;

import io.committed.spi.SyncableContext;
import io.committed.testkit.TestDatabases;
import io.committed.testkit.TestSyncableContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One target database for a test class: a fresh PostgreSQL or MariaDB database on the test servers
 * (dropped by {@link #close}), or an in-memory H2 database. Builds the config documents that point
 * the syncable at it, with the credentials in environment variables as a real config would have.
 */
public final class TestTarget implements AutoCloseable {
  private static final AtomicInteger H2_COUNTER = new AtomicInteger();

  private final String dialect;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final TestDatabases.Database server;
  private final TestDatabases.Database database;

  private TestTarget(String dialect, String jdbcUrl, String user, String password, TestDatabases.Database server,
      TestDatabases.Database database) {
    this.dialect = dialect;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.server = server;
    this.database = database;
  }

  /** A fresh database on the PostgreSQL test server. */
  public static TestTarget postgres(String prefix) throws SQLException {
    return onServer(TestDatabases.postgres(), prefix);
  }

  /** A fresh database on the MariaDB test server. */
  public static TestTarget mariadb(String prefix) throws SQLException {
    return onServer(TestDatabases.mariadb(), prefix);
  }

  /** A fresh in-memory H2 database. */
  public static TestTarget h2(String prefix) {
    return new TestTarget("h2", "jdbc:h2:mem:" + prefix + "_" + H2_COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
        "sa", "", null, null);
  }

  /** The target named by dialect: postgres, mariadb or h2. */
  public static TestTarget of(String dialect, String prefix) throws SQLException {
    return switch (dialect) {
      case "postgres" -> postgres(prefix);
      case "mariadb" -> mariadb(prefix);
      case "h2" -> h2(prefix);
      default -> throw new IllegalArgumentException(dialect);
    };
  }

  private static TestTarget onServer(TestDatabases.Database server, String prefix) throws SQLException {
    TestDatabases.Database db = server.freshDatabase(prefix);
    return new TestTarget(server.dialect(), db.jdbcUrl(), db.user(), db.password(), server, db);
  }

  public String dialect() {
    return dialect;
  }

  /** The variables the connection string refers to. */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("TEST_DB_USER", user);
    env.put("TEST_DB_PASSWORD", password);
    return env;
  }

  /** The connection string, with the credentials as ${VAR}s. */
  public String connectionString() {
    String sep = jdbcUrl.contains("?") ? "&" : "?";
    return dialect.equals("h2") ? jdbcUrl + ";USER=${TEST_DB_USER}"
        : jdbcUrl + sep + "user=${TEST_DB_USER}&password=${TEST_DB_PASSWORD}";
  }

  /** The URL of the same server on a port where nothing listens (an unreachable target). */
  public String unreachableConnectionString() {
    if (dialect.equals("h2")) {
      return "jdbc:h2:tcp://127.0.0.1:1/mem:nothing;USER=${TEST_DB_USER}";
    }
    return connectionString().replaceFirst("//[^/]+/", "//127.0.0.1:1/");
  }

  /** A database config document for this target. */
  public String databaseToml(String connectionString) {
    return "[database]\ntype = \"sql\"\n[sql]\ndialect = \"" + dialect + "\"\nconnectionString = \"" + connectionString
        + "\"\nconnectTimeout = \"1s\"\n";
  }

  public String databaseToml() {
    return databaseToml(connectionString());
  }

  /** A context for the syncable document {@code syncableToml}, whose {@code db} is "target". */
  public SyncableContext context(String syncableId, String syncableToml) {
    return context(syncableId, syncableToml, databaseToml());
  }

  /** A context with the given database document as "target". */
  public SyncableContext context(String syncableId, String syncableToml, String databaseToml) {
    return TestSyncableContext.builder().syncableId(syncableId).document(syncableToml)
        .database("target", databaseToml).environment(environment()).build();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Runs statements, auto-committed. */
  public void execute(String... sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The rows of a query, each as a list of column values (getObject). */
  public List<List<Object>> query(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /**
   * Kills every other session on this database (the database "going away" for its clients); on H2,
   * cancels the statements they are running. Returns how many were hit.
   */
  public int killSessions() throws SQLException {
    if (dialect.equals("postgres")) {
      List<List<Object>> r = query("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '"
          + database.databaseName() + "' and pid <> pg_backend_pid()");
      return ((Number) r.get(0).get(0)).intValue();
    }
    if (dialect.equals("mariadb")) {
      int killed = 0;
      try (Connection c = connect(); Statement s = c.createStatement()) {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("select id from information_schema.processlist where db = '"
            + database.databaseName() + "' and id <> connection_id()")) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        for (long id : ids) {
          try {
            s.execute("kill " + id);
            killed++;
          } catch (SQLException e) {
            // already gone
          }
        }
      }
      return killed;
    }
    // H2: cancel what the other sessions of this in-memory database are running (their statement
    // fails, as on a lost connection). ABORT_SESSION is not used: it cannot close a session that is
    // inside a trigger (error 90058, the write counter's), and the half-closed session it leaves
    // behind then makes the whole database report itself closed.
    // Statements are short on an in-memory database: look again for a while until one is hit.
    int killed = 0;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (int attempt = 0; attempt < 200 && killed == 0; attempt++) {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS"
            + " WHERE SESSION_ID <> SESSION_ID() AND EXECUTING_STATEMENT IS NOT NULL")) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        for (long id : ids) {
          try (ResultSet rs = s.executeQuery("SELECT CANCEL_SESSION(" + id + ")")) {
            killed += rs.next() && rs.getBoolean(1) ? 1 : 0;
          }
        }
        if (killed == 0) {
          LockSupport.parkNanos(100_000);
        }
      }
    }
    return killed;
  }

  @Override
  public void close() throws SQLException {
    if (server != null) {
      server.dropDatabase(database);
    } else {
      execute("SHUTDOWN");
    }
  }
}
