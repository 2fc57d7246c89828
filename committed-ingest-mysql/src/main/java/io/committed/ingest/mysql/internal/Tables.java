package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The captured tables' shapes while streaming: encoders for table-map events, whose metadata
 * (binlog_row_metadata = FULL) says which value is which column and each column's type as it was
 * when the rows were written ({@link MapColumns}); the catalog adds only what the event does not
 * say, for a column that still has the event's type. After a DDL statement the catalog is read
 * again before the next table map is used.
 */
final class Tables {
  private static final Logger LOG = LoggerFactory.getLogger(Tables.class);

  private final MySqlSettings settings;
  private final Catalog catalog;
  private final Map<TableName, TableInfo> infos;
  private boolean stale;
  private Map<Integer, String> collations;
  private final io.committed.ingest.sql.internal.SchemaPublisher schemas;

  /** @param schemas told every captured table's shape whenever the catalog is read again (after DDL) */
  Tables(MySqlSettings settings, Catalog catalog, Map<TableName, TableInfo> infos,
      io.committed.ingest.sql.internal.SchemaPublisher schemas) {
    this.settings = settings;
    this.catalog = catalog;
    this.infos = new HashMap<>(infos);
    this.schemas = schemas;
  }

  TableInfo info(TableName t) {
    return infos.get(t);
  }

  /** The catalog's description of captured table {@code t}, read again when a DDL statement ran since. */
  TableInfo current(TableName t) {
    TableInfo info = infos.get(t);
    return stale || info == null ? reread(t) : info;
  }

  /** An encoder for rows of {@code t} in the catalog's column order (the snapshot's). */
  RowEncoder<ColumnInfo> encoder(TableName t) {
    TableInfo info = current(t);
    return new RowEncoder<>(settings.topicOf(t).orElseThrow(), t, info.columns(), ColumnInfo::name, ColumnInfo::kind,
        info.keyColumns());
  }

  /** A statement of its own ran (DDL, most likely): read the catalog again before the next encoder. */
  void changed(String database, String sql) {
    stale = true;
  }

  /** An encoder for the rows of a table map event of captured table {@code t}. */
  RowEncoder<ColumnInfo> encoder(TableName t, TableMapEventData map) {
    List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
    if (names == null || names.size() != map.getColumnTypes().length) {
      throw new SourceException("the table map of " + t + " has no column names: set binlog_row_metadata = FULL on"
          + " the server (events written before that cannot be read safely)");
    }
    TableInfo info = infos.get(t);
    if (stale || info == null || !covers(info, names)) {
      info = reread(t);
    }
    List<ColumnInfo> fromMap = MapColumns.of(map, this::charsetOf);
    List<ColumnInfo> columns = new ArrayList<>(names.size());
    for (ColumnInfo m : fromMap) {
      columns.add(merged(info.column(m.name()), m));
    }
    TopicSpec topic = settings.topicOf(t).orElseThrow();
    return new RowEncoder<>(topic, t, columns, ColumnInfo::name, ColumnInfo::kind, keyColumns(topic, info, map));
  }

  /**
   * The key's columns by their names when the rows were written: a table's own primary key from the table
   * map (a key column renamed since keeps its old name in older events), a configured primaryKey as named.
   */
  private static List<String> keyColumns(TopicSpec topic, TableInfo info, TableMapEventData map) {
    List<Integer> pk = map.getEventMetadata().getSimplePrimaryKeys();
    if (!topic.primaryKey().isEmpty() || pk == null || pk.isEmpty()) {
      return info.keyColumns();
    }
    List<String> names = map.getEventMetadata().getColumnNames();
    List<String> key = new ArrayList<>(pk.size());
    for (int i : pk) {
      key.add(names.get(i));
    }
    return key;
  }

  /**
   * The column as the table map says it was when its rows were written; the catalog's column of the same
   * name only adds what the event does not say (MariaDB's JSON check, generated), and only when it still
   * has the event's type: after an ALTER TABLE the catalog may describe another column of that name.
   */
  static ColumnInfo merged(ColumnInfo catalog, ColumnInfo map) {
    if (catalog == null) {
      return map;
    }
    boolean same = catalog.kind() == map.kind() && catalog.dataType().equals(map.dataType())
        || catalog.kind() == map.kind() && map.kind() != ValueKind.INTEGER && map.kind() != ValueKind.UNSIGNED
        || catalog.kind() == ValueKind.JSON && map.kind() == ValueKind.TEXT && map.dataType().equals("text");
    if (!same) {
      return map;
    }
    boolean labelled = map.kind() == ValueKind.ENUM || map.kind() == ValueKind.SET;
    return new ColumnInfo(catalog.name(), catalog.kind(), map.kind() == ValueKind.BINARY ? map.dataType()
        : catalog.dataType(), catalog.sqlType(), map.nullable(), catalog.generated(), map.length(),
        map.charset() == null ? catalog.charset() : map.charset(),
        labelled && !map.labels().isEmpty() ? map.labels() : catalog.labels());
  }

  private String charsetOf(int collation) {
    if (collations == null) {
      try {
        collations = catalog.collationCharsets();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the server's collations: " + e.getMessage(), e);
      }
    }
    return collations.get(collation);
  }

  private static boolean covers(TableInfo info, List<String> names) {
    for (String n : names) {
      if (info.column(n) == null) {
        return false;
      }
    }
    return true;
  }

  private TableInfo reread(TableName t) {
    try {
      Map<TableName, TableInfo> fresh = catalog.tables(settings);
      infos.putAll(fresh);
      stale = false;
      // before the rows of the table map that made it read the catalog: they have the new shape
      fresh.values().forEach(info -> schemas.shape(info.shape()));
      LOG.debug("catalog read again for {}", t);
      return infos.get(t);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the catalog of " + t + ": " + e.getMessage(), e);
    }
  }
}
