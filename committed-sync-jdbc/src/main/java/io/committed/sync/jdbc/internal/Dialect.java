package io.committed.sync.jdbc.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * The SQL flavours the syncable writes. MySQL and MariaDB share one: the statements used here are
 * the same on both.
 */
public enum Dialect {
  POSTGRES("postgres", '"', "jdbc:postgresql:"),
  MYSQL("mysql", '`', "jdbc:mariadb:"),
  H2("h2", '"', "jdbc:h2:");

  private final String id;
  private final char quote;
  private final String scheme;

  Dialect(String id, char quote, String scheme) {
    this.id = id;
    this.quote = quote;
    this.scheme = scheme;
  }

  /** The dialect named in a database config: postgres (postgresql), mysql, mariadb or h2. */
  public static Optional<Dialect> named(String name) {
    return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "postgres", "postgresql" -> Optional.of(POSTGRES);
      case "mysql", "mariadb" -> Optional.of(MYSQL);
      case "h2" -> Optional.of(H2);
      default -> Optional.empty();
    };
  }

  public String id() {
    return id;
  }

  /** The JDBC URL prefix of the driver this dialect uses by default. */
  public String scheme() {
    return scheme;
  }

  /** A validated identifier, quoted. */
  public String quote(String identifier) {
    if (!Identifiers.valid(identifier)) { // never reached with a validated config; a last line of defence
      throw new IllegalArgumentException(Identifiers.problem(identifier));
    }
    return quote + identifier + quote;
  }
}
