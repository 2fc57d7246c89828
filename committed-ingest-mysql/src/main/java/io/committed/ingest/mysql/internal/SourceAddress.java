package io.committed.ingest.mysql.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the source server is and who connects, parsed from the connection string: the binlog
 * client needs host, port, user and password apart; JDBC gets them back as a MariaDB Connector/J
 * URL (the driver serves both dialects).
 *
 * @param host the server's host
 * @param port its port (3306 by default)
 * @param database the database tables without one are looked up in
 * @param user the user
 * @param password the password, possibly empty
 * @param options the other URL parameters, passed to JDBC as they are
 */
public record SourceAddress(String host, int port, String database, String user, String password,
    Map<String, String> options) {

  public SourceAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /**
   * Parses {@code jdbc:mysql://host:port/db?user=..&password=..}, {@code jdbc:mariadb://...},
   * {@code mysql://user@host:port/db?password=..} or {@code mariadb://user@host:port/db}.
   *
   * @throws IllegalArgumentException saying what is wrong (the caller names the field)
   */
  public static SourceAddress parse(String raw) {
    String text = raw.trim();
    String rest;
    if (text.startsWith("jdbc:mysql://") || text.startsWith("jdbc:mariadb://")) {
      rest = text.substring(text.indexOf("://") + 3);
    } else if (text.startsWith("mysql://") || text.startsWith("mariadb://")) {
      rest = text.substring(text.indexOf("://") + 3);
    } else {
      throw new IllegalArgumentException("must be a MySQL/MariaDB JDBC URL (jdbc:mysql://host:port/db?user=...,"
          + " jdbc:mariadb://...) or mysql://user@host:port/db, not '" + masked(text) + "'");
    }
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String user = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = decode(rest.substring(0, at));
      rest = rest.substring(at + 1);
      if (user.contains(":")) {
        throw new IllegalArgumentException("has a password in 'user:password@': write password=${VAR} as a"
            + " parameter instead");
      }
    }
    int slash = rest.indexOf('/');
    String hostPort = slash < 0 ? rest : rest.substring(0, slash);
    String database = slash < 0 ? "" : decode(rest.substring(slash + 1));
    if (hostPort.isEmpty() || hostPort.contains(",")) {
      throw new IllegalArgumentException("must name one server as host:port, not '" + hostPort + "'");
    }
    String host = hostPort;
    int port = 3306;
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && !hostPort.endsWith("]")) {
      host = hostPort.substring(0, colon);
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("has a port that is not a number: '" + hostPort + "'");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("has port " + port + ", not between 1 and 65535");
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("must name the database after the host (…:3306/shop), not '"
          + database + "'");
    }
    Map<String, String> options = new LinkedHashMap<>();
    String password = "";
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      switch (k) {
        case "user" -> user = v;
        case "password" -> password = v;
        default -> options.put(k, v);
      }
    }
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("names no user: add user=... (or mysql://user@host/db)");
    }
    return new SourceAddress(host, port, database, user, password, options);
  }

  /** The JDBC URL for MariaDB Connector/J, credentials included (never log it: see {@link #toString}). */
  public String jdbcUrl() {
    StringBuilder b = new StringBuilder("jdbc:mariadb://").append(host.contains(":") ? "[" + host + "]" : host)
        .append(':').append(port).append('/').append(encode(database)).append("?user=").append(encode(user));
    if (!password.isEmpty()) {
      b.append("&password=").append(encode(password));
    }
    options.forEach((k, v) -> b.append('&').append(encode(k)).append('=').append(encode(v)));
    return b.toString();
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }

  static String masked(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
