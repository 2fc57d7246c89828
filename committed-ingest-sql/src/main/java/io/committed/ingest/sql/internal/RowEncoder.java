package io.committed.ingest.sql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.committed.api.EntityKeys;
import io.committed.api.JsonSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns rows of one table into entity keys and JSON data, following its topic's mapping. A row is
 * its values' texts in the order of {@code columns} (null for SQL NULL), as the source's value
 * kinds define them; the stream and the snapshot of a source give the same texts, so a row encodes
 * alike in both. Not thread-safe (it reuses a buffer).
 *
 * @param <C> the source's description of a column
 */
public final class RowEncoder<C> {
  private static final Logger LOG = LoggerFactory.getLogger(RowEncoder.class);
  // Characters outside the BMP as 4-byte UTF-8, not as escaped surrogate pairs.
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private final String topic;
  private final TableName table;
  private final List<C> columns;
  private final List<String> names;
  private final int[] keyIndex;
  private final ValueFormat[] keyFormat;
  private final int[] dataIndex;
  private final String[] dataName;
  private final ValueFormat[] dataFormat;
  private final boolean[] checkJson;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private boolean warnedBadJson;

  /**
   * @param columns the table's columns, in the order rows list their values
   * @param nameOf a column's name
   * @param formatOf a column's value format
   * @param keyColumns the key columns, in key order
   * @throws IllegalStateException when a key column is missing from {@code columns}
   */
  public RowEncoder(TopicSpec spec, TableName table, List<C> columns, Function<C, String> nameOf,
      Function<C, ? extends ValueFormat> formatOf, List<String> keyColumns) {
    this.topic = spec.topic();
    this.table = table;
    this.columns = List.copyOf(columns);
    this.names = this.columns.stream().map(nameOf).toList();
    keyIndex = new int[keyColumns.size()];
    keyFormat = new ValueFormat[keyColumns.size()];
    for (int k = 0; k < keyColumns.size(); k++) {
      int i = names.indexOf(keyColumns.get(k));
      if (i < 0) {
        throw new IllegalStateException("key column '" + keyColumns.get(k) + "' of " + table
            + " is not among its columns " + names + ": was it dropped or renamed?");
      }
      keyIndex[k] = i;
      keyFormat[k] = formatOf.apply(this.columns.get(i));
    }
    List<Integer> idx = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    if (spec.mapAllColumns()) {
      for (int i = 0; i < names.size(); i++) {
        String c = names.get(i);
        if (!spec.excludeColumns().contains(c)) {
          idx.add(i);
          fields.add(spec.mappings().getOrDefault(c, c));
        }
      }
    } else {
      for (Map.Entry<String, String> m : spec.mappings().entrySet()) {
        idx.add(names.indexOf(m.getKey()));
        fields.add(m.getValue());
        if (names.indexOf(m.getKey()) < 0) {
          LOG.warn("column '{}' of {} is mapped to '{}' but the table has no such column (any more): writing null",
              m.getKey(), table, m.getValue());
        }
      }
    }
    dataIndex = idx.stream().mapToInt(Integer::intValue).toArray();
    dataName = fields.toArray(String[]::new);
    dataFormat = new ValueFormat[dataIndex.length];
    checkJson = new boolean[dataIndex.length];
    for (int d = 0; d < dataIndex.length; d++) {
      if (dataIndex[d] < 0) {
        continue;
      }
      ValueFormat f = formatOf.apply(this.columns.get(dataIndex[d]));
      dataFormat[d] = f;
      checkJson[d] = f.json() ? !f.serverValidated() : spec.jsonColumns().contains(names.get(dataIndex[d]));
    }
  }

  public String topic() {
    return topic;
  }

  public TableName table() {
    return table;
  }

  public List<C> columns() {
    return columns;
  }

  /** The key columns' indexes in {@code columns}, in key order. */
  public int[] keyIndexes() {
    return keyIndex.clone();
  }

  /** The mapped columns' indexes in {@code columns}, in field order; -1 for a mapped column the table lacks. */
  public int[] dataIndexes() {
    return dataIndex.clone();
  }

  /**
   * The key's texts as the row gives them, in key order (for queries).
   *
   * @throws IllegalStateException when a key column has no value
   */
  public List<String> keyValues(String[] row) {
    List<String> v = new ArrayList<>(keyIndex.length);
    for (int i : keyIndex) {
      if (i >= row.length || row[i] == null) {
        throw new IllegalStateException("a row of " + table + " has no value for key column '" + names.get(i)
            + "': key columns must never be null (in PostgreSQL they must also be in the table's replica identity)");
      }
      v.add(row[i]);
    }
    return v;
  }

  /** The entity key of a row: {@link EntityKeys#encode} of the key columns' key texts. */
  public byte[] key(String[] row) {
    List<String> raw = keyValues(row);
    List<String> v = new ArrayList<>(raw.size());
    for (int k = 0; k < raw.size(); k++) {
      v.add(keyFormat[k].keyText(raw.get(k)));
    }
    return EntityKeys.encode(v);
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
        } else if (!checkJson[d]) {
          dataFormat[d].write(g, v);
        } else if (JsonSyntax.isValue(v)) {
          g.writeRawValue(v);
        } else {
          if (!warnedBadJson) {
            warnedBadJson = true;
            LOG.warn("column {}.{} holds text that is not JSON: writing it as a string", table, names.get(i));
          }
          g.writeString(v);
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
}
