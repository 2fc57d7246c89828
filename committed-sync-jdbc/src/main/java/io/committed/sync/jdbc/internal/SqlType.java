package io.committed.sync.jdbc.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type from a mapping ({@code type = "NUMERIC(20,4)"}), checked against a strict grammar
 * so that it can be written into {@code CREATE TABLE} without letting SQL in: one or more words, at
 * most one {@code (precision[, scale])}, nothing else. Several words must form a known type name
 * ({@code DOUBLE PRECISION}, {@code TIMESTAMP(6) WITH TIME ZONE}, {@code BIGINT UNSIGNED}).
 *
 * <p>The {@link Category} decides how a JSON value is converted and bound for the column.
 *
 * @param sql the type as written into SQL (upper case, single spaces)
 * @param name the type's words without the parameters, e.g. {@code TIMESTAMP WITH TIME ZONE}
 * @param precision the first parameter, or -1
 * @param scale the second parameter, or -1
 */
public record SqlType(String sql, String name, int precision, int scale) {

  /** How values are converted and bound. */
  public enum Category {
    TEXT, INTEGER, DECIMAL, FLOAT, BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, JSON, BINARY, UUID, OTHER
  }

  private static final String WORDS = "[A-Z][A-Z0-9_]*(?: [A-Z][A-Z0-9_]*)*";
  private static final Pattern GRAMMAR = Pattern.compile(
      "(" + WORDS + ") ?(?:\\( ?(\\d{1,5}) ?(?:, ?(\\d{1,5}) ?)?\\))?(?: (" + WORDS + "))?");
  private static final Set<String> PHRASES = Set.of(
      "DOUBLE PRECISION", "CHARACTER VARYING", "CHAR VARYING", "NATIONAL CHARACTER", "NATIONAL CHAR",
      "NATIONAL CHARACTER VARYING", "NCHAR VARYING", "BIT VARYING", "BINARY VARYING", "CHARACTER LARGE OBJECT",
      "BINARY LARGE OBJECT", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITHOUT TIME ZONE", "TIME WITH TIME ZONE",
      "TIME WITHOUT TIME ZONE");
  private static final List<String> SIGN_SUFFIXES = List.of(" UNSIGNED ZEROFILL", " UNSIGNED", " SIGNED", " ZEROFILL");
  private static final Set<String> CLAUSE_WORDS = Set.of("NOT", "NULL", "PRIMARY", "KEY", "DEFAULT", "REFERENCES",
      "CHECK", "UNIQUE", "CONSTRAINT", "GENERATED", "AS", "COLLATE", "ON", "AUTO_INCREMENT", "IDENTITY", "ARRAY");

  /**
   * Parses a type.
   *
   * @return empty, with the reason in {@code problem[0]}, when the text is not an acceptable type
   */
  public static Optional<SqlType> parse(String text, String[] problem) {
    if (text == null || text.isBlank()) {
      problem[0] = "is empty";
      return Optional.empty();
    }
    String t = text.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    if (t.length() > 64) {
      problem[0] = "is longer than 64 characters";
      return Optional.empty();
    }
    if (t.endsWith("[]")) {
      problem[0] = "'" + text + "' is an array type, which is not supported: map the array to a JSON column";
      return Optional.empty();
    }
    Matcher m = GRAMMAR.matcher(t);
    if (!m.matches()) {
      problem[0] = "'" + text + "' is not a plain SQL type: use a type name with at most one (precision[, scale]),"
          + " e.g. VARCHAR(256), NUMERIC(20,4), TIMESTAMP(6) WITH TIME ZONE";
      return Optional.empty();
    }
    String name = m.group(4) == null ? m.group(1) : m.group(1) + " " + m.group(4);
    String base = name;
    for (String suffix : SIGN_SUFFIXES) {
      if (base.endsWith(suffix) && base.length() > suffix.length()) {
        base = base.substring(0, base.length() - suffix.length());
        break;
      }
    }
    boolean known = base.indexOf(' ') < 0 ? !CLAUSE_WORDS.contains(base) : PHRASES.contains(base);
    if (!known) {
      problem[0] = "'" + text + "' is not a known SQL type (several words must form a type name such as DOUBLE"
          + " PRECISION or TIMESTAMP WITH TIME ZONE; constraints and defaults are not allowed)";
      return Optional.empty();
    }
    int precision = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
    int scale = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
    StringBuilder sql = new StringBuilder(m.group(1));
    if (precision >= 0) {
      sql.append('(').append(precision);
      if (scale >= 0) {
        sql.append(',').append(scale);
      }
      sql.append(')');
    }
    if (m.group(4) != null) {
      sql.append(' ').append(m.group(4));
    }
    return Optional.of(new SqlType(sql.toString(), name, precision, scale));
  }

