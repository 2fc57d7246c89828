package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import io.committed.api.Entity;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.SourceException;
import io.committed.ingest.sql.internal.TableName;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binlog's inserted rows of outbox tables ({@code [[sql.outbox]]}) as entities; their updates
 * and deletes are ignored. Columns are those the table map names, described by the catalog (a
 * column the catalog does not know, added since, is read as text).
 */
final class OutboxRows {
  private final MySqlSettings settings;
  private final Tables tables;
  private final Map<Long, Outbox.Encoder<ColumnInfo>> encoders = new HashMap<>();

  OutboxRows(MySqlSettings settings, Tables tables) {
    this.settings = settings;
    this.tables = tables;
  }

  /** True when {@code map} is of an outbox table. */
  boolean isOutbox(TableMapEventData map) {
    return map != null && settings.outboxOf(new TableName(map.getDatabase(), map.getTable())).isPresent();
  }

  /** The entities of rows inserted into the outbox table of {@code map}, in order. */
  List<Entity> inserted(long tableId, TableMapEventData map, BitSet included, List<Serializable[]> rows) {
    Outbox.Encoder<ColumnInfo> e = encoders.computeIfAbsent(tableId, id -> encoder(map));
    List<ColumnInfo> columns = columns(map);
    List<Entity> out = new ArrayList<>(rows.size());
    for (Serializable[] row : rows) {
      String[] texts = new String[columns.size()];
      for (int i = 0, v = 0; i < columns.size(); i++) {
        if (included.get(i)) {
          texts[i] = BinlogValues.text(columns.get(i), row[v++], settings.dialect());
        }
      }
      out.add(e.entity(texts));
    }
    return out;
  }

  /** A statement of its own ran (DDL, most likely): table ids and shapes may change. */
  void clear() {
    encoders.clear();
  }

  private Outbox.Encoder<ColumnInfo> encoder(TableMapEventData map) {
    TableName t = new TableName(map.getDatabase(), map.getTable());
    return new Outbox.Encoder<>(settings.outboxOf(t).orElseThrow(), columns(map), ColumnInfo::name, ColumnInfo::kind);
  }

  private List<ColumnInfo> columns(TableMapEventData map) {
    TableName t = new TableName(map.getDatabase(), map.getTable());
    List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
    if (names == null || names.size() != map.getColumnTypes().length) {
      throw new SourceException("the table map of outbox " + t + " has no column names: set binlog_row_metadata ="
          + " FULL on the server");
    }
    TableInfo info = tables.current(t);
    List<ColumnInfo> columns = new ArrayList<>(names.size());
    for (String n : names) {
      ColumnInfo c = info == null ? null : info.column(n);
      columns.add(c != null ? c : new ColumnInfo(n, ValueKind.TEXT, "", "", true, false, 0, "UTF-8", List.of()));
    }
    return columns;
  }
}
