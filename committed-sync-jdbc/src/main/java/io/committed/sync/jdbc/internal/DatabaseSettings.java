package io.committed.sync.jdbc.internal;

import io.committed.spi.PluginConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach a target database, from the {@code [sql]} section of a {@code database} config:
 * {@code dialect} and {@code connectionString}, plus the optional {@code maxConnections}.
 *
 * <p>The connection string is a JDBC URL ({@code jdbc:postgresql://host/db?user=app&password=${PGPASSWORD}}),
 * or, as in the original's configs, a URL ({@code postgres://app:${PGPASSWORD}@host:5432/db},
 * {@code mysql://app:${MYSQL_PASSWORD}@host:3306/db}) or a Go MySQL DSN
 * ({@code app:${MYSQL_PASSWORD}@tcp(host:3306)/db}), which are turned into JDBC URLs.
 *
 * @param databaseId the database config's id
 * @param dialect the SQL flavour
 * @param jdbcUrl the JDBC URL (may hold credentials: never log it)
 * @param user the user from a URL's user info, or null to let the JDBC URL carry it
 * @param password the password from a URL's user info, or null
 * @param maxConnections the pool's size ({@code maxConnections}, default 4)
 * @param connectTimeout how long getting a connection may take before the attempt fails and is
 *     retried ({@code connectTimeout}, default 5 s)
 */
public record DatabaseSettings(String databaseId, Dialect dialect, String jdbcUrl, String user, String password,
    int maxConnections, java.time.Duration connectTimeout) {

  private static final Pattern URL_FORM = Pattern.compile("(?i)(postgres|postgresql|mysql|mariadb)://(.*)");
  private static final Pattern GO_DSN = Pattern.compile("([^@/?]*)@tcp\\(([^)]*)\\)(/.*)?");

  /**
   * Reads a database config's section.
   *
   * @throws io.committed.api.ConfigException naming the field at fault
   */
  public static DatabaseSettings from(String databaseId, PluginConfig db) {
    String dialectName = db.requireString("dialect");
    Dialect dialect = Dialect.named(dialectName).orElseThrow(() -> db.error("dialect",
        "must be one of postgres, mysql, mariadb, h2, not '" + dialectName + "'"));
    String conn = db.requireString("connectionString").trim();
    long max = db.integer("maxConnections", 4);
    if (max < 1 || max > 64) {
      throw db.error("maxConnections", "must be between 1 and 64, not " + max);
    }
    java.time.Duration connectTimeout = db.duration("connectTimeout").orElse(java.time.Duration.ofSeconds(5));
    if (connectTimeout.toMillis() < 250 || connectTimeout.toMinutes() > 10) {
      throw db.error("connectTimeout", "must be between 250ms and 10m, not " + connectTimeout);
    }
    String url;
    String user = null;
    String password = null;
    Matcher urlForm = URL_FORM.matcher(conn);
    Matcher dsn = GO_DSN.matcher(conn);
    if (conn.regionMatches(true, 0, "jdbc:", 0, 5)) {
      url = conn;
      Dialect of = dialectOfJdbcUrl(url);
      if (of == null && !url.contains("${")) {
        throw db.error("connectionString", "is a JDBC URL for a driver this syncable does not know ('"
            + schemeOf(url) + "'): use jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb: or jdbc:h2:");
      }
      if (of != null && of != dialect) {
        throw db.error("connectionString", "is a " + of.id() + " URL but " + db.path() + ".dialect is '"
            + dialectName + "'");
      }
    } else if (urlForm.matches()) {
      Dialect of = urlForm.group(1).toLowerCase(Locale.ROOT).startsWith("postgres") ? Dialect.POSTGRES : Dialect.MYSQL;
      if (of != dialect) {
        throw db.error("connectionString", "is a " + of.id() + " URL but " + db.path() + ".dialect is '"
            + dialectName + "'");
      }
      String rest = urlForm.group(2);
      int query = rest.indexOf('?');
      int at = rest.lastIndexOf('@', query < 0 ? rest.length() : query);
      if (at >= 0) {
        String info = rest.substring(0, at);
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? null : decode(info.substring(colon + 1));
        rest = rest.substring(at + 1);
      }
      url = dialect.scheme() + "//" + rest;
    } else if (dsn.matches() && dialect == Dialect.MYSQL) {
      String info = dsn.group(1);
      int colon = info.indexOf(':');
      if (!info.isEmpty()) {
        user = colon < 0 ? info : info.substring(0, colon);
        password = colon < 0 ? null : info.substring(colon + 1);
      }
      url = dialect.scheme() + "//" + dsn.group(2) + (dsn.group(3) == null ? "/" : dsn.group(3));
    } else {
      throw db.error("connectionString", "is not a connection string this syncable understands: use a JDBC URL"
          + " (jdbc:postgresql://host:5432/db?user=app&password=${PGPASSWORD}), a URL (postgres://app:${PGPASSWORD}"
          + "@host:5432/db, mysql://...) or a MySQL DSN (app:${MYSQL_PASSWORD}@tcp(host:3306)/db)");
    }
    return new DatabaseSettings(databaseId, dialect, url, user, password, (int) max, connectTimeout);
  }

  /** The dialect a JDBC URL is for, or null when unknown. */
  static Dialect dialectOfJdbcUrl(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRES;
    }
    if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
      return Dialect.MYSQL;
    }
    if (u.startsWith("jdbc:h2:")) {
      return Dialect.H2;
    }
    return null;
  }

  private static String schemeOf(String url) {
    int second = url.indexOf(':', 5);
    return second < 0 ? url : url.substring(0, second + 1);
  }

  /** Percent-decodes user info when it is validly encoded; otherwise returns it as written. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int pct = s.indexOf('%', i);
      int end = pct < 0 ? s.length() : pct;
      out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
      if (pct < 0) {
        break;
      }
      if (pct + 2 >= s.length() || Character.digit(s.charAt(pct + 1), 16) < 0
          || Character.digit(s.charAt(pct + 2), 16) < 0) {
        return s;
      }
      out.write(Character.digit(s.charAt(pct + 1), 16) * 16 + Character.digit(s.charAt(pct + 2), 16));
      i = pct + 3;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Never shows the URL or the password: they may hold secrets. */
  @Override
  public String toString() {
    return "DatabaseSettings[" + databaseId + ", " + dialect.id() + "]";
  }
}