  /** The type's words without sign suffixes ({@code BIGINT UNSIGNED} is {@code BIGINT}). */
  public String base() {
    for (String suffix : SIGN_SUFFIXES) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** How values for this type are converted and bound in {@code dialect}. */
  public Category category(Dialect dialect) {
    return switch (base()) {
      case "CHAR", "CHARACTER", "VARCHAR", "VARCHAR2", "NVARCHAR", "NVARCHAR2", "NCHAR", "TEXT", "TINYTEXT",
          "MEDIUMTEXT", "LONGTEXT", "CLOB", "NCLOB", "CITEXT", "VARCHAR_IGNORECASE", "CHARACTER VARYING",
          "CHAR VARYING", "NATIONAL CHARACTER", "NATIONAL CHAR", "NATIONAL CHARACTER VARYING", "NCHAR VARYING",
          "CHARACTER LARGE OBJECT" -> Category.TEXT;
      case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT", "INT2", "INT4", "INT8", "SMALLSERIAL",
          "SERIAL", "BIGSERIAL", "SERIAL2", "SERIAL4", "SERIAL8" -> Category.INTEGER;
      case "DECIMAL", "DEC", "NUMERIC", "NUMBER", "FIXED", "DECFLOAT" -> Category.DECIMAL;
      case "REAL", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION" -> Category.FLOAT;
      case "BOOLEAN", "BOOL" -> Category.BOOLEAN;
      case "DATE" -> Category.DATE;
      case "TIME", "TIME WITHOUT TIME ZONE" -> Category.TIME;
      case "DATETIME", "TIMESTAMP WITHOUT TIME ZONE" -> Category.TIMESTAMP;
      // MySQL's TIMESTAMP is an instant (stored in UTC), its DATETIME a wall-clock time.
      case "TIMESTAMP" -> dialect == Dialect.MYSQL ? Category.TIMESTAMPTZ : Category.TIMESTAMP;
      case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE" -> Category.TIMESTAMPTZ;
      case "JSON", "JSONB" -> Category.JSON;
      case "BYTEA", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY", "BINARY VARYING",
          "BINARY LARGE OBJECT" -> Category.BINARY;
      case "UUID" -> Category.UUID;
      default -> Category.OTHER;
    };
  }

  /**
   * The number of fractional digits a column of this type keeps (decimal scale, or seconds
   * precision of a time type), or -1 when unbounded or unknown.
   */
  public int fractionDigits(Dialect dialect) {
    Category c = category(dialect);
    switch (c) {
      case DECIMAL -> {
        if (scale >= 0) {
          return scale;
        }
        if (base().equals("DECFLOAT")) {
          return -1;
        }
        // NUMERIC(p) and, in MySQL and H2, a bare DECIMAL have scale 0; PostgreSQL's bare NUMERIC is unbounded.
        return precision >= 0 || dialect != Dialect.POSTGRES ? 0 : -1;
      }
      case TIME, TIMESTAMP, TIMESTAMPTZ -> {
        if (precision >= 0) {
          return precision;
        }
        if (dialect == Dialect.MYSQL || (dialect == Dialect.H2 && c == Category.TIME)) {
          return 0;
        }
        return 6;
      }
      default -> {
        return -1;
      }
    }
  }

  /** True for types MySQL cannot use in a primary key without a prefix length. */
  public boolean unindexableInMysql() {
    return switch (base()) {
      case "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "JSON", "CLOB" ->
          true;
      default -> false;
    };
  }
}
