package io.committed.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real PostgreSQL and MariaDB servers for integration tests, never mocks.
 *
 * <p>Where they come from, in order:
 *
 * <ol>
 *   <li>environment variables {@code COMMITTED_TEST_POSTGRES_URL} / {@code _USER} /
 *       {@code _PASSWORD} (and {@code COMMITTED_TEST_MARIADB_...}), as {@code scripts/test.sh} sets
 *       them for the servers it configures;
 *   <li>otherwise Testcontainers, when a Docker engine is available (add
 *       {@code org.testcontainers:postgresql} / {@code mariadb} to the test class path);
 *   <li>otherwise the test fails with an {@link AssertionError} that says what to do: a missing
 *       database never skips tests silently.
 * </ol>
 *
 * <p>Both servers are configured for change data capture (PostgreSQL {@code wal_level=logical};
 * MariaDB binlog in {@code ROW} format with full row images and metadata).
 */
public final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Pattern URL = Pattern.compile("(jdbc:[a-z]+://[^/]+/)([^?;]*)(.*)");

  private TestDatabases() {}

  /**
   * Connection settings of one test database.
   *
   * @param dialect {@code postgres} or {@code mariadb}
   * @param jdbcUrl its JDBC URL, without credentials
   * @param user the user, with every privilege including replication
   * @param password the user's password
   */
  public record Database(String dialect, String jdbcUrl, String user, String password) {

    /** A new connection (the JDBC driver must be on the test class path). */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The same server, another database. */
    public Database withDatabase(String name) {
      Matcher m = URL.matcher(jdbcUrl);
      if (!m.matches()) {
        throw new IllegalArgumentException("cannot find the database name in " + jdbcUrl);
      }
      return new Database(dialect, m.group(1) + name + m.group(3), user, password);
    }

    /** Runs statements, each on its own, auto-committed. */
    public void execute(String... sql) throws SQLException {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        for (String q : sql) {
          s.execute(q);
        }
      }
    }

    /**
     * Creates an empty database with a unique name starting with {@code prefix} (lower case
     * letters, digits, {@code _}), so that tests running side by side never see each other's
     * tables, slots or publications.
     */
    public Database freshDatabase(String prefix) throws SQLException {
      if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
        throw new IllegalArgumentException("database prefix must be lower case letters, digits and _: " + prefix);
      }
      String name = prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
      execute("create database " + name);
      return withDatabase(name);
    }

    /** Drops a database made by {@link #freshDatabase} (PostgreSQL: after terminating its sessions). */
    public void dropDatabase(Database database) throws SQLException {
      String name = database.databaseName();
      if (dialect.equals("postgres")) {
        execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + name
            + "' and pid <> pg_backend_pid()", "drop database if exists " + name);
      } else {
        execute("drop database if exists " + name);
      }
    }

    /**
     * Shuts the server down cleanly and starts it again, for tests of what survives a server
     * restart; returns once it accepts connections. Runs the command in the environment variable
     * {@code COMMITTED_TEST_<DIALECT>_RESTART} ({@code scripts/test-databases.sh} sets it for the
     * local servers; it needs root), with {@code bash -c}.
     *
     * @throws AssertionError when there is no such command (a server from Testcontainers, or one of
     *     your own: set the variable), or it fails
     */
    public void restartServer() throws java.io.IOException, InterruptedException {
      String variable = "COMMITTED_TEST_" + dialect.toUpperCase(Locale.ROOT) + "_RESTART";
      String command = System.getenv(variable);
      if (command == null || command.isBlank()) {
        throw new AssertionError("this test restarts the " + dialect + " server, and " + variable + " names no"
            + " command that does: run scripts/test.sh (which sets it for the local servers), or set it yourself");
      }
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError("restarting the " + dialect + " server with '" + command + "' failed: " + output);
      }
    }

    /** The database's name, from the URL. */
    public String databaseName() {
      Matcher m = URL.matcher(jdbcUrl);
      return m.matches() ? m.group(2) : "";
    }
  }

  /** The PostgreSQL server for tests. */
  public static Database postgres() {
    return fromEnvironment("postgres", "POSTGRES").orElseGet(() -> Containers.start("postgres"));
  }

  /** The MariaDB (MySQL-compatible) server for tests. */
  public static Database mariadb() {
    return fromEnvironment("mariadb", "MARIADB").orElseGet(() -> Containers.start("mariadb"));
  }

  private static java.util.Optional<Database> fromEnvironment(String dialect, String name) {
    String url = System.getenv("COMMITTED_TEST_" + name + "_URL");
    if (url == null || url.isBlank()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Database(dialect, url,
        System.getenv().getOrDefault("COMMITTED_TEST_" + name + "_USER", ""),
        System.getenv().getOrDefault("COMMITTED_TEST_" + name + "_PASSWORD", "")));
  }

  /** Testcontainers, loaded only when needed so that it stays an optional dependency. */
  private static final class Containers {
    private static Database postgres;
    private static Database mariadb;

    static synchronized Database start(String dialect) {
      String name = dialect.toUpperCase(Locale.ROOT);
      try {
        if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
          throw missing(name, "no Docker engine is available for Testcontainers");
        }
      } catch (NoClassDefFoundError e) {
        throw missing(name, "Testcontainers is not on the test class path");
      }
      if (dialect.equals("postgres")) {
        if (postgres == null) {
          var c = new org.testcontainers.containers.PostgreSQLContainer<>("postgres:15-alpine")
              .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=32",
                  "-c", "max_wal_senders=32");
          c.start();
          postgres = new Database("postgres", c.getJdbcUrl(), c.getUsername(), c.getPassword());
        }
        return postgres;
      }
      if (mariadb == null) {
        var c = new org.testcontainers.containers.MariaDBContainer<>("mariadb:10.11")
            .withUsername("root").withPassword("test")
            .withCommand("--server-id=1", "--log-bin=mariadb-bin", "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL");
        c.start();
        mariadb = new Database("mariadb", c.getJdbcUrl(), c.getUsername(), c.getPassword());
      }
      return mariadb;
    }

    private static AssertionError missing(String name, String why) {
      return new AssertionError("No " + name + " server for the integration tests (" + why + "). Run"
          + " scripts/test.sh, which configures the local servers and sets COMMITTED_TEST_" + name + "_URL, _USER"
          + " and _PASSWORD; or set those variables yourself; or start a Docker engine.");
    }
  }
}
