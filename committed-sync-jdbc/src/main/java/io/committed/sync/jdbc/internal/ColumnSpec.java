package io.committed.sync.jdbc.internal;

/**
 * One column of the target table.
 *
 * @param name the column's name as configured (validated)
 * @param path where its value comes from in the payload, or null for the key column, which holds
 *     the entity's key
 * @param type its SQL type
 * @param category how values are converted and bound
 * @param fractionDigits the fractional digits the column keeps (decimals, times), -1 if unbounded
 */
public record ColumnSpec(String name, JsonPath path, SqlType type, SqlType.Category category, int fractionDigits) {

  /** True for the column that holds the entity's key ({@code keyColumn}). */
  public boolean isKeyColumn() {
    return path == null;
  }

  /** Where the value comes from, for error messages. */
  public String source() {
    return path == null ? "the entity key" : "jsonPath " + path;
  }
}
