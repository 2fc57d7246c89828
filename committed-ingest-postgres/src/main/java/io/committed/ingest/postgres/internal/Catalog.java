package io.committed.ingest.postgres.internal;

import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the source's catalog: the preflight checks (wal_level, privileges, tables, replica
 * identity) and the shape of the captured tables. Uses one ordinary connection.
 */
public final class Catalog {
  private final Connection connection;
  private final Map<Integer, ValueKind> kinds = new HashMap<>();

  public Catalog(Connection connection) {
    this.connection = connection;
  }

  /** The oldest server streamed from (server_version_num): 14 has the slot and backend functions used. */
  static final int MIN_SERVER_VERSION = 140000;

  /**
   * Checks that the server can stream the configured tables and describes them.
   *
   * @throws SourceException naming what to change
   */
  public Map<TableName, TableInfo> preflight(PgSettings settings) throws SQLException {
    int version = Integer.parseInt(one("show server_version_num"));
    if (version < MIN_SERVER_VERSION) {
      throw new SourceException("PostgreSQL " + one("show server_version") + " is too old: change data capture needs"
          + " PostgreSQL 14 or later");
    }
    String wal = one("show wal_level");
    if (!"logical".equals(wal)) {
      throw new SourceException("PostgreSQL has wal_level = " + wal + ": set wal_level = logical in postgresql.conf"
          + " (and enough max_replication_slots and max_wal_senders), then restart the server");
    }
    String user = one("select current_user");
    if (!"t".equals(one("select (rolreplication or rolsuper)::text::char from pg_roles where rolname = current_user"))) {
      throw new SourceException("user " + user + " may not stream changes: ALTER ROLE " + Sql.ident(user)
          + " REPLICATION (and allow it a replication connection in pg_hba.conf)");
    }
    Map<TableName, TableInfo> out = new LinkedHashMap<>();
    for (TopicSpec topic : settings.topics()) {
      for (TableName t : topic.tables()) {
        out.put(t, table(t, topic));
      }
    }
    for (Outbox o : settings.outboxes()) {
      outbox(o);
    }
    return out;
  }

