package io.committed.ingest.postgres.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.api.EntityKeys;
import io.committed.api.JsonSyntax;
import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns rows of one table (in the column order of its relation) into entity keys and JSON data,
 * following its topic's mapping. Not thread-safe (it reuses a buffer).
 */
public final class RowEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(RowEncoder.class);
  // Characters outside the BMP as 4-byte UTF-8, not as escaped surrogate pairs.
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private final String topic;
  private final TableName table;
  private final List<Column> columns;
  private final int[] keyIndex;
  private final ValueKind[] keyKind;
  private final int[] dataIndex;
  private final String[] dataName;
  private final ValueKind[] dataKind;
  private final boolean[] checkJson;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private boolean warnedBadJson;

  /**
   * @param columns the table's columns, in the order its rows list them
   * @param keyColumns the key columns, in key order
   * @param kindOfType the value kind of a type OID (resolving domains to their base types)
   * @throws IllegalStateException when a key column is missing from {@code columns}
   */
  public RowEncoder(TopicSpec spec, TableName table, List<Column> columns, List<String> keyColumns,
      IntFunction<ValueKind> kindOfType) {
    this.topic = spec.topic();
    this.table = table;
    this.columns = List.copyOf(columns);
    keyIndex = new int[keyColumns.size()];
    keyKind = new ValueKind[keyColumns.size()];
    for (int k = 0; k < keyColumns.size(); k++) {
      int i = indexOf(keyColumns.get(k));
      if (i < 0) {
        throw new IllegalStateException("key column '" + keyColumns.get(k) + "' of " + table
            + " is not among its columns " + names() + ": was it dropped or renamed?");
      }
      keyIndex[k] = i;
      keyKind[k] = kindOfType.apply(columns.get(i).typeOid());
    }
    List<Integer> idx = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (spec.mapAllColumns()) {
      for (int i = 0; i < columns.size(); i++) {
        String c = columns.get(i).name();
        if (!spec.excludeColumns().contains(c)) {
          idx.add(i);
          names.add(spec.mappings().getOrDefault(c, c));
        }
      }
    } else {
      for (Map.Entry<String, String> m : spec.mappings().entrySet()) {
        idx.add(indexOf(m.getKey()));
        names.add(m.getValue());
        if (indexOf(m.getKey()) < 0) {
          LOG.warn("column '{}' of {} is mapped to '{}' but the table has no such column (any more): writing null",
              m.getKey(), table, m.getValue());
        }
      }
    }
    dataIndex = idx.stream().mapToInt(Integer::intValue).toArray();
    dataName = names.toArray(String[]::new);
    dataKind = new ValueKind[dataIndex.length];
    checkJson = new boolean[dataIndex.length];
    for (int d = 0; d < dataIndex.length; d++) {
      if (dataIndex[d] < 0) {
        continue;
      }
      Column c = columns.get(dataIndex[d]);
      ValueKind kind = kindOfType.apply(c.typeOid());
      if (spec.jsonColumns().contains(c.name()) && kind != ValueKind.JSON) {
        kind = ValueKind.JSON;
        checkJson[d] = true;
      }
      dataKind[d] = kind;
    }
  }

  public String topic() {
    return topic;
  }

  public TableName table() {
    return table;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The key columns' indexes, in key order. */
  public int[] keyIndexes() {
    return keyIndex.clone();
  }

  /** True when the row lacks a value the entity needs: an unchanged TOASTed value (marker 'u'). */
  public boolean lacksValues(Tuple row) {
    for (int i : keyIndex) {
      if (row.isUnchanged(i)) {
        return true;
      }
    }
    for (int i : dataIndex) {
      if (i >= 0 && row.isUnchanged(i)) {
        return true;
      }
    }
    return false;
  }

  /** The key's raw column texts, in key order (for queries). */
  public List<String> keyValues(Tuple row) {
    List<String> v = new ArrayList<>(keyIndex.length);
    for (int i : keyIndex) {
      if (row.isNull(i) || row.isUnchanged(i) || i >= row.size()) {
        throw new IllegalStateException("a row of " + table + " has no value for key column '"
            + columns.get(i).name() + "': the key must be covered by the table's replica identity and never be null");
      }
      v.add(row.values()[i]);
    }
    return v;
  }

  /** The entity key of a row: {@link EntityKeys#encode} of the key columns' texts. */
  public byte[] key(Tuple row) {
    List<String> raw = keyValues(row);
    List<String> v = new ArrayList<>(raw.size());
    for (int k = 0; k < raw.size(); k++) {
      v.add(keyKind[k].keyText(raw.get(k)));
    }
    return EntityKeys.encode(v);
  }

  /** The JSON data of a row, which must have every value it needs ({@link #lacksValues} false). */
  public byte[] data(Tuple row) {
    buffer.reset();
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      for (int d = 0; d < dataIndex.length; d++) {
        g.writeFieldName(dataName[d]);
        int i = dataIndex[d];
        if (i < 0 || row.isNull(i)) {
          g.writeNull();
        } else if (row.isUnchanged(i)) {
          throw new IllegalStateException("unchanged TOAST value of " + table + "." + columns.get(i).name()
              + " was not filled in");
        } else if (checkJson[d] && !JsonSyntax.isValue(row.values()[i])) {
          if (!warnedBadJson) {
            warnedBadJson = true;
            LOG.warn("column {}.{} is listed in jsonColumns but holds text that is not JSON: writing it as a string",
                table, columns.get(i).name());
          }
          g.writeString(row.values()[i]);
        } else {
          dataKind[d].write(g, row.values()[i]);
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot convert a row of " + table + ": " + e.getMessage(), e);
    }
    return buffer.toByteArray();
  }

  private int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private List<String> names() {
    return columns.stream().map(Column::name).toList();
  }

}
