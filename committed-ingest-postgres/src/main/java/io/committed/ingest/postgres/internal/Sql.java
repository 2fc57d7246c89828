package io.committed.ingest.postgres.internal;

import io.committed.ingest.sql.internal.TableName;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting for SQL text that PostgreSQL cannot take as a parameter (identifiers). */
final class Sql {
  private Sql() {}

  /** A double-quoted identifier. */
  static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
  static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** A table's quoted name, e.g. {@code "public"."orders"}. */
  static String table(TableName t) {
    return ident(t.schema()) + "." + ident(t.name());
  }

  /** Quoted identifiers joined by commas. */
  static String idents(List<String> names) {
    return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }
}
