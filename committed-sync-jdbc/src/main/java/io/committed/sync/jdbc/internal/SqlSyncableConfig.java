package io.committed.sync.jdbc.internal;

import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A validated SQL syncable config, in the original's shape:
 *
 * <pre>
 * [sql]
 * topic = "person"            # handled by core
 * db = "warehouse"            # a database config
 * table = "people"            # or "schema.people"
 * primaryKey = "id"           # or ["tenant", "id"], in the order of the entity key's parts
 * keyColumn = "entity_key"    # optional: a column that receives the entity key as text
 * [[sql.indexes]]
 * name = "people_by_name"
 * index = "last_name, first_name"
 * [[sql.mappings]]
 * jsonPath = "$.id"
 * column = "id"
 * type = "BIGINT"
 * </pre>
 *
 * @param syncableId the syncable's id
 * @param database how to reach the database
 * @param schema the table's schema, or null for the connection's default
 * @param table the table's name
 * @param columns every column, mapped ones in config order, then the key column
 * @param primaryKey the primary-key columns, in key order
 * @param indexes the secondary indexes
 */
public record SqlSyncableConfig(String syncableId, DatabaseSettings database, String schema, String table,
    List<ColumnSpec> columns, List<ColumnSpec> primaryKey, List<IndexSpec> indexes) {

  /** The table that records, per syncable and table, the last log index applied. */
  public static final String POSITIONS_TABLE = "committed_sync_positions";

  /** The type of the key column. */
  static final String KEY_COLUMN_TYPE = "VARCHAR(512)";

  /**
   * A secondary index.
   *
   * @param name its name
   * @param columns its columns, in order
   */
  public record IndexSpec(String name, List<String> columns) {}

  /**
   * Reads and checks the syncable's {@code [sql]} section and the database it names.
   *
   * @throws ConfigException naming the field at fault
   */
  public static SqlSyncableConfig parse(SyncableContext context) {
    PluginConfig sql = context.config();
    String dbId = sql.requireString("db").trim();
    PluginConfig db = context.database(dbId).orElseThrow(() -> sql.error("db", "names database '" + dbId
        + "', which is not defined: define the database config first"));
    DatabaseSettings database;
    try {
      database = DatabaseSettings.from(dbId, db);
    } catch (ConfigException e) {
      throw new ConfigException(e.field().orElse(sql.path() + ".db"), "database '" + dbId + "': " + e.getMessage(), e);
    }
    Dialect dialect = database.dialect();

    String tableText = sql.requireString("table").trim();
    String schema = null;
    String table = tableText;
    int dot = tableText.indexOf('.');
    if (dot >= 0) {
      schema = tableText.substring(0, dot);
      table = tableText.substring(dot + 1);
    }
    if (!Identifiers.valid(table) || (schema != null && !Identifiers.valid(schema))) {
      throw sql.error("table", "'" + tableText + "' is not a valid table name: use 1 to 63 letters, digits and '_',"
          + " not starting with a digit, optionally as schema.table");
    }
    if (table.equalsIgnoreCase(POSITIONS_TABLE)) {
      throw sql.error("table", "must not be " + POSITIONS_TABLE + ": Committed keeps its positions there");
    }

    Map<String, ColumnSpec> byName = new LinkedHashMap<>();
    List<PluginConfig> mappings = sql.sections("mappings");
    for (PluginConfig m : mappings) {
      String column = m.requireString("column").trim();
      if (!Identifiers.valid(column)) {
        throw m.error("column", Identifiers.problem(column));
      }
      String[] problem = new String[1];
      JsonPath path = JsonPath.compile(m.requireString("jsonPath").trim(), problem)
          .orElseThrow(() -> m.error("jsonPath", problem[0]));
      SqlType type = SqlType.parse(m.requireString("type"), problem).orElseThrow(() -> m.error("type", problem[0]));
      add(byName, m, "column", new ColumnSpec(column, path, type, type.category(dialect), type.fractionDigits(dialect)));
    }
    Optional<String> keyColumn = sql.string("keyColumn").map(String::trim);
    if (keyColumn.isPresent()) {
      if (!Identifiers.valid(keyColumn.get())) {
        throw sql.error("keyColumn", Identifiers.problem(keyColumn.get()));
      }
      SqlType type = SqlType.parse(KEY_COLUMN_TYPE, new String[1]).orElseThrow();
      add(byName, sql, "keyColumn", new ColumnSpec(keyColumn.get(), null, type, SqlType.Category.TEXT, -1));
    }
    if (byName.isEmpty()) {
      throw new ConfigException(sql.path() + ".mappings", sql.path() + ".mappings is required: at least one"
          + " [[" + sql.path() + ".mappings]] with jsonPath, column and type (jsonPath = \"$\" maps the whole payload)");
    }

    List<String> pkNames = sql.has("primaryKey") ? sql.strings("primaryKey") : keyColumn.map(List::of).orElse(List.of());
    if (pkNames.isEmpty()) {
      throw new ConfigException(sql.path() + ".primaryKey", sql.path() + ".primaryKey is required: the column (or"
          + " array of columns, in the order of the entity key's parts) that identifies a row");
    }
    List<ColumnSpec> pk = new ArrayList<>();
    for (String raw : pkNames) {
      String name = raw.trim();
      ColumnSpec c = byName.get(name.toLowerCase(Locale.ROOT));
      if (c == null) {
        throw sql.error("primaryKey", "names column '" + name + "', which has no mapping: add a [["
            + sql.path() + ".mappings]] with column = \"" + name + "\" (or set " + sql.path() + ".keyColumn = \""
            + name + "\")");
      }
      if (pk.contains(c)) {
        throw sql.error("primaryKey", "names column '" + name + "' twice");
      }
      if (c.category() == SqlType.Category.JSON || (dialect == Dialect.MYSQL && c.type().unindexableInMysql())) {
        throw sql.error("primaryKey", "column '" + name + "' has type " + c.type().sql() + ", which "
            + dialect.id() + " cannot use in a primary key: use a VARCHAR(n), a number or a date type");
      }
      if (c.path() != null && c.path().isRoot()) {
        throw sql.error("primaryKey", "column '" + name + "' maps the whole payload ($): a key column must map one"
            + " field");
      }
      pk.add(c);
    }

    List<IndexSpec> indexes = new ArrayList<>();
    Map<String, Boolean> indexNames = new HashMap<>();
    for (PluginConfig ix : sql.sections("indexes")) {
      String name = ix.requireString("name").trim();
      if (!Identifiers.valid(name)) {
        throw ix.error("name", Identifiers.problem(name));
      }
      if (indexNames.put(name.toLowerCase(Locale.ROOT), true) != null) {
        throw ix.error("name", "'" + name + "' is used by two indexes");
      }
      List<String> cols = new ArrayList<>();
      for (String part : ix.strings("index")) {
        for (String col : part.split(",")) {
          String c = col.trim();
          if (c.isEmpty()) {
            continue;
          }
          ColumnSpec spec = byName.get(c.toLowerCase(Locale.ROOT));
          if (spec == null) {
            throw ix.error("index", "names column '" + c + "', which is not a column of the table (columns: "
                + String.join(", ", byName.values().stream().map(ColumnSpec::name).toList()) + ")");
          }
          cols.add(spec.name());
        }
      }
      if (cols.isEmpty()) {
        throw ix.error("index", "is required: the column, or comma-separated columns, to index");
      }
      indexes.add(new IndexSpec(name, List.copyOf(cols)));
    }
    return new SqlSyncableConfig(context.syncableId(), database, schema, table, List.copyOf(byName.values()),
        List.copyOf(pk), List.copyOf(indexes));
  }

  private static void add(Map<String, ColumnSpec> byName, PluginConfig where, String field, ColumnSpec column) {
    if (byName.putIfAbsent(column.name().toLowerCase(Locale.ROOT), column) != null) {
      throw where.error(field, "'" + column.name() + "' is mapped twice (column names are case-insensitive)");
    }
  }
}
