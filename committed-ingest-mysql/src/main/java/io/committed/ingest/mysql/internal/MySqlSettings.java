package io.committed.ingest.mysql.internal;

import io.committed.api.ConfigException;
import io.committed.ingest.sql.internal.SourceSection;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.SqlConfig;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed and checked {@code [sql]} section of a MySQL or MariaDB ingestable, in the shape of
 * the PostgreSQL one: a flat form ({@code topic}, {@code tables}, ...) or {@code [[sql.topics]]},
 * and {@code [sql.mysql]} for the binlog client (for both dialects).
 *
 * @param dialect the server family
 * @param address the server and the user
 * @param serverId the binlog client's server id, unique among the source's replicas
 * @param positionMode how positions are kept and resumed from
 * @param batchSize rows per snapshot chunk (one proposal each)
 * @param heartbeat how often an idle server sends a heartbeat event; zero to never
 * @param statusInterval how often lag, retention and status are refreshed
 * @param connectTimeout how long connecting to the server may take
 * @param onPositionLost what to do when the binlog no longer has the committed position
 * @param initialSnapshot copy the tables' existing rows (chunk by chunk, while streaming)
 * @param watermarkTable the table the snapshot writes its watermarks to
 * @param topics the topics, each with its tables
 * @param outboxes the outbox tables ({@code [[sql.outbox]]}), streamed (inserts only) but not copied
 * @param publishSchemas publish each topic's JSON Schema from its tables' columns, a new type
 *     version when they change ({@code publish_schemas}, default true)
 */
public record MySqlSettings(
    Dialect dialect,
    SourceAddress address,
    long serverId,
    PositionMode positionMode,
    int batchSize,
    Duration heartbeat,
    Duration statusInterval,
    Duration connectTimeout,
    OnPositionLost onPositionLost,
    boolean initialSnapshot,
    TableName watermarkTable,
    List<TopicSpec> topics,
    List<Outbox> outboxes,
    boolean publishSchemas) {

  /** How positions are kept. */
  public enum PositionMode {
    /** GTIDs where the server has them (MariaDB always; MySQL with gtid_mode = ON), else file+position. */
    AUTO,
    /** GTIDs, or a clear error when the server has none. */
    GTID,
    /** Binlog file and position only (not valid across a failover to another server). */
    FILE
  }

  /** The largest server id MySQL accepts (32 bits, unsigned). */
  static final long MAX_SERVER_ID = 4_294_967_295L;

  private static final String SOURCE = "MySQL/MariaDB";
  private static final SqlConfig CONFIG = new SqlConfig(SOURCE, null, "shop.orders", "database.table");
  private static final Set<String> TOP_FIELDS = Set.of("dialect", "connectionString", "mysql");
  private static final Set<String> MYSQL_FIELDS = Set.of("server_id", "position", "batch_size",
      "heartbeat_interval", "status_interval", "connect_timeout", "on_position_lost", "snapshot", "watermark_table",
      "publish_schemas");
  /** The watermark table's name in the connection string's database unless configured. */
  public static final String DEFAULT_WATERMARK_TABLE = "committed_watermarks";

  /**
   * The default server id of an ingestable: 1,000,000,000 plus a hash of its id, far from the small
   * ids servers and ordinary replicas use, and the same on every node.
   */
  public static long defaultServerId(String ingestableId) {
    return 1_000_000_000L + Math.floorMod(ingestableId.hashCode(), 1_000_000_000);
  }

  /**
   * Parses and checks {@code section} (the {@code [sql]} table).
   *
   * @throws ConfigException naming the field at fault
   */
  public static MySqlSettings parse(Dialect dialect, String ingestableId, PluginConfig section) {
    CONFIG.checkSection(section, TOP_FIELDS);
    String declared = section.string("dialect").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(dialect.id());
    if (!declared.equals(dialect.id())) {
      throw section.error("dialect", "is '" + declared + "', but this is the " + dialect.id() + " ingestable");
    }
    SourceAddress address;
    try {
      address = SourceAddress.parse(section.requireString("connectionString"));
    } catch (IllegalArgumentException e) {
      throw section.error("connectionString", e.getMessage());
    }
    SourceSection my = SourceSection.of(section, "mysql", CONFIG, MYSQL_FIELDS);
    long serverId = my.integer("server_id", defaultServerId(ingestableId), 1, MAX_SERVER_ID);
    PositionMode mode = my.choice("position", PositionMode.AUTO, PositionMode.class);
    int batch = my.batchSize();
    Duration heartbeat = my.duration("heartbeat_interval", Duration.ofSeconds(10), true);
    Duration status = my.duration("status_interval", Duration.ofSeconds(10), false);
    Duration connect = my.duration("connect_timeout", Duration.ofSeconds(10), false);
    OnPositionLost onLost = my.onPositionLost("on_position_lost");
    boolean snapshot = my.initialSnapshot();
    String wm = my.string("watermark_table").orElse(DEFAULT_WATERMARK_TABLE);
    TableName watermarks = TableName.parse(wm, address.database());
    if (watermarks == null) {
      throw my.error("watermark_table", "'" + wm + "' is not a table name: write database.table or table (no quotes)");
    }
    SqlConfig config = new SqlConfig(SOURCE, address.database(), "shop.orders", "database.table");
    List<TopicSpec> topics = config.topics(section);
    if (TopicSpec.tablesOf(topics).contains(watermarks)) {
      throw section.error("tables", "lists " + watermarks + ", the snapshot's watermark table: set [sql.mysql]"
          + " watermark_table to another table");
    }
    return new MySqlSettings(dialect, address, serverId, mode, batch, heartbeat, status, connect, onLost,
        snapshot, watermarks, topics, Outbox.parse(config, section, topics), my.bool("publish_schemas", true));
  }

  /** Every table of every topic, in order. */
  public List<TableName> tables() {
    return TopicSpec.tablesOf(topics);
  }

  /** The topic that captures {@code table}, if any. */
  public Optional<Outbox> outboxOf(TableName table) {
    return Outbox.of(outboxes, table);
  }

  /**
   * What a snapshot request for {@code names} copies: every table of the topic of each named table
   * (a topic's keys are reconciled with all of its tables at once), in config order.
   *
   * @throws IllegalArgumentException naming a malformed name or a table no topic captures
   */
  public List<String> tablesToCopyAgain(List<String> names) {
    return TopicSpec.tablesToCopyAgain(topics, names, null, "database.table");
  }

  /** The topic that captures {@code table}, if any. */
  public Optional<TopicSpec> topicOf(TableName table) {
    return TopicSpec.topicOf(topics, table);
  }
}
