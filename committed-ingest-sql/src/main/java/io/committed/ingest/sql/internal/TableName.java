package io.committed.ingest.sql.internal;

import java.util.Objects;

/**
 * A table's schema and name, as the server stores them (no quotes). Compared exactly: the config
 * must spell names as the server does. For MySQL and MariaDB the schema is the database.
 *
 * @param schema the schema (PostgreSQL) or database (MySQL), the source's default when the config names none
 * @param name the table's name
 */
public record TableName(String schema, String name) implements Comparable<TableName> {

  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  /**
   * Parses {@code schema.table} or {@code table} (in {@code defaultSchema}); null when malformed
   * (an empty part, a second dot, or a quote character: names are written unquoted).
   */
  public static TableName parse(String text, String defaultSchema) {
    String t = text.trim();
    int dot = t.indexOf('.');
    String schema = dot < 0 ? defaultSchema : t.substring(0, dot);
    String name = dot < 0 ? t : t.substring(dot + 1);
    if (schema == null || schema.isEmpty() || name.isEmpty() || name.indexOf('.') >= 0 || t.indexOf('"') >= 0
        || t.indexOf('`') >= 0) {
      return null;
    }
    return new TableName(schema, name);
  }

  @Override
  public int compareTo(TableName o) {
    int c = schema.compareTo(o.schema);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
