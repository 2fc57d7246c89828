package io.committed.ingest.postgres;

import io.committed.ingest.postgres.internal.Connections;
import io.committed.ingest.postgres.internal.PgSettings;
import io.committed.ingest.postgres.internal.PostgresIngestable;
import io.committed.ingest.postgres.internal.Slots;
import io.committed.ingest.sql.SqlIngestableFactory;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.PluginConfig;
import io.committed.spi.SnapshottingIngestableFactory;
import java.sql.Connection;
import java.util.List;

/**
 * Change data capture from PostgreSQL (10 or later; tested with 15) through logical replication
 * with the {@code pgoutput} plug-in. Kind {@code sql:postgres}: chosen for an ingestable with
 * {@code [ingestable] type = "sql"} and {@code [sql] dialect = "postgres"}. Registered in
 * {@code META-INF/services/io.committed.spi.IngestableFactory}.
 *
 * <p>The settings, in the original's shape:
 *
 * <pre>
 * [sql]
 * dialect = "postgres"
 * connectionString = "jdbc:postgresql://db:5432/shop?user=cdc&amp;password=${PGPASSWORD}"
 * topic = "orders"                  # the type the rows are written as
 * tables = ["public.orders"]        # schema.table or table (schema public)
 * primaryKey = "id"                 # or ["region", "id"]; default: the table's primary key
 * mapAllColumns = true              # default: true unless there are mappings
 * excludeColumns = ["secret"]
 * jsonColumns = ["payload"]         # text columns holding JSON, embedded as JSON
 * [[sql.mappings]]
 * column = "customer_id"
 * jsonName = "customer"
 * [sql.postgres]
 * slot_name = "committed_orders"    # default: committed_ + the ingestable's id
 * publication = "committed_orders"  # default: the same
 * batch_size = 10000                # rows per snapshot proposal
 * heartbeat_interval = "10s"        # 0 turns heartbeats off
 * status_interval = "10s"           # standby status, lag and slot health
 * on_slot_lost = "park"             # or "resnapshot"
 * drop_slot_on_remove = true
 * snapshot = "initial"              # or "never"
 * </pre>
 *
 * <p>Several topics from one slot: {@code [[sql.topics]]} tables, each with its own {@code topic},
 * {@code tables}, {@code primaryKey}, mappings and column settings, instead of the flat form.
 */
public final class PostgresIngestableFactory extends SqlIngestableFactory implements SnapshottingIngestableFactory {

  /** The kind: {@code sql} with dialect {@code postgres}. */
  public static final String KIND = "sql:postgres";

  public PostgresIngestableFactory() {
    super(KIND);
  }

  @Override
  protected void check(String ingestableId, PluginConfig section) {
    PgSettings.parse(ingestableId, section);
  }

  /**
   * A request to copy tables again covers every table of each named table's topic: the topic is
   * copied whole while streaming and reconciled with its tables.
   */
  @Override
  public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables) {
    return PgSettings.parse(ingestableIdOf(document), section).tablesToCopyAgain(tables);
  }

  @Override
  protected Ingestable create(String ingestableId, PluginConfig section, IngestContext context) {
    return new PostgresIngestable(PgSettings.parse(ingestableId, section), ingestableId);
  }

  /** Drops the slot (it would keep WAL forever) and the publication if Committed created it. */
  @Override
  public void removed(String ingestableId, PluginConfig document, PluginConfig section) throws Exception {
    PgSettings settings = PgSettings.parse(ingestableId, section);
    if (!settings.dropSlotOnRemove()) {
      return;
    }
    try (Connection c = new Connections(settings.jdbcUrl(), "committed-remove-" + ingestableId).open()) {
      Slots.drop(c, settings.slot(), true);
      Slots.dropOwnedPublication(c, settings.publication(), ingestableId);
    }
  }
}
