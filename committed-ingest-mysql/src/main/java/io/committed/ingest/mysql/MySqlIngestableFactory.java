package io.committed.ingest.mysql;

import io.committed.ingest.mysql.internal.Dialect;
import io.committed.ingest.mysql.internal.MySqlIngestable;
import io.committed.ingest.mysql.internal.MySqlSettings;
import io.committed.ingest.sql.SqlIngestableFactory;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.PluginConfig;
import io.committed.spi.SnapshottingIngestableFactory;
import java.util.List;

/**
 * Change data capture from MySQL (8.0.14 or later) through its binary log. Kind
 * {@code sql:mysql}: chosen for an ingestable with {@code [ingestable] type = "sql"} and
 * {@code [sql] dialect = "mysql"}. Registered in
 * {@code META-INF/services/io.committed.spi.IngestableFactory}. For MariaDB see
 * {@link MariaDbIngestableFactory}; both take the same settings:
 *
 * <pre>
 * [sql]
 * dialect = "mysql"
 * connectionString = "jdbc:mysql://db:3306/shop?user=cdc&amp;password=${MYSQL_PASSWORD}"
 * topic = "orders"                  # the type the rows are written as
 * tables = ["shop.orders"]          # database.table or table (the connection string's database)
 * primaryKey = "id"                 # or ["region", "id"]; default: the table's primary key
 * mapAllColumns = true              # default: true unless there are mappings
 * excludeColumns = ["secret"]
 * jsonColumns = ["payload"]         # text columns holding JSON, embedded as JSON
 * [[sql.mappings]]
 * column = "customer_id"
 * jsonName = "customer"
 * [sql.mysql]
 * server_id = 1234567               # the binlog client's id; default: derived from the ingestable's id
 * position = "auto"                 # "gtid", "file" or "auto" (GTIDs where the server has them)
 * batch_size = 10000                # rows per snapshot chunk
 * heartbeat_interval = "10s"        # 0 turns heartbeats off
 * status_interval = "10s"
 * connect_timeout = "10s"
 * on_position_lost = "park"         # the only choice for now ("resnapshot" is refused)
 * snapshot = "initial"              # copy existing rows while streaming (chunked, watermarks); or "never"
 * watermark_table = "committed_watermarks"  # the snapshot's watermarks (database.table or table)
 * </pre>
 *
 * <p>Several topics: {@code [[sql.topics]]} tables, each with its own {@code topic}, {@code tables},
 * {@code primaryKey}, mappings and column settings, instead of the flat form.
 */
public final class MySqlIngestableFactory extends SqlIngestableFactory implements SnapshottingIngestableFactory {

  /** The kind: {@code sql} with dialect {@code mysql}. */
  public static final String KIND = "sql:mysql";

  public MySqlIngestableFactory() {
    super(KIND);
  }

  @Override
  protected void check(String ingestableId, PluginConfig section) {
    MySqlSettings.parse(Dialect.MYSQL, ingestableId, section);
  }

  /**
   * Takes requests for captured tables; each widens to every table of its topic (see
   * {@code docs/mysql-ingest.md}, "Copying tables again").
   */
  @Override
  public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables) {
    return MySqlSettings.parse(Dialect.MYSQL, ingestableIdOf(document), section).tablesToCopyAgain(tables);
  }

  @Override
  protected Ingestable create(String ingestableId, PluginConfig section, IngestContext context) {
    return new MySqlIngestable(MySqlSettings.parse(Dialect.MYSQL, ingestableId, section));
  }
}
