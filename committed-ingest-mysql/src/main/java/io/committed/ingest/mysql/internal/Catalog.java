package io.committed.ingest.mysql.internal;

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
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the source's catalog: the preflight checks (binlog settings, server id, privileges,
 * tables) and the shape of the captured tables. Uses one ordinary connection.
 */
public final class Catalog {
  /** MySQL's "access denied; you need the X privilege" and "command denied to user" errors. */
  private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
  private static final int ER_TABLEACCESS_DENIED = 1142;
  private static final int ER_NO_SUCH_TABLE = 1146;
  private static final int ER_BAD_DB = 1049;
  private static final Pattern LABEL = Pattern.compile("'((?:[^']|'')*)'");

  private final Connection connection;
  private final Dialect dialect;

  public Catalog(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  /**
   * Checks that the server can stream the configured tables: binlog on, in ROW format with full
   * row images and metadata, a server id apart from the server's and its replicas', the
   * privileges to stream and to read the tables.
   *
   * @throws SourceException naming what to change
   */
  public ServerInfo preflight(MySqlSettings settings) throws SQLException {
    String version = one("select version()");
    boolean maria = version.toLowerCase(Locale.ROOT).contains("mariadb");
    if (maria != (dialect == Dialect.MARIADB)) {
      throw new SourceException("the server is " + (maria ? "MariaDB" : "MySQL") + " " + version + ", but the ingestable"
          + " has dialect = \"" + dialect.id() + "\": set [sql] dialect = \"" + (maria ? "mariadb" : "mysql") + "\"");
    }
    if (!"1".equals(one("select @@log_bin"))) {
      throw new SourceException("the server's binary log is off (log_bin): start it with log_bin (and server_id,"
          + " binlog_format = ROW, binlog_row_image = FULL, binlog_row_metadata = FULL)");
    }
    expect("binlog_format", "ROW", "rows are logged as statements otherwise, which cannot be captured");
    expect("binlog_row_image", "FULL", "updates and deletes would lack the columns they did not change");
    String metadata = optional("select @@binlog_row_metadata");
    if (metadata == null) {
      throw new SourceException("the server has no binlog_row_metadata setting: change data capture needs "
          + (maria ? "MariaDB 10.5" : "MySQL 8.0.14") + " or later");
    }
    if (!"FULL".equalsIgnoreCase(metadata)) {
      throw new SourceException("the server has binlog_row_metadata = " + metadata + ": SET GLOBAL binlog_row_metadata"
          + " = FULL (and in the server's config): without it the binary log has no column names, and a column added"
          + " or dropped since an event would be read into the wrong field");
    }
    long serverId = Long.parseLong(one("select @@server_id"));
    if (serverId == settings.serverId()) {
      throw new SourceException("[sql.mysql] server_id = " + settings.serverId() + " is the source server's own"
          + " server_id: choose another one, unique among the server and its replicas");
    }
    checkReplicas(settings.serverId());
    checkPrivileges();
    boolean gtids = maria || "ON".equalsIgnoreCase(optional("select @@gtid_mode"));
    if (settings.positionMode() == MySqlSettings.PositionMode.GTID && !gtids) {
      throw new SourceException("[sql.mysql] position = \"gtid\" but the server has gtid_mode = "
          + optional("select @@gtid_mode") + ": turn GTIDs on, or use position = \"auto\" or \"file\"");
    }
    String uuid = maria ? "" : one("select @@server_uuid");
    return new ServerInfo(dialect, version, serverId, uuid, gtids && settings.positionMode()
        != MySqlSettings.PositionMode.FILE, retention(maria));
  }

  /** Describes every configured table, checking the columns the config names. */
  public Map<TableName, TableInfo> tables(MySqlSettings settings) throws SQLException {
    Map<TableName, TableInfo> out = new LinkedHashMap<>();
    for (TopicSpec topic : settings.topics()) {
      for (TableName t : topic.tables()) {
        out.put(t, table(t, topic));
      }
    }
    for (Outbox o : settings.outboxes()) {
      List<String> names = new ArrayList<>();
      try (PreparedStatement s = connection.prepareStatement("select column_name from information_schema.columns"
          + " where table_schema = ? and table_name = ? order by ordinal_position")) {
        s.setString(1, o.table().schema());
        s.setString(2, o.table().name());
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            names.add(r.getString(1));
          }
        }
      }
      if (!names.isEmpty()) {
        o.fieldsOf(names); // the columns [[sql.outbox]] names, before the checks of an ordinary table
      }
      // described like a table keyed by its aggregate id (existence and privileges checked there)
      TableInfo info = table(o.table(), new TopicSpec("[[sql.outbox]]", List.of(o.table()), List.of(o.keyColumn()),
          true, Set.of(), Set.of(), Map.of()));
      out.put(o.table(), info);
    }
    return out;
  }

  /** How long the server keeps binary logs, for the status. */
  private String retention(boolean maria) throws SQLException {
    String seconds = optional("select @@binlog_expire_logs_seconds");
    if (seconds != null && !seconds.equals("0")) {
      long s = Long.parseLong(seconds);
      return s % 86400 == 0 ? (s / 86400) + " days" : s + " s";
    }
    String days = maria ? optional("select @@expire_logs_days") : null;
    if (days != null && Double.parseDouble(days) > 0) {
      return days.replaceAll("\\.?0+$", "") + " days";
    }
    return "unlimited (binlogs are never purged automatically)";
  }

  private void expect(String variable, String wanted, String why) throws SQLException {
    String v = one("select @@" + variable);
    if (!wanted.equalsIgnoreCase(v)) {
      throw new SourceException("the server has " + variable + " = " + v + ": SET GLOBAL " + variable + " = " + wanted
          + " (and in the server's config); " + why);
    }
  }

  /** Replicas registered with the server: none may have our server id (the server would drop one of us). */
  private void checkReplicas(long ours) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(dialect == Dialect.MARIADB ? "show slave hosts" : "show replicas")) {
      while (r.next()) {
        if (r.getLong(1) == ours) {
          throw new SourceException("[sql.mysql] server_id = " + ours + " is used by a replica of the source ("
              + r.getString(2) + "): choose a server_id unique among the server and its replicas");
        }
      }
    } catch (SQLException e) {
      if (e.getErrorCode() != ER_SPECIFIC_ACCESS_DENIED) {
        throw e;
      }
      // listing replicas needs another privilege; a clash still shows as a dropped stream
    }
  }

  private void checkPrivileges() throws SQLException {
    String user = one("select current_user()");
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("show binary logs")) {
      r.next();
    } catch (SQLException e) {
      if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED) {
        throw new SourceException("user " + user + " may not read the binary log's coordinates: GRANT "
            + dialect.monitorPrivilege() + " ON *.* TO " + user);
      }
      throw e;
    }
    List<String> grants = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("show grants")) {
      while (r.next()) {
        grants.add(r.getString(1).toUpperCase(Locale.ROOT));
      }
    }
    boolean replication = false;
    boolean roles = false;
    for (String g : grants) {
      if (g.contains(" ON *.* TO ") && (g.startsWith("GRANT ALL PRIVILEGES") || g.contains("REPLICATION SLAVE")
          || g.contains("REPLICATION REPLICA"))) {
        replication = true;
      }
      if (!g.contains(" ON ")) {
        roles = true; // GRANT `role` TO user: the role's privileges are not listed here
      }
    }
    if (!replication && !roles) {
      throw new SourceException("user " + user + " may not stream the binary log: GRANT REPLICATION SLAVE ON *.* TO "
          + user);
    }
  }

  /** The Java charset of every collation id the server knows. */
  Map<Integer, String> collationCharsets() throws SQLException {
    Map<Integer, String> out = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("select id, character_set_name from information_schema.collations")) {
      while (r.next()) {
        if (r.getString(2) != null) {
          out.put(r.getInt(1), Charsets.java(r.getString(2)));
        }
      }
    }
    return out;
  }

  private TableInfo table(TableName t, TopicSpec topic) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeQuery("select * from " + Sql.table(t) + " limit 0").close();
    } catch (SQLException e) {
      if (e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB) {
        throw new SourceException("table " + t + " (topic '" + topic.topic() + "') does not exist in the source"
            + " server: create it or fix the tables setting");
      }
      if (e.getErrorCode() == ER_TABLEACCESS_DENIED) {
        throw new SourceException("user " + one("select current_user()") + " may not read " + t + ": GRANT SELECT ON "
            + Sql.table(t) + " TO it");
      }
      throw e;
    }
    List<String> jsonChecked = mariaJsonColumns(t);
    List<ColumnInfo> columns = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement("select column_name, data_type, column_type, is_nullable,"
        + " extra, character_maximum_length, character_set_name from information_schema.columns"
        + " where table_schema = ? and table_name = ? order by ordinal_position")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String name = r.getString(1);
          String dataType = r.getString(2).toLowerCase(Locale.ROOT);
          String columnType = r.getString(3);
          ValueKind kind = ValueKind.of(dataType, columnType, jsonChecked.contains(name));
          String extra = r.getString(5) == null ? "" : r.getString(5).toUpperCase(Locale.ROOT);
          int length = dataType.equals("binary") ? r.getInt(6) : 0;
          String charset = kind == ValueKind.TEXT || kind == ValueKind.ENUM || kind == ValueKind.SET
              || kind == ValueKind.JSON ? Charsets.java(r.getString(7)) : null;
          columns.add(new ColumnInfo(name, kind, dataType, columnType, "YES".equals(r.getString(4)),
              extra.contains("GENERATED") || extra.contains("VIRTUAL") || extra.contains("PERSISTENT")
                  || extra.contains("STORED"), length, charset, labels(kind, columnType)));
        }
      }
    }
    List<String> names = columns.stream().map(ColumnInfo::name).toList();
    List<String> key = topic.keyOf(t, primaryKey(t), names);
    for (String c : topic.excludeColumns()) {
      if (!names.contains(c)) {
        throw new SourceException("excludeColumns names '" + c + "', which is not a column of " + t);
      }
    }
    return new TableInfo(t, List.copyOf(columns), List.copyOf(key), estimate(t));
  }

  /** MariaDB's JSON is LONGTEXT with a json_valid check: those columns. MySQL has a real JSON type. */
  private List<String> mariaJsonColumns(TableName t) throws SQLException {
    List<String> out = new ArrayList<>();
    if (dialect != Dialect.MARIADB) {
      return out;
    }
    try (PreparedStatement s = connection.prepareStatement("select check_clause from information_schema.check_constraints"
        + " where constraint_schema = ? and table_name = ?")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        Pattern p = Pattern.compile("^json_valid\\(`((?:[^`]|``)+)`\\)$");
        while (r.next()) {
          Matcher m = p.matcher(r.getString(1).trim());
          if (m.matches()) {
            out.add(m.group(1).replace("``", "`"));
          }
        }
      }
    }
    return out;
  }

  private List<String> primaryKey(TableName t) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement("select column_name from information_schema.statistics"
        + " where table_schema = ? and table_name = ? and index_name = 'PRIMARY' order by seq_in_index")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  private long estimate(TableName t) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement("select table_rows from information_schema.tables"
        + " where table_schema = ? and table_name = ?")) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getObject(1) != null ? r.getLong(1) : -1;
      }
    }
  }

  /** The labels of {@code enum('a','b')} or {@code set('a','b')}, in order. */
  static List<String> labels(ValueKind kind, String columnType) {
    if (kind != ValueKind.ENUM && kind != ValueKind.SET) {
      return List.of();
    }
    int open = columnType.indexOf('(');
    List<String> out = new ArrayList<>();
    Matcher m = LABEL.matcher(columnType.substring(open + 1));
    while (m.find()) {
      out.add(m.group(1).replace("''", "'"));
    }
    return out;
  }

  private String one(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** The value of a query whose variable may not exist on this server version; null then. */
  private String optional(String sql) throws SQLException {
    try {
      return one(sql);
    } catch (SQLException e) {
      if (e.getErrorCode() == 1193) { // ER_UNKNOWN_SYSTEM_VARIABLE
        return null;
      }
      throw e;
    }
  }
}
