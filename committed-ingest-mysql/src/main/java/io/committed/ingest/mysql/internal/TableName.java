package io.committed.ingest.mysql.internal;

import java.util.Objects;

/**
 * A table's database and name, as MySQL reports them in the binary log (no quotes). Compared
 * exactly: the config must spell names as the server stores them.
 *
 * @param database the database (MySQL's "schema"), the connection string's when the config names none
 * @param name the table's name
 */
public record TableName(String database, String name) implements Comparable<TableName> {

  public TableName {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(name, "name");
  }

  /** Parses {@code database.table} or {@code table} (in {@code defaultDatabase}); null when malformed. */
  public static TableName parse(String text, String defaultDatabase) {
    String t = text.trim();
    int dot = t.indexOf('.');
    String db = dot < 0 ? defaultDatabase : t.substring(0, dot);
    String name = dot < 0 ? t : t.substring(dot + 1);
    if (db == null || db.isEmpty() || name.isEmpty() || name.indexOf('.') >= 0 || t.indexOf('`') >= 0
        || t.indexOf('"') >= 0) {
      return null;
    }
    return new TableName(db, name);
  }

  /** The name quoted for SQL, e.g. {@code `shop`.`orders`}. */
  public String quoted() {
    return Sql.ident(database) + "." + Sql.ident(name);
  }

  @Override
  public int compareTo(TableName o) {
    int c = database.compareTo(o.database);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return database + "." + name;
  }
}
