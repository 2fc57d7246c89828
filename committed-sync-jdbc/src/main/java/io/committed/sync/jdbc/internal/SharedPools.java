package io.committed.sync.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool per target database in the process, shared by every syncable that writes to
 * it and reference-counted: the pool opens with the first syncable that needs it and closes with
 * the last one. The sync worker makes a new syncable after every transient failure, so pools are
 * created lazily (no connection is attempted until one is needed), and a pool is keyed by the
 * resolved connection settings: a database config that changes gets a new pool.
 */
public final class SharedPools {
  private static final Logger LOG = LoggerFactory.getLogger(SharedPools.class);
  private static final Map<Key, Entry> POOLS = new HashMap<>();

  private record Key(Dialect dialect, String url, String user, String password, int maxConnections,
      java.time.Duration connectTimeout) {
    @Override
    public String toString() { // never the URL or the password: they may hold secrets
      return "pool[" + dialect.id() + "]";
    }
  }

  private static final class Entry {
    final HikariDataSource pool;
    int users;

    Entry(HikariDataSource pool) {
      this.pool = pool;
    }
  }

  /** A syncable's use of a pool; {@link #close} gives it back. Not thread-safe; closing twice is harmless. */
  public static final class Lease implements AutoCloseable {
    private final Key key;
    private final HikariDataSource pool;
    private boolean closed;

    private Lease(Key key, HikariDataSource pool) {
      this.key = key;
      this.pool = pool;
    }

    public HikariDataSource dataSource() {
      return pool;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(key);
      }
    }
  }

  private SharedPools() {}

  /** Takes a lease on the pool for {@code settings}, creating the pool when none is open. */
  public static Lease acquire(DatabaseSettings settings) {
    Key key = new Key(settings.dialect(), settings.jdbcUrl(), settings.user(), settings.password(),
        settings.maxConnections(), settings.connectTimeout());
    synchronized (POOLS) {
      Entry e = POOLS.get(key);
      if (e == null) {
        e = new Entry(new HikariDataSource(config(settings)));
        POOLS.put(key, e);
        LOG.debug("opened {} for database '{}'", key, settings.databaseId());
      }
      e.users++;
      return new Lease(key, e.pool);
    }
  }

  private static void release(Key key) {
    HikariDataSource toClose = null;
    synchronized (POOLS) {
      Entry e = POOLS.get(key);
      if (e != null && --e.users == 0) {
        POOLS.remove(key);
        toClose = e.pool;
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /** How many pools are open (for tests). */
  public static int openPools() {
    synchronized (POOLS) {
      return POOLS.size();
    }
  }

  static HikariConfig config(DatabaseSettings s) {
    HikariConfig c = new HikariConfig();
    String url = s.jdbcUrl();
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:mysql:") && !classPresent("com.mysql.cj.jdbc.Driver")) {
      url = "jdbc:mariadb:" + url.substring("jdbc:mysql:".length()); // the bundled driver serves MySQL too
      lower = url.toLowerCase(Locale.ROOT);
    }
    c.setJdbcUrl(url);
    if (s.user() != null) {
      c.setUsername(s.user());
    }
    if (s.password() != null) {
      c.setPassword(s.password());
    }
    c.setPoolName("committed-sql-" + s.databaseId());
    c.setMaximumPoolSize(s.maxConnections());
    c.setMinimumIdle(Math.min(1, s.maxConnections()));
    c.setAutoCommit(false);
    c.setConnectionTimeout(s.connectTimeout().toMillis());
    c.setValidationTimeout(Math.min(3_000, s.connectTimeout().toMillis()));
    c.setIdleTimeout(120_000);
    c.setInitializationFailTimeout(-1); // connect lazily: failures surface in sync, as transient errors
    Properties p = new Properties();
    switch (s.dialect()) {
      case POSTGRES -> {
        // A multi-row INSERT per batch instead of one statement per row.
        putUnlessInUrl(p, lower, "reWriteBatchedInserts", "true");
        putUnlessInUrl(p, lower, "tcpKeepAlive", "true");
        putUnlessInUrl(p, lower, "socketTimeout", "300");
        putUnlessInUrl(p, lower, "ApplicationName", "committed-sync");
        // Row values stay out of error messages: those become dead letters, replicated and kept.
        putUnlessInUrl(p, lower, "logServerErrorDetail", "false");
      }
      case MYSQL -> {
        if (lower.startsWith("jdbc:mysql:")) { // MySQL Connector/J
          putUnlessInUrl(p, lower, "rewriteBatchedStatements", "true");
          putUnlessInUrl(p, lower, "socketTimeout", "300000");
        } else { // MariaDB Connector/J: the bulk protocol for deletes too (inserts use it by default)
          putUnlessInUrl(p, lower, "useBulkStmts", "true");
          putUnlessInUrl(p, lower, "socketTimeout", "300000");
        }
        // Strict: a value that does not fit is an error, never a silent truncation; instants in UTC.
        c.setConnectionInitSql("SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
      }
      case H2 -> {
        if (lower.startsWith("jdbc:h2:mem:") && !lower.contains("db_close_delay")) {
          url = url + ";DB_CLOSE_DELAY=-1"; // an in-memory database must outlive a closed pool
          c.setJdbcUrl(url);
        }
      }
    }
    c.setDataSourceProperties(p);
    return c;
  }

  private static void putUnlessInUrl(Properties p, String lowerUrl, String name, String value) {
    if (!lowerUrl.contains(name.toLowerCase(Locale.ROOT) + "=")) {
      p.setProperty(name, value);
    }
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, SharedPools.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
