package io.committed.ingest.postgres.internal;

import java.util.Objects;

/**
 * A table's schema and name, as PostgreSQL stores them (case-sensitive; no quotes).
 *
 * @param schema the schema, {@code public} when the config gives none
 * @param name the table's name
 */
public record TableName(String schema, String name) implements Comparable<TableName> {

  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  /** Parses {@code schema.table} or {@code table}; null when malformed. */
  public static TableName parse(String text) {
    String t = text.trim();
    int dot = t.indexOf('.');
    String schema = dot < 0 ? "public" : t.substring(0, dot);
    String name = dot < 0 ? t : t.substring(dot + 1);
    if (schema.isEmpty() || name.isEmpty() || name.indexOf('.') >= 0 || t.indexOf('"') >= 0) {
      return null;
    }
    return new TableName(schema, name);
  }

  /** The name quoted for SQL, e.g. {@code "public"."orders"}. */
  public String quoted() {
    return Sql.ident(schema) + "." + Sql.ident(name);
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
