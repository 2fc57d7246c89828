package io.committed.sync.jdbc.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target table and its row in {@value SqlSyncableConfig#POSITIONS_TABLE}: created on first use,
 * checked against the config (an existing table is never altered; a missing column or a table
 * dropped while its position says rows were applied is reported, with what to do), dropped for a
 * rebuild. Used by one {@link SqlSyncable}, on its worker thread.
 */
final class TargetTable {
  private static final Logger LOG = LoggerFactory.getLogger(TargetTable.class);

  private final SqlSyncableConfig config;
  private final Dialect dialect;
  private Statements statements;
  private boolean schemaReady;

  TargetTable(SqlSyncableConfig config) {
    this.config = config;
    this.dialect = config.database().dialect();
  }

  /** The statements, once {@link #statements(Connection)} or {@link #ensure} has run. */
  Statements statements() {
    return statements;
  }

  /**
   * Forgets the position, then drops and recreates the table (a crash in between leaves old rows
   * that the replay overwrites, never a position that claims rows the table no longer has).
   */
  void reset(Connection c) throws SQLException {
    Statements st = statements(c);
    execute(c, st.createPositions());
    c.commit();
    writePosition(c, 0);
    c.commit();
    execute(c, st.dropTable());
    c.commit();
    schemaReady = false;
    LOG.info("syncable '{}' dropped table {} for a rebuild", config.syncableId(), st.table());
    ensure(c);
  }


  Statements statements(Connection c) throws SQLException {
    if (statements == null) {
      var md = c.getMetaData();
      UnaryOperator<String> fold = md.storesUpperCaseIdentifiers() ? s -> s.toUpperCase(Locale.ROOT)
          : md.storesLowerCaseIdentifiers() ? s -> s.toLowerCase(Locale.ROOT) : UnaryOperator.identity();
      String collation = null;
      if (dialect == Dialect.MYSQL) {
        String version = md.getDatabaseProductVersion();
        boolean mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb")
            || md.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("mariadb");
        // Binary and no-pad: keys 'a', 'A' and 'a ' are different rows, as they are in the log.
        collation = mariadb ? "utf8mb4_nopad_bin" : md.getDatabaseMajorVersion() >= 8 ? "utf8mb4_0900_bin" : "utf8mb4_bin";
      }
      statements = new Statements(config, fold, collation);
    }
    return statements;
  }

  void ensure(Connection c) throws SQLException {
    if (schemaReady) {
      return;
    }
    Statements st = statements(c);
    execute(c, st.createPositions());
    c.commit();
    Set<String> existing = existingColumns(c, st);
    if (existing == null) {
      long position = positionOrZero(c, st);
      if (position > 0) {
        throw new IllegalStateException("table " + st.table() + " does not exist, but " + SqlSyncableConfig.POSITIONS_TABLE
            + " records entries up to " + position + " as applied to it: it was dropped outside Committed. Rebuild"
            + " syncable '" + config.syncableId() + "' (log.sync().rebuild(\"" + config.syncableId() + "\")) to refill it"
            + " from the log");
      }
      execute(c, st.createTable());
      c.commit();
      LOG.info("syncable '{}' created table {}", config.syncableId(), st.table());
    } else {
      List<String> missing = new ArrayList<>();
      for (ColumnSpec col : config.columns()) {
        if (!existing.contains(col.name().toLowerCase(Locale.ROOT))) {
          missing.add(col.name());
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("table " + st.table() + " exists without column(s) " + String.join(", ", missing)
            + ": the mappings changed since it was created, and a table is never altered. Rebuild syncable '"
            + config.syncableId() + "' (log.sync().rebuild(\"" + config.syncableId() + "\")) to recreate it, or add the"
            + " columns yourself");
      }
    }
    createIndexes(c, st);
    if (readPositionRow(c, st) < 0) {
      try (PreparedStatement ps = c.prepareStatement(st.insertPosition())) {
        ps.setString(1, config.syncableId());
        ps.setString(2, st.positionTableKey());
        ps.setLong(3, 0);
        ps.executeUpdate();
      }
    }
    c.commit();
    schemaReady = true;
  }

  /** The table's columns in lower case, or null when the table does not exist. */
  private Set<String> existingColumns(Connection c, Statements st) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String escape = md.getSearchStringEscape();
    String schema = config.schema() != null ? st.stored(config.schema()) : dialect == Dialect.MYSQL ? null : c.getSchema();
    String catalog = dialect == Dialect.MYSQL ? (schema != null ? schema : c.getCatalog()) : null;
    if (dialect == Dialect.MYSQL) {
      schema = null;
    }
    Set<String> names = new HashSet<>();
    try (ResultSet rs = md.getColumns(catalog, pattern(schema, escape), pattern(st.stored(config.table()), escape),
        "%")) {
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
      }
    }
    c.commit();
    return names.isEmpty() ? null : names;
  }

  /** A name as a metadata search pattern, matching only itself. */
  private static String pattern(String name, String escape) {
    if (name == null || escape == null || escape.isEmpty()) {
      return name;
    }
    return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
  }

  private void createIndexes(Connection c, Statements st) throws SQLException {
    List<String> ddl = st.createIndexes();
    for (int i = 0; i < ddl.size(); i++) {
      if (dialect == Dialect.MYSQL) {
        try (PreparedStatement ps = c.prepareStatement(st.indexExists())) {
          ps.setString(1, config.schema() == null ? null : st.stored(config.schema()));
          ps.setString(2, st.stored(config.table()));
          ps.setString(3, st.stored(config.indexes().get(i).name()));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getLong(1) > 0) {
              continue;
            }
          }
        }
      }
      execute(c, ddl.get(i));
      c.commit();
    }
  }

  private long positionOrZero(Connection c, Statements st) throws SQLException {
    return Math.max(0, readPositionRow(c, st));
  }

  /** The recorded index, or -1 when the table has no position row. */
  private long readPositionRow(Connection c, Statements st) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(st.selectPosition())) {
      ps.setString(1, config.syncableId());
      ps.setString(2, st.positionTableKey());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  long readPosition(Connection c) throws SQLException {
    long p = readPositionRow(c, statements);
    if (p < 0) {
      schemaReady = false;
      throw new IllegalStateException("the position row of syncable '" + config.syncableId() + "' in "
          + SqlSyncableConfig.POSITIONS_TABLE + " disappeared; it is recreated on the next attempt");
    }
    return p;
  }

  /** Moves the position from {@code from} to {@code to}; false when it was no longer {@code from}. */
  boolean advancePosition(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statements.advancePosition())) {
      ps.setLong(1, to);
      ps.setString(2, config.syncableId());
      ps.setString(3, statements.positionTableKey());
      ps.setLong(4, from);
      return ps.executeUpdate() == 1;
    }
  }

  private void writePosition(Connection c, long index) throws SQLException {
    int updated;
    try (PreparedStatement ps = c.prepareStatement(statements.updatePosition())) {
      ps.setLong(1, index);
      ps.setString(2, config.syncableId());
      ps.setString(3, statements.positionTableKey());
      updated = ps.executeUpdate();
    }
    if (updated == 0) {
      try (PreparedStatement ps = c.prepareStatement(statements.insertPosition())) {
        ps.setString(1, config.syncableId());
        ps.setString(2, statements.positionTableKey());
        ps.setLong(3, index);
        ps.executeUpdate();
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
