package io.committed.ingest.mysql.internal;

import io.committed.ingest.sql.internal.TableName;
import java.util.List;

/**
 * A captured table as the catalog describes it.
 *
 * @param name the table
 * @param columns its columns, in ordinal order
 * @param keyColumns the entity key's columns, in key order
 * @param rowsEstimated the table's row count from the statistics, -1 when unknown
 */
public record TableInfo(TableName name, List<ColumnInfo> columns, List<String> keyColumns, long rowsEstimated) {

  /** The column named {@code name}, or null. */
  public ColumnInfo column(String column) {
    for (ColumnInfo c : columns) {
      if (c.name().equals(column)) {
        return c;
      }
    }
    return null;
  }

  /** The table's shape as a topic's schema describes it ({@link io.committed.ingest.sql.internal.TopicSchema}). */
  public io.committed.ingest.sql.internal.TopicSchema.Table shape() {
    java.util.List<io.committed.ingest.sql.internal.TopicSchema.Column> out = new java.util.ArrayList<>();
    for (ColumnInfo c : columns) {
      out.add(new io.committed.ingest.sql.internal.TopicSchema.Column(c.name(),
          c.sqlType().isEmpty() ? c.dataType() : c.sqlType(), c.nullable(), c.kind()));
    }
    return new io.committed.ingest.sql.internal.TopicSchema.Table(name, out, keyColumns);
  }
}