  /** Checks that an outbox table exists, may be read and has the columns its settings name. */
  private void outbox(Outbox o) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement("select a.attname, has_table_privilege(c.oid, 'SELECT')"
        + " from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid"
        + " where n.nspname = ? and c.relname = ? and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped"
        + " and a.attgenerated = '' order by a.attnum")) {
      s.setString(1, o.table().schema());
      s.setString(2, o.table().name());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          columns.add(r.getString(1));
          if (!r.getBoolean(2)) {
            throw new SourceException("user " + one("select current_user") + " may not read outbox " + o.table()
                + ": GRANT SELECT ON " + Sql.table(o.table()) + " TO it");
          }
        }
      }
    }
    if (columns.isEmpty()) {
      throw new SourceException("outbox table " + o.table() + " ([[sql.outbox]] table) does not exist in the source"
          + " database: create it or fix the table setting");
    }
    o.fieldsOf(columns);
  }

  private TableInfo table(TableName t, TopicSpec topic) throws SQLException {
    int oid;
    char identity;
    try (PreparedStatement s = connection.prepareStatement("select c.oid, c.relreplident, c.relkind,"
        + " has_table_privilege(c.oid, 'SELECT') from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        + " where n.nspname = ? and c.relname = ?")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SourceException("table " + t + " (topic '" + topic.topic() + "') does not exist in the source"
              + " database: create it or fix the tables setting");
        }
        oid = r.getInt(1);
        identity = r.getString(2).charAt(0);
        String kind = r.getString(3);
        if (!kind.equals("r") && !kind.equals("p")) {
          throw new SourceException(t + " is not a table (relkind " + kind + "): only tables can be captured");
        }
        if (!r.getBoolean(4)) {
          throw new SourceException("user " + one("select current_user") + " may not read " + t + ": GRANT SELECT ON "
              + Sql.table(t) + " TO it");
        }
      }
    }
    List<Column> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> identityColumns = identityColumns(oid, identity);
    try (PreparedStatement s = connection.prepareStatement("select attname, atttypid, atttypmod,"
        + " format_type(atttypid, atttypmod) from pg_attribute where attrelid = ? and attnum > 0"
        + " and not attisdropped and attgenerated = '' order by attnum")) {
      s.setInt(1, oid);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String name = r.getString(1);
          columns.add(new Column(name, r.getInt(2), r.getInt(3), identityColumns.contains(name)));
          types.add(r.getString(4));
        }
      }
    }
    List<String> key = topic.keyOf(t, primaryKey(oid), columns.stream().map(Column::name).toList());
    if (identity == 'n') {
      throw new SourceException("table " + t + " has REPLICA IDENTITY NOTHING, so its deletes carry no key:"
          + " ALTER TABLE " + Sql.table(t) + " REPLICA IDENTITY DEFAULT (with a primary key) or FULL");
    }
    if (identity != 'f' && !identityColumns.containsAll(key)) {
      throw new SourceException("the replica identity of " + t + " (" + (identityColumns.isEmpty() ? "none: no primary"
          + " key" : "columns " + identityColumns) + ") does not cover the key " + key + ", so deletes and key"
          + " changes could not be captured: ALTER TABLE " + Sql.table(t) + " REPLICA IDENTITY FULL, or use the"
          + " identity's columns as primaryKey");
    }
    return new TableInfo(t, oid, List.copyOf(columns), List.copyOf(types), List.copyOf(key), identity);
  }

  private List<String> primaryKey(int oid) throws SQLException {
    return columnsOfIndex(oid, "i.indisprimary");
  }

  private List<String> identityColumns(int oid, char identity) throws SQLException {
    return switch (identity) {
      case 'd' -> primaryKey(oid);
      case 'i' -> columnsOfIndex(oid, "i.indisreplident");
      default -> List.of();
    };
  }

  private List<String> columnsOfIndex(int oid, String condition) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement("select a.attname from pg_index i"
        + " cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)"
        + " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum"
        + " where i.indrelid = ? and " + condition + " order by k.ord")) {
      s.setInt(1, oid);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  /** The value kind of a type, resolving domains to their base type (cached). */
  /**
   * Table {@code t}'s columns as a schema describes them: {@code columns} (the catalog's or a
   * relation message's), each with its SQL type and nullability as the catalog has them now.
   */
  public io.committed.ingest.sql.internal.TopicSchema.Table shape(TableName t, int oid, List<Column> columns,
      List<String> keyColumns) throws SQLException {
    java.util.Map<String, String> types = new java.util.HashMap<>();
    java.util.Set<String> notNull = new java.util.HashSet<>();
    try (PreparedStatement s = connection.prepareStatement("select attname, format_type(atttypid, atttypmod),"
        + " attnotnull from pg_attribute where attrelid = ? and attnum > 0 and not attisdropped")) {
      s.setInt(1, oid);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          types.put(r.getString(1), r.getString(2));
          if (r.getBoolean(3)) {
            notNull.add(r.getString(1));
          }
        }
      }
    }
    List<io.committed.ingest.sql.internal.TopicSchema.Column> out = new ArrayList<>();
    for (Column c : columns) {
      out.add(new io.committed.ingest.sql.internal.TopicSchema.Column(c.name(), types.getOrDefault(c.name(), "unknown"),
          !notNull.contains(c.name()), kindOf(c.typeOid())));
    }
    return new io.committed.ingest.sql.internal.TopicSchema.Table(t, out, keyColumns);
  }

  public ValueKind kindOf(int typeOid) {
    ValueKind k = ValueKind.ofType(typeOid);
    if (k != ValueKind.TEXT || typeOid < 10000) {
      return k;
    }
    ValueKind known = kinds.get(typeOid);
    if (known != null) {
      return known;
    }
    int base = 0;
    try (PreparedStatement s = connection.prepareStatement("select typbasetype from pg_type where oid = ?"
        + " and typtype = 'd'")) {
      s.setInt(1, typeOid);
      try (ResultSet r = s.executeQuery()) {
        base = r.next() ? r.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read type " + typeOid + " from pg_type: " + e.getMessage(), e);
    }
    ValueKind kind = base == 0 ? ValueKind.TEXT : kindOf(base);
    kinds.put(typeOid, kind);
    return kind;
  }

  private String one(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
