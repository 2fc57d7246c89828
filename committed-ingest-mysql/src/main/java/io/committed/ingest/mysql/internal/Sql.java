package io.committed.ingest.mysql.internal;

import io.committed.ingest.sql.internal.TableName;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting for SQL text that MySQL cannot take as a parameter (identifiers). */
final class Sql {
  private Sql() {}

  /** A back-quoted identifier. */
  static String ident(String name) {
    return '`' + name.replace("`", "``") + '`';
  }

  /** A table's quoted name, e.g. {@code `shop`.`orders`}. */
  static String table(TableName t) {
    return ident(t.schema()) + "." + ident(t.name());
  }

  /** Quoted identifiers joined by commas. */
  static String idents(List<String> names) {
    return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }
}
