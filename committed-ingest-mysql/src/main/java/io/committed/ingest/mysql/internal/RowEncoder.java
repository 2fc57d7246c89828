package io.committed.ingest.mysql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.api.EntityKeys;
import io.committed.api.JsonSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns rows of one table, as the texts of {@link ValueKind} (null for SQL NULL) in the order of
 * {@code columns}, into entity keys and JSON data, following its topic's mapping. The binlog path
 * (columns in table-map order) and the snapshot path (columns in catalog order) share it, so a row
 * encodes alike in both. Not thread-safe (it reuses a buffer).
 */
public final class RowEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(RowEncoder.class);
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private final String topic;
  private final TableName table;
  private final List<ColumnInfo> columns;
  private final int[] keyIndex;
  private final int[] dataIndex;
  private final String[] dataName;
  private final ValueKind[] dataKind;
  private final boolean[] checkJson;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private boolean warnedBadJson;

  /**
   * @param columns the table's columns, in the order rows list their values
   * @param keyColumns the key columns, in key order
   * @throws IllegalStateException when a key column is missing from {@code columns}
   */
  public RowEncoder(TopicSpec spec, TableName table, List<ColumnInfo> columns, List<String> keyColumns) {
    this.topic = spec.topic();
    this.table = table;
    this.columns = List.copyOf(columns);
    keyIndex = new int[keyColumns.size()];
    for (int k = 0; k < keyColumns.size(); k++) {
      int i = indexOf(keyColumns.get(k));
      if (i < 0) {
        throw new IllegalStateException("key column '" + keyColumns.get(k) + "' of " + table
            + " is not among its columns " + names() + ": was it dropped or renamed?");
      }
      keyIndex[k] = i;
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
      ColumnInfo c = columns.get(dataIndex[d]);
      ValueKind kind = c.kind();
      if (kind == ValueKind.JSON || spec.jsonColumns().contains(c.name())) {
        kind = ValueKind.JSON;
        checkJson[d] = true; // MariaDB's JSON is text under a check that may be absent or disabled
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

  public List<ColumnInfo> columns() {
    return columns;
  }

  /** The key's texts, in key order. */
  public List<String> keyValues(String[] row) {
    List<String> v = new ArrayList<>(keyIndex.length);
    for (int i : keyIndex) {
      if (i >= row.length || row[i] == null) {
        throw new IllegalStateException("a row of " + table + " has no value for key column '"
            + columns.get(i).name() + "': key columns must never be null");
      }
      v.add(row[i]);
    }
    return v;
  }

  /** The entity key of a row: {@link EntityKeys#encode} of the key columns' texts. */
  public byte[] key(String[] row) {
    return EntityKeys.encode(keyValues(row));
  }

  /** The JSON data of a row. */
  public byte[] data(String[] row) {
    buffer.reset();
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      for (int d = 0; d < dataIndex.length; d++) {
        g.writeFieldName(dataName[d]);
        int i = dataIndex[d];
        String v = i < 0 || i >= row.length ? null : row[i];
        if (v == null) {
          g.writeNull();
        } else if (checkJson[d] && !JsonSyntax.isValue(v)) {
          if (!warnedBadJson) {
            warnedBadJson = true;
            LOG.warn("column {}.{} holds text that is not JSON: writing it as a string", table,
                columns.get(i).name());
          }
          g.writeString(v);
        } else {
          dataKind[d].write(g, v);
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
    return columns.stream().map(ColumnInfo::name).toList();
  }
}
