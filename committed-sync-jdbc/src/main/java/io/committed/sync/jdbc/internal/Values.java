package io.committed.sync.jdbc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts values from the log (JSON values, or the text parts of an entity key) into Java values
 * for a column's category, and binds them. A value the column cannot hold exactly is refused here,
 * with a message naming the column, instead of letting a database round or truncate it: an
 * integer column gets no fraction, a {@code NUMERIC(10,2)} no third decimal, a
 * {@code TIMESTAMP(3)} no microseconds.
 */
public final class Values {
  /** Numbers stay exact: {@code 1234.50} keeps its scale. */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private static final Pattern OFFSET = Pattern.compile("(?i)(z|[+-]\\d{1,2}(?::?\\d{2}(?::?\\d{2})?)?)$");
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Values() {}

  /** A value that does not fit its column; the message says why. */
  public static final class BadValue extends Exception {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
      super(message);
    }
  }

  /**
   * Converts a JSON value (null or a JSON null gives SQL NULL).
   *
   * @param raw the original text when {@code node} is the whole payload, to store JSON byte-exact
   */
  public static Object fromJson(ColumnSpec c, JsonNode node, String raw, Dialect dialect) throws BadValue {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    SqlType.Category cat = c.category();
    if (cat == SqlType.Category.JSON) {
      return raw != null ? raw : write(node);
    }
    if (cat == SqlType.Category.TEXT || cat == SqlType.Category.OTHER) {
      return text(node);
    }
    if (node.isContainerNode()) {
      throw new BadValue(where(c) + " is a JSON " + (node.isArray() ? "array" : "object") + ", which a "
          + c.type().sql() + " column cannot hold");
    }
    if (node.isNumber()) {
      BigDecimal number = node.isIntegralNumber() ? new BigDecimal(node.bigIntegerValue()) : node.decimalValue();
      return switch (cat) {
        case INTEGER -> integer(c, number);
        case DECIMAL -> decimal(c, number);
        case FLOAT -> number.doubleValue();
        case BOOLEAN -> {
          if (number.compareTo(BigDecimal.ZERO) == 0 || number.compareTo(BigDecimal.ONE) == 0) {
            yield number.compareTo(BigDecimal.ONE) == 0;
          }
          throw new BadValue(where(c) + " is the number " + number.toPlainString() + ", not a boolean");
        }
        default -> throw new BadValue(where(c) + " is the number " + number.toPlainString() + ", but a "
            + c.type().sql() + " column needs " + expected(cat));
      };
    }
    if (node.isBoolean()) {
      if (cat == SqlType.Category.BOOLEAN) {
        return node.booleanValue();
      }
      throw new BadValue(where(c) + " is a boolean, but a " + c.type().sql() + " column needs " + expected(cat));
    }
    return fromText(c, node.asText(), dialect);
  }

  /** Converts text: a JSON string, or one part of an entity key. */
  public static Object fromText(ColumnSpec c, String text, Dialect dialect) throws BadValue {
    String t = text.strip();
    try {
      return switch (c.category()) {
        case TEXT, OTHER, JSON -> text;
        case INTEGER -> integer(c, new BigDecimal(t));
        case DECIMAL -> decimal(c, new BigDecimal(t));
        case FLOAT -> switch (t) {
          case "NaN" -> Double.NaN;
          case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
          case "-Infinity" -> Double.NEGATIVE_INFINITY;
          default -> new BigDecimal(t).doubleValue();
        };
        case BOOLEAN -> bool(c, t);
        case DATE -> LocalDate.parse(t);
        case TIME -> {
          LocalTime time = LocalTime.parse(t);
          fraction(c, time.getNano());
          yield time;
        }
        case TIMESTAMP -> {
          TemporalAccessor ts = timestamp(t);
          LocalDateTime local = ts instanceof OffsetDateTime o
              ? o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : (LocalDateTime) ts;
          fraction(c, local.getNano());
          yield local;
        }
        case TIMESTAMPTZ -> {
          TemporalAccessor ts = timestamp(t);
          OffsetDateTime o = ts instanceof OffsetDateTime x ? x : ((LocalDateTime) ts).atOffset(ZoneOffset.UTC);
          fraction(c, o.getNano());
          // MySQL's TIMESTAMP has no zone: the session runs in UTC and gets the instant in UTC.
          yield dialect == Dialect.MYSQL ? o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : o;
        }
        case BINARY -> Base64.getDecoder().decode(t);
        case UUID -> {
          if (!UUID_TEXT.matcher(t).matches()) {
            throw new BadValue(where(c) + " is '" + abbreviate(t) + "', not a UUID");
          }
          yield dialect == Dialect.MYSQL ? t.toLowerCase(Locale.ROOT) : UUID.fromString(t);
        }
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new BadValue(where(c) + " is '" + abbreviate(t) + "', not a number");
    } catch (DateTimeException e) {
      throw new BadValue(where(c) + " is '" + abbreviate(t) + "', not " + expected(c.category()));
    } catch (IllegalArgumentException e) {
      if (c.category() == SqlType.Category.BINARY) {
        throw new BadValue(where(c) + " is not valid base64 (binary values travel as base64): " + e.getMessage());
      }
      throw new BadValue(where(c) + " is '" + abbreviate(t) + "', not " + expected(c.category()));
    }
  }

  private static Object integer(ColumnSpec c, BigDecimal n) throws BadValue {
    BigInteger i;
    try {
      i = n.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new BadValue(where(c) + " is " + n.toPlainString() + ", which has a fraction: a " + c.type().sql()
          + " column would round it");
    }
    return i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
  }

  private static BigDecimal decimal(ColumnSpec c, BigDecimal n) throws BadValue {
    int keep = c.fractionDigits();
    if (keep >= 0 && n.scale() > keep && n.stripTrailingZeros().scale() > keep) {
      throw new BadValue(where(c) + " is " + n.toPlainString() + ", but " + c.type().sql() + " keeps " + keep
          + " decimal places: it would be rounded (declare a larger scale)");
    }
    return n;
  }

  private static void fraction(ColumnSpec c, int nanos) throws BadValue {
    int keep = c.fractionDigits();
    if (keep < 0 || keep >= 9 || nanos == 0) {
      return;
    }
    int unit = 1;
    for (int i = keep; i < 9; i++) {
      unit *= 10;
    }
    if (nanos % unit != 0) {
      throw new BadValue(where(c) + " has more fractional seconds than " + c.type().sql() + " keeps (" + keep
          + " digits): it would be rounded (declare e.g. " + c.type().base() + "(6))");
    }
  }

  private static boolean bool(ColumnSpec c, String t) throws BadValue {
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "true", "t", "yes", "y", "on", "1" -> true;
      case "false", "f", "no", "n", "off", "0" -> false;
      default -> throw new BadValue(where(c) + " is '" + abbreviate(t) + "', not a boolean");
    };
  }

  /** Parses {@code 2024-05-01T10:00:00.123456}, with a space for the T, with or without an offset. */
  static TemporalAccessor timestamp(String t) {
    String s = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    int timeStart = s.indexOf('T');
    if (timeStart > 0) {
      Matcher m = OFFSET.matcher(s);
      if (m.find(timeStart) && m.start() > timeStart + 1) {
        String local = s.substring(0, m.start()).strip();
        ZoneOffset offset = ZoneOffset.of(normalizeOffset(m.group(1)));
        return LocalDateTime.parse(local).atOffset(offset);
      }
    }
    return LocalDateTime.parse(s);
  }

  private static String normalizeOffset(String o) {
    if (o.equalsIgnoreCase("z")) {
      return "Z";
    }
    String sign = o.substring(0, 1);
    String digits = o.substring(1).replace(":", "");
    if (digits.length() == 1 || digits.length() == 3 || digits.length() == 5) {
      digits = "0" + digits;
    }
    StringBuilder out = new StringBuilder(sign);
    for (int i = 0; i < digits.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(digits, i, i + 2);
    }
    return out.toString();
  }

  private static String text(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBigDecimal()) {
      return node.decimalValue().toPlainString();
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    return write(node);
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String where(ColumnSpec c) {
    return "column " + c.name() + " (" + c.source() + ")";
  }

  private static String expected(SqlType.Category cat) {
    return switch (cat) {
      case DATE -> "a date (2024-05-01)";
      case TIME -> "a time (10:15:30.123456)";
      case TIMESTAMP -> "a timestamp (2024-05-01T10:15:30.123456)";
      case TIMESTAMPTZ -> "a timestamp with offset (2024-05-01T10:15:30.123456Z)";
      case BINARY -> "base64 text";
      case UUID -> "a UUID";
      case INTEGER, DECIMAL, FLOAT -> "a number";
      case BOOLEAN -> "a boolean";
      default -> "text";
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /** Binds a converted value (null binds SQL NULL). */
  public static void bind(PreparedStatement ps, int i, ColumnSpec c, Object v, Dialect dialect) throws SQLException {
    SqlType.Category cat = c.category();
    if (v == null) {
      ps.setNull(i, nullType(cat, dialect));
      return;
    }
    switch (cat) {
      case INTEGER -> {
        if (v instanceof Long l) {
          ps.setLong(i, l);
        } else {
          ps.setBigDecimal(i, (BigDecimal) v);
        }
      }
      case DECIMAL -> ps.setBigDecimal(i, (BigDecimal) v);
      case FLOAT -> ps.setDouble(i, (Double) v);
      case BOOLEAN -> ps.setBoolean(i, (Boolean) v);
      case BINARY -> ps.setBytes(i, (byte[]) v);
      case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> ps.setObject(i, v);
      case UUID -> {
        if (v instanceof UUID) {
          ps.setObject(i, v);
        } else {
          ps.setString(i, (String) v);
        }
      }
      case JSON, OTHER -> {
        if (dialect == Dialect.POSTGRES) {
          ps.setObject(i, v, Types.OTHER); // untyped: the server converts the text to the column's type
        } else {
          ps.setString(i, (String) v);
        }
      }
      default -> ps.setString(i, (String) v);
    }
  }

  private static int nullType(SqlType.Category cat, Dialect dialect) {
    return switch (cat) {
      case INTEGER -> Types.BIGINT;
      case DECIMAL -> Types.NUMERIC;
      case FLOAT -> Types.DOUBLE;
      case BOOLEAN -> Types.BOOLEAN;
      case BINARY -> Types.VARBINARY;
      case DATE -> Types.DATE;
      case TIME -> Types.TIME;
      case TIMESTAMP -> Types.TIMESTAMP;
      case TIMESTAMPTZ -> dialect == Dialect.MYSQL ? Types.TIMESTAMP : Types.TIMESTAMP_WITH_TIMEZONE;
      case UUID, JSON, OTHER -> dialect == Dialect.POSTGRES ? Types.OTHER : Types.VARCHAR;
      default -> Types.VARCHAR;
    };
  }

  /** A value's identity as part of a row key: equal keys address the same row. */
  static Object keyPart(Object v) {
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (v instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    return v;
  }
}
