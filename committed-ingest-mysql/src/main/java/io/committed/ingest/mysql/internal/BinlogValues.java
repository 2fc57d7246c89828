package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.StringJoiner;

/**
 * A binlog row value, as {@link RowDeserializers} decodes it, into the text of its column's
 * {@link ValueKind}: the same text a snapshot query reads. Fixes what the binary log does not say
 * by itself: unsigned integers arrive as signed, strings as bytes in the column's charset,
 * {@code ENUM}/{@code SET} as numbers, {@code BINARY(n)} without its trailing zero bytes.
 */
final class BinlogValues {
  /** Charsets by name: {@code Charset.forName} per value was a fifth of the ingest thread's samples. */
  private static final Map<String, Charset> CHARSETS = new ConcurrentHashMap<>();

  private BinlogValues() {}

  static String text(ColumnInfo c, Serializable v, Dialect dialect) {
    if (v == null) {
      return null;
    }
    return switch (c.kind()) {
      case INTEGER -> v.toString();
      case UNSIGNED -> unsigned(c.dataType(), (Number) v);
      case DECIMAL -> v instanceof BigDecimal d ? d.toPlainString() : v.toString();
      case FLOAT -> Float.toString(((Number) v).floatValue());
      case DOUBLE -> Double.toString(((Number) v).doubleValue());
      case BIT -> bits(v);
      case YEAR, DATE, TIME -> v.toString();
      case DATETIME, TIMESTAMP -> Temporals.iso(v.toString(), c.kind() == ValueKind.TIMESTAMP);
      case ENUM -> v instanceof Number n ? label(c, n.intValue()) : string(c, v);
      case SET -> v instanceof Number n ? labels(c, n.longValue()) : string(c, v);
      case BINARY, GEOMETRY -> Base64.getEncoder().encodeToString(padded(c, bytes(v)));
      case JSON -> json(v, dialect);
      case TEXT -> string(c, v);
    };
  }

  private static String unsigned(String dataType, Number n) {
    if (n instanceof Long l) {
      return Long.toUnsignedString(l);
    }
    int i = n.intValue();
    return switch (dataType) {
      case "tinyint" -> Integer.toString(i & 0xFF);
      case "smallint" -> Integer.toString(i & 0xFFFF);
      case "mediumint" -> Integer.toString(i & 0xFFFFFF);
      default -> Integer.toUnsignedString(i);
    };
  }

  private static String bits(Serializable v) {
    if (v instanceof BitSet b) {
      long[] words = b.toLongArray();
      return words.length == 0 ? "0" : Long.toUnsignedString(words[0]);
    }
    return v.toString();
  }

  private static String label(ColumnInfo c, int index) {
    if (index == 0) {
      return ""; // MySQL's "error" value of an ENUM
    }
    if (index > c.labels().size()) {
      throw new IllegalStateException("ENUM value #" + index + " of column " + c.name() + " has no label (labels: "
          + c.labels() + "): was the column changed?");
    }
    return c.labels().get(index - 1);
  }

  private static String labels(ColumnInfo c, long mask) {
    StringJoiner j = new StringJoiner(",");
    for (int i = 0; i < c.labels().size() && i < 64; i++) {
      if ((mask & (1L << i)) != 0) {
        j.add(c.labels().get(i));
      }
    }
    return j.toString();
  }

  private static String string(ColumnInfo c, Serializable v) {
    if (v instanceof byte[] b) {
      return new String(b, c.charset() == null ? StandardCharsets.UTF_8
          : CHARSETS.computeIfAbsent(c.charset(), Charset::forName));
    }
    return v.toString();
  }

  private static byte[] bytes(Serializable v) {
    if (v instanceof byte[] b) {
      return b;
    }
    return v.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** BINARY(n) values are logged without their trailing zero bytes; a query returns all n. */
  private static byte[] padded(ColumnInfo c, byte[] b) {
    return c.length() > b.length && c.dataType().equals("binary") ? Arrays.copyOf(b, c.length()) : b;
  }

  private static String json(Serializable v, Dialect dialect) {
    byte[] b = bytes(v);
    if (dialect == Dialect.MARIADB) {
      return new String(b, StandardCharsets.UTF_8); // MariaDB's JSON is text
    }
    try {
      return b.length == 0 ? "null" : JsonBinary.parseAsString(b);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a MySQL JSON value: " + e.getMessage(), e);
    }
  }
}
