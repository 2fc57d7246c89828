package io.committed.ingest.mysql.internal;

import java.util.List;

/**
 * A column of a captured table as the catalog describes it.
 *
 * @param name the column's name
 * @param kind how its values become text and JSON
 * @param dataType the type's name in lower case, as {@code DATA_TYPE} writes it ({@code int})
 * @param sqlType the full SQL type, as {@code COLUMN_TYPE} writes it ({@code int(10) unsigned})
 * @param nullable whether it may be null
 * @param generated true for a generated (virtual or stored) column
 * @param length the declared length of a {@code BINARY(n)} column (its values are padded to it), else 0
 * @param charset the Java charset name of a character column's values, else null
 * @param labels an {@code ENUM}'s or {@code SET}'s labels in declaration order, else empty
 */
public record ColumnInfo(String name, ValueKind kind, String dataType, String sqlType, boolean nullable,
    boolean generated, int length, String charset, List<String> labels) {

  public ColumnInfo {
    labels = List.copyOf(labels);
  }
}
