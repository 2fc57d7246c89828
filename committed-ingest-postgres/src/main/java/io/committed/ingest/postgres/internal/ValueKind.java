package io.committed.ingest.postgres.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.ingest.sql.internal.ValueFormat;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How a PostgreSQL value's text form becomes a JSON value, losslessly, and the text it has in an
 * entity key. The text is what PostgreSQL's output functions write (pgoutput in text mode, or
 * a query read as text), with the ISO date style that PgJDBC sets on every connection.
 */
public enum ValueKind implements ValueFormat {
  /** int2, int4, int8, oid: a JSON number, as written. */
  INTEGER,
  /** numeric: a JSON number with its scale kept ({@code 1234.50}); NaN and infinities as strings. */
  DECIMAL,
  /** float4, float8: a JSON number (shortest exact text); NaN and infinities as strings. */
  FLOAT,
  /** bool: {@code true} or {@code false}. */
  BOOLEAN,
  /** json, jsonb, and columns listed in {@code jsonColumns}: embedded as JSON. */
  JSON,
  /** bytea: a base64 string. */
  BYTEA,
  /** timestamptz: an ISO-8601 string in UTC ({@code 2024-05-01T10:15:30.123456Z}), full precision. */
  TIMESTAMPTZ,
  /** timestamp (no zone): an ISO-8601 local date-time string ({@code 2024-05-01T10:15:30.5}). */
  TIMESTAMP,
  /** everything else (text, varchar, uuid, date, time, interval, enums, arrays, ...): a string, as written. */
  TEXT;

  /** The kind of a built-in type, by OID; {@link #TEXT} for every other type. */
  public static ValueKind ofType(int oid) {
    return switch (oid) {
      case 20, 21, 23, 26 -> INTEGER;
      case 1700 -> DECIMAL;
      case 700, 701 -> FLOAT;
      case 16 -> BOOLEAN;
      case 114, 3802 -> JSON;
      case 17 -> BYTEA;
      case 1184 -> TIMESTAMPTZ;
      case 1114 -> TIMESTAMP;
      default -> TEXT;
    };
  }

  /**
   * Writes {@code text} (never null) as this kind's JSON value.
   *
   * @throws IllegalArgumentException when the text is not of this kind's form
   */
  @Override
  public void write(JsonGenerator g, String text) throws IOException {
    switch (this) {
      case INTEGER -> g.writeNumber(text);
      case DECIMAL, FLOAT -> {
        if (isFiniteNumber(text)) {
          g.writeNumber(text);
        } else {
          g.writeString(text); // NaN, Infinity, -Infinity have no JSON number form
        }
      }
      case BOOLEAN -> g.writeBoolean(bool(text));
      case JSON -> g.writeRawValue(text);
      default -> g.writeString(keyText(text));
    }
  }

  /** The text of the value in an entity key: numbers as written, booleans {@code true}/{@code false}, bytea base64. */
  @Override
  public String keyText(String text) {
    return switch (this) {
      case BOOLEAN -> Boolean.toString(bool(text));
      case BYTEA -> Base64.getEncoder().encodeToString(bytea(text));
      case TIMESTAMPTZ -> Timestamps.utc(text);
      case TIMESTAMP -> Timestamps.local(text);
      default -> text;
    };
  }

  @Override
  public boolean json() {
    return this == JSON;
  }

  /** json and jsonb values are checked by the server. */
  @Override
  public boolean serverValidated() {
    return this == JSON;
  }

  private static boolean bool(String text) {
    return switch (text) {
      case "t", "true" -> true;
      case "f", "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
    };
  }

  /** True for the text of a finite number in JSON's grammar (PostgreSQL never writes a leading '+'). */
  static boolean isFiniteNumber(String t) {
    int n = t.length();
    if (n == 0) {
      return false;
    }
    char c = t.charAt(0);
    return (c >= '0' && c <= '9') || (c == '-' && n > 1 && t.charAt(1) >= '0' && t.charAt(1) <= '9');
  }

  /** Decodes bytea text: hex ({@code \x0a1b}, the default output) or the old escape format. */
  static byte[] bytea(String text) {
    if (text.startsWith("\\x")) {
      return HexFormat.of().parseHex(text, 2, text.length());
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.write(c);
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
        out.write('\\');
        i++;
      } else if (i + 3 < text.length()) {
        out.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        throw new IllegalArgumentException("malformed bytea escape text");
      }
    }
    return out.toByteArray();
  }

  @Override
  public java.util.List<String> jsonTypes() {
    return switch (this) {
      case INTEGER -> java.util.List.of("integer");
      case DECIMAL, FLOAT -> java.util.List.of("number", "string"); // NaN and infinities are strings
      case BOOLEAN -> java.util.List.of("boolean");
      case JSON -> java.util.List.of();
      default -> java.util.List.of("string");
    };
  }
}
