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
}
