package io.committed.ingest.postgres.internal;

import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.sql.internal.TableName;
import java.util.List;

/**
 * A captured table as the catalog describes it.
 *
 * @param name the table
 * @param oid its OID
 * @param columns its published columns (not dropped, not generated), in attribute order, with
 *     {@code key} set for replica-identity columns
 * @param sqlTypes each column's SQL type, as {@code format_type} writes it (for casts)
 * @param keyColumns the entity key's columns, in key order
 * @param replicaIdentity {@code d}, {@code f}, {@code i} or {@code n}
 */
public record TableInfo(TableName name, int oid, List<Column> columns, List<String> sqlTypes, List<String> keyColumns,
    char replicaIdentity) {

  /** The SQL type of a column. */
  public String sqlType(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return sqlTypes.get(i);
      }
    }
    throw new IllegalArgumentException("no column " + column + " in " + name);
  }
}
