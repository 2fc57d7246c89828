package io.committed.sync.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The SQL a syncable runs, for one table in one dialect. Every name comes from a validated config
 * and is quoted; every value is a bind parameter.
 *
 * <p>Names are folded the way the database folds unquoted names (PostgreSQL to lower case, H2 to
 * upper case), so {@code table = "People"} behaves as an unquoted {@code People} would and users
 * can query the table without quotes; quoting keeps reserved words usable.
 */
public final class Statements {
  private final SqlSyncableConfig config;
  private final Dialect dialect;
  private final UnaryOperator<String> fold;
  private final String mysqlCollation;

  /**
   * @param fold how the database folds unquoted names
   * @param mysqlCollation the binary, no-pad collation for MySQL/MariaDB tables, or null
   */
  public Statements(SqlSyncableConfig config, UnaryOperator<String> fold, String mysqlCollation) {
    this.config = config;
    this.dialect = config.database().dialect();
    this.fold = fold;
    this.mysqlCollation = mysqlCollation;
  }

  /** A folded, quoted name. */
  public String name(String identifier) {
    return dialect.quote(fold.apply(identifier));
  }

  /** The folded name as the database stores it (for metadata look-ups). */
  public String stored(String identifier) {
    return fold.apply(identifier);
  }

  public String table() {
    return config.schema() == null ? name(config.table()) : name(config.schema()) + "." + name(config.table());
  }

  private String positions() {
    String p = name(SqlSyncableConfig.POSITIONS_TABLE);
    return config.schema() == null ? p : name(config.schema()) + "." + p;
  }

  private String tableOptions() {
    return dialect == Dialect.MYSQL
        ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" + (mysqlCollation == null ? "" : " COLLATE=" + mysqlCollation)
        : "";
  }

  public String createPositions() {
    return "CREATE TABLE IF NOT EXISTS " + positions() + " (" + name("syncable_id") + " VARCHAR(128) NOT NULL, "
        + name("table_name") + " VARCHAR(128) NOT NULL, " + name("last_index") + " BIGINT NOT NULL, PRIMARY KEY ("
        + name("syncable_id") + ", " + name("table_name") + "))" + tableOptions();
  }

  public String createTable() {
    String cols = config.columns().stream().map(c -> name(c.name()) + " " + c.type().sql()
        + (config.primaryKey().contains(c) ? " NOT NULL" : "")).collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS " + table() + " (" + cols + ", PRIMARY KEY (" + keyList() + "))" + tableOptions();
  }

  /** CREATE INDEX statements; for MySQL without IF NOT EXISTS (check {@link #indexExists} first). */
  public List<String> createIndexes() {
    List<String> out = new ArrayList<>();
    for (SqlSyncableConfig.IndexSpec ix : config.indexes()) {
      String cols = ix.columns().stream().map(this::name).collect(Collectors.joining(", "));
      out.add(dialect == Dialect.MYSQL
          ? "CREATE INDEX " + name(ix.name()) + " ON " + table() + " (" + cols + ")"
          : "CREATE INDEX IF NOT EXISTS " + name(ix.name()) + " ON " + table() + " (" + cols + ")");
    }
    return out;
  }

  /** MySQL: whether the index exists (parameters: schema-or-null, table, index). */
  public String indexExists() {
    return "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = COALESCE(?, DATABASE())"
        + " AND table_name = ? AND index_name = ?";
  }

  public String dropTable() {
    return "DROP TABLE IF EXISTS " + table();
  }

  /** Parameters: syncable id, table. */
  public String selectPosition() {
    return "SELECT " + name("last_index") + " FROM " + positions() + " WHERE " + name("syncable_id") + " = ? AND "
        + name("table_name") + " = ?";
  }

  /** Parameters: syncable id, table, index. */
  public String insertPosition() {
    return "INSERT INTO " + positions() + " (" + name("syncable_id") + ", " + name("table_name") + ", "
        + name("last_index") + ") VALUES (?, ?, ?)";
  }

  /** Parameters: index, syncable id, table. */
  public String updatePosition() {
    return "UPDATE " + positions() + " SET " + name("last_index") + " = ? WHERE " + name("syncable_id") + " = ? AND "
        + name("table_name") + " = ?";
  }

  /** Parameters: new index, syncable id, table, expected current index. */
  public String advancePosition() {
    return updatePosition() + " AND " + name("last_index") + " = ?";
  }

  /** The key under which this table's position is recorded. */
  public String positionTableKey() {
    return (config.schema() == null ? "" : config.schema().toLowerCase(Locale.ROOT) + ".")
        + config.table().toLowerCase(Locale.ROOT);
  }

  private String keyList() {
    return config.primaryKey().stream().map(c -> name(c.name())).collect(Collectors.joining(", "));
  }

  private String placeholder(ColumnSpec c) {
    return dialect == Dialect.H2 && c.category() == SqlType.Category.JSON ? "? FORMAT JSON" : "?";
  }

  /** Inserts or replaces a row; parameters: every column, in {@link SqlSyncableConfig#columns} order. */
  public String upsert() {
    return upsert(1);
  }

  /**
   * Inserts or replaces {@code rows} rows in one statement (MySQL/MariaDB; the rows must have
   * distinct keys); parameters: every column of each row in turn.
   */
  public String upsert(int rows) {
    List<ColumnSpec> cols = config.columns();
    String names = cols.stream().map(c -> name(c.name())).collect(Collectors.joining(", "));
    String row = "(" + cols.stream().map(this::placeholder).collect(Collectors.joining(", ")) + ")";
    String values = rows == 1 ? row : String.join(", ", java.util.Collections.nCopies(rows, row));
    List<ColumnSpec> rest = cols.stream().filter(c -> !config.primaryKey().contains(c)).toList();
    return switch (dialect) {
      case POSTGRES -> "INSERT INTO " + table() + " (" + names + ") VALUES " + values + " ON CONFLICT (" + keyList()
          + ") " + (rest.isEmpty() ? "DO NOTHING"
              : "DO UPDATE SET " + rest.stream().map(c -> name(c.name()) + " = EXCLUDED." + name(c.name()))
                  .collect(Collectors.joining(", ")));
      case MYSQL -> "INSERT INTO " + table() + " (" + names + ") VALUES " + values + " ON DUPLICATE KEY UPDATE "
          + (rest.isEmpty() ? cols : rest).stream().map(c -> name(c.name()) + " = VALUES(" + name(c.name()) + ")")
              .collect(Collectors.joining(", "));
      case H2 -> "MERGE INTO " + table() + " (" + names + ") KEY (" + keyList() + ") VALUES " + values;
    };
  }

  /** Deletes a row by key; parameters: the primary-key columns, in key order. */
  public String delete() {
    return "DELETE FROM " + table() + " WHERE " + config.primaryKey().stream().map(c -> name(c.name()) + " = ?")
        .collect(Collectors.joining(" AND "));
  }
}
