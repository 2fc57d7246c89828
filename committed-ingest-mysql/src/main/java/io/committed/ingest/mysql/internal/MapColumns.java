package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The columns of a table-map event as the event itself describes them (binlog_row_metadata = FULL):
 * the shape the table had when the rows after it were written, which the catalog may no longer
 * have (an ALTER TABLE since, read from the backlog). Says each column's type, signedness,
 * ENUM/SET labels, BINARY(n) length and collation; not what only the catalog knows (MariaDB's JSON
 * check, generated columns). A charset is null when the event does not say (UTF-8 is then assumed).
 */
final class MapColumns {
  private static final int BINARY_COLLATION = 63;

  private MapColumns() {}

  /**
   * The event's columns; {@code charsetOfCollation} names the Java charset of a collation id (null when unknown).
   */
  static List<ColumnInfo> of(TableMapEventData map, IntFunction<String> charsetOfCollation) {
    TableMapEventMetadata meta = map.getEventMetadata();
    List<String> names = meta.getColumnNames();
    byte[] types = map.getColumnTypes();
    int[] metadata = map.getColumnMetadata();
    BitSet unsigned = meta.getSignedness() == null ? new BitSet() : meta.getSignedness();
    BitSet nullable = map.getColumnNullability() == null ? new BitSet() : map.getColumnNullability();
    List<String[]> enums = meta.getEnumStrValues() == null ? List.of() : meta.getEnumStrValues();
    List<String[]> sets = meta.getSetStrValues() == null ? List.of() : meta.getSetStrValues();
    List<ColumnInfo> out = new ArrayList<>(names.size());
    int character = 0;
    int enumIndex = 0;
    int setIndex = 0;
    for (int i = 0; i < names.size(); i++) {
      int code = types[i] & 0xFF;
      int length = 0;
      if (code == ColumnType.STRING.getCode() && metadata[i] >= 256) {
        int m0 = metadata[i] >> 8;
        int m1 = metadata[i] & 0xFF;
        if ((m0 & 0x30) != 0x30) { // a CHAR longer than 255 bytes: part of the length is in the type byte
          code = m0 | 0x30;
          length = m1 | (((m0 & 0x30) ^ 0x30) << 4);
        } else {
          if (m0 == ColumnType.ENUM.getCode() || m0 == ColumnType.SET.getCode()) {
            code = m0;
          }
          length = m1;
        }
      }
      ColumnType type = ColumnType.byCode(code);
      String name = names.get(i);
      boolean isNull = nullable.get(i);
      if (type == null) {
        throw new IllegalStateException("column " + name + " has binlog type " + code + ", which is not known");
      }
      ColumnInfo c = switch (type) {
        case TINY, SHORT, INT24, LONG, LONGLONG -> {
          boolean u = unsigned.get(i); // the connector indexes signedness by column, not by numeric column
          String dataType = switch (type) {
            case TINY -> "tinyint";
            case SHORT -> "smallint";
            case INT24 -> "mediumint";
            case LONG -> "int";
            default -> "bigint";
          };
          yield column(name, u ? ValueKind.UNSIGNED : ValueKind.INTEGER, dataType, isNull);
        }
        case DECIMAL, NEWDECIMAL -> column(name, ValueKind.DECIMAL, "decimal", isNull);
        case FLOAT -> column(name, ValueKind.FLOAT, "float", isNull);
        case DOUBLE -> column(name, ValueKind.DOUBLE, "double", isNull);
        case BIT -> column(name, ValueKind.BIT, "bit", isNull);
        case YEAR -> column(name, ValueKind.YEAR, "year", isNull);
        case DATE, NEWDATE -> column(name, ValueKind.DATE, "date", isNull);
        case TIME, TIME_V2 -> column(name, ValueKind.TIME, "time", isNull);
        case DATETIME, DATETIME_V2 -> column(name, ValueKind.DATETIME, "datetime", isNull);
        case TIMESTAMP, TIMESTAMP_V2 -> column(name, ValueKind.TIMESTAMP, "timestamp", isNull);
        case JSON -> column(name, ValueKind.JSON, "json", isNull);
        case GEOMETRY -> column(name, ValueKind.GEOMETRY, "geometry", isNull);
        case ENUM -> labelled(name, ValueKind.ENUM, "enum", isNull, enums, enumIndex++);
        case SET -> labelled(name, ValueKind.SET, "set", isNull, sets, setIndex++);
        case STRING, VAR_STRING, VARCHAR, BLOB, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB -> {
          int collation = collation(meta, character++);
          boolean blob = type == ColumnType.BLOB || type == ColumnType.TINY_BLOB || type == ColumnType.MEDIUM_BLOB
              || type == ColumnType.LONG_BLOB;
          if (collation == BINARY_COLLATION) {
            String dataType = blob ? "blob" : type == ColumnType.STRING ? "binary" : "varbinary";
            yield new ColumnInfo(name, ValueKind.BINARY, dataType, "", isNull, false,
                type == ColumnType.STRING ? length : 0, null, List.of());
          }
          String charset = collation < 0 ? null : charsetOfCollation.apply(collation);
          yield new ColumnInfo(name, ValueKind.TEXT, blob ? "text" : type == ColumnType.STRING ? "char" : "varchar", "",
              isNull, false, 0, charset, List.of());
        }
        default -> throw new IllegalStateException("column " + name + " has binlog type " + type + ", which is not"
            + " supported");
      };
      out.add(c);
    }
    return out;
  }

  private static ColumnInfo column(String name, ValueKind kind, String dataType, boolean nullable) {
    return new ColumnInfo(name, kind, dataType, "", nullable, false, 0, null, List.of());
  }

  private static ColumnInfo labelled(String name, ValueKind kind, String dataType, boolean nullable,
      List<String[]> labels, int index) {
    List<String> l = index < labels.size() ? Arrays.asList(labels.get(index)) : List.of();
    return new ColumnInfo(name, kind, dataType, "", nullable, false, 0, null, l);
  }

  /** The collation of the {@code index}th character column, or -1 when the event does not say. */
  private static int collation(TableMapEventMetadata meta, int index) {
    if (meta.getColumnCharsets() != null && index < meta.getColumnCharsets().size()) {
      return meta.getColumnCharsets().get(index);
    }
    TableMapEventMetadata.DefaultCharset d = meta.getDefaultCharset();
    if (d != null) {
      Map<Integer, Integer> other = d.getCharsetCollations();
      return other != null && other.containsKey(index) ? other.get(index) : d.getDefaultCharsetCollation();
    }
    return -1;
  }
}
