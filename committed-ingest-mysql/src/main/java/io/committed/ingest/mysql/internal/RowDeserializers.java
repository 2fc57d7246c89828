package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AnnotateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.BinlogCheckpointEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.IntVarEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidListEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.PreviousGtidSetDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.QueryEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RowsQueryEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TransactionPayloadEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XAPrepareEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The event deserializer of a binlog stream: the connector's, with strings and binary values as
 * bytes (decoded by their column's charset later) and the date and time types decoded by
 * {@link Temporals} into MySQL's text, {@code YEAR} 0 kept as 0.
 */
final class RowDeserializers {
  private RowDeserializers() {}

  static EventDeserializer create() {
    Map<Long, TableMapEventData> tableMaps = new HashMap<>();
    EventDeserializer d = new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(),
        new HashMap<>(), tableMaps);
    // the connector's defaults (this constructor registers none), then ours for the rows
    d.setEventDataDeserializer(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
    d.setEventDataDeserializer(EventType.ROTATE, new RotateEventDataDeserializer());
    d.setEventDataDeserializer(EventType.INTVAR, new IntVarEventDataDeserializer());
    d.setEventDataDeserializer(EventType.QUERY, new QueryEventDataDeserializer());
    d.setEventDataDeserializer(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
    d.setEventDataDeserializer(EventType.XID, new XidEventDataDeserializer());
    d.setEventDataDeserializer(EventType.ROWS_QUERY, new RowsQueryEventDataDeserializer());
    d.setEventDataDeserializer(EventType.GTID, new GtidEventDataDeserializer());
    d.setEventDataDeserializer(EventType.PREVIOUS_GTIDS, new PreviousGtidSetDeserializer());
    d.setEventDataDeserializer(EventType.XA_PREPARE, new XAPrepareEventDataDeserializer());
    d.setEventDataDeserializer(EventType.ANNOTATE_ROWS, new AnnotateRowsEventDataDeserializer());
    d.setEventDataDeserializer(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
    d.setEventDataDeserializer(EventType.BINLOG_CHECKPOINT, new BinlogCheckpointEventDataDeserializer());
    d.setEventDataDeserializer(EventType.MARIADB_GTID_LIST, new MariadbGtidListEventDataDeserializer());
    d.setEventDataDeserializer(EventType.TRANSACTION_PAYLOAD, new TransactionPayloadEventDataDeserializer());
    d.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tableMaps));
    d.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new Write(tableMaps).setMayContainExtraInformation(true));
    d.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tableMaps));
    d.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, new Update(tableMaps).setMayContainExtraInformation(true));
    d.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tableMaps));
    d.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, new Delete(tableMaps).setMayContainExtraInformation(true));
    d.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
    return d;
  }

  private static Serializable year(ByteArrayInputStream in) throws IOException {
    int v = in.readInteger(1);
    return v == 0 ? 0 : 1900 + v;
  }

  static final class Write extends WriteRowsEventDataDeserializer {
    Write(Map<Long, TableMapEventData> tableMaps) {
      super(tableMaps);
    }

    @Override
    protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
      return Temporals.date(in);
    }

    @Override
    protected Serializable deserializeTime(ByteArrayInputStream in) throws IOException {
      return Temporals.timeV1(in);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timeV2(meta, in);
    }

    @Override
    protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV1(in);
    }

    @Override
    protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV2(meta, in);
    }

    @Override
    protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV1(in);
    }

    @Override
    protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV2(meta, in);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream in) throws IOException {
      return year(in);
    }
  }

  static final class Update extends UpdateRowsEventDataDeserializer {
    Update(Map<Long, TableMapEventData> tableMaps) {
      super(tableMaps);
    }

    @Override
    protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
      return Temporals.date(in);
    }

    @Override
    protected Serializable deserializeTime(ByteArrayInputStream in) throws IOException {
      return Temporals.timeV1(in);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timeV2(meta, in);
    }

    @Override
    protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV1(in);
    }

    @Override
    protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV2(meta, in);
    }

    @Override
    protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV1(in);
    }

    @Override
    protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV2(meta, in);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream in) throws IOException {
      return year(in);
    }
  }

  static final class Delete extends DeleteRowsEventDataDeserializer {
    Delete(Map<Long, TableMapEventData> tableMaps) {
      super(tableMaps);
    }

    @Override
    protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
      return Temporals.date(in);
    }

    @Override
    protected Serializable deserializeTime(ByteArrayInputStream in) throws IOException {
      return Temporals.timeV1(in);
    }

    @Override
    protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timeV2(meta, in);
    }

    @Override
    protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV1(in);
    }

    @Override
    protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.timestampV2(meta, in);
    }

    @Override
    protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV1(in);
    }

    @Override
    protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
      return Temporals.datetimeV2(meta, in);
    }

    @Override
    protected Serializable deserializeYear(ByteArrayInputStream in) throws IOException {
      return year(in);
    }
  }
}
