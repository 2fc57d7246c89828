package io.committed.ingest.mysql.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.ingest.sql.internal.ValueFormat;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;

/**
 * How a MySQL value becomes the text both paths agree on (the binary log's decoded value and a
 * snapshot query's result), and how that text becomes a JSON value and an entity key.
 *
 * <p>Texts: integers, decimals and {@code BIT} as exact decimal numbers (unsigned values beyond
 * 2^63 included, decimals with their scale); {@code FLOAT}/{@code DOUBLE} as Java's shortest text
 * that reads back to the same binary value; {@code DATETIME} as {@code 2024-05-01T10:15:30.123456}
 * with the column's fractional digits; {@code TIMESTAMP} the same in UTC with {@code Z}, whatever
 * the server's time zone; {@code DATE} {@code 2024-05-01}; {@code TIME} as MySQL writes it
 * ({@code -838:59:59.000000}); {@code YEAR} a number; character columns decoded from their charset;
 * binary columns, {@code BLOB}s and geometries base64; {@code ENUM}/{@code SET} their labels
 * ({@code SET}s comma-separated); {@code JSON} embedded as JSON.
 */
public enum ValueKind implements ValueFormat {
  INTEGER, UNSIGNED, DECIMAL, FLOAT, DOUBLE, BIT, YEAR, DATE, TIME, DATETIME, TIMESTAMP, TEXT, ENUM, SET, BINARY,
  JSON, GEOMETRY;

  /** The kind of a column, from {@code DATA_TYPE} and {@code COLUMN_TYPE}. */
  public static ValueKind of(String dataType, String columnType, boolean json) {
    if (json) {
      return JSON;
    }
    boolean unsigned = columnType.toLowerCase(java.util.Locale.ROOT).contains("unsigned");
    return switch (dataType.toLowerCase(java.util.Locale.ROOT)) {
      case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> unsigned ? UNSIGNED : INTEGER;
      case "decimal", "numeric" -> DECIMAL;
      case "float" -> FLOAT;
      case "double", "real", "double precision" -> DOUBLE;
      case "bit" -> BIT;
      case "year" -> YEAR;
      case "date" -> DATE;
      case "time" -> TIME;
      case "datetime" -> DATETIME;
      case "timestamp" -> TIMESTAMP;
      case "enum" -> ENUM;
      case "set" -> SET;
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> BINARY;
      case "json" -> JSON;
      case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
          "geometrycollection" -> GEOMETRY;
      default -> TEXT;
    };
  }

  /** The expression a snapshot selects for {@code column} (quoted) so that {@link #fromJdbc} reads its text. */
  public String select(String column) {
    return switch (this) {
      case FLOAT -> "cast(" + column + " as double)"; // the float's exact value; its own text is rounded
      case BIT, YEAR -> "cast(" + column + " as unsigned)";
      case DATE, TIME, DATETIME, TIMESTAMP -> "cast(" + column + " as char)"; // TIMESTAMP in the session's UTC
      default -> column;
    };
  }

  /** The text of column {@code i} of a snapshot row selected by {@link #select}; null for SQL NULL. */
  public String fromJdbc(ResultSet r, int i) throws SQLException {
    if (this == BINARY || this == GEOMETRY) {
      byte[] b = r.getBytes(i);
      return b == null ? null : Base64.getEncoder().encodeToString(b);
    }
    String s = r.getString(i);
    if (s == null) {
      return null;
    }
    return switch (this) {
      case FLOAT -> Float.toString((float) Double.parseDouble(s));
      case DOUBLE -> Double.toString(Double.parseDouble(s));
      case DATETIME, TIMESTAMP -> Temporals.iso(s, this == TIMESTAMP);
      default -> s;
    };
  }

  /** Writes {@code text} (never null) as this kind's JSON value. */
  @Override
  public void write(JsonGenerator g, String text) throws IOException {
    switch (this) {
      case INTEGER, UNSIGNED, DECIMAL, FLOAT, DOUBLE, BIT, YEAR -> g.writeNumber(text);
      case JSON -> g.writeRawValue(text);
      default -> g.writeString(text);
    }
  }

  /** MariaDB's JSON is text under a check that may be absent or disabled: the encoder checks it. */
  @Override
  public boolean json() {
    return this == JSON;
  }

  @Override
  public java.util.List<String> jsonTypes() {
    return switch (this) {
      case INTEGER, UNSIGNED, BIT, YEAR -> java.util.List.of("integer");
      case DECIMAL, FLOAT, DOUBLE -> java.util.List.of("number");
      case JSON -> java.util.List.of();
      default -> java.util.List.of("string");
    };
  }
}
