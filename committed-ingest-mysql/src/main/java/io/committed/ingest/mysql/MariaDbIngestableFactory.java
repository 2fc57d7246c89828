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
 * Change data capture from MariaDB (10.5 or later; tested with 10.11) through its binary log, with
 * MariaDB GTIDs ({@code domain-server-sequence}) as positions. Kind {@code sql:mariadb}: chosen
 * for an ingestable with {@code [ingestable] type = "sql"} and {@code [sql] dialect = "mariadb"}.
 * Registered in {@code META-INF/services/io.committed.spi.IngestableFactory}. The settings are
 * those of {@link MySqlIngestableFactory}, with {@code dialect = "mariadb"} and a
 * {@code jdbc:mariadb://} (or {@code jdbc:mysql://}) connection string; the binlog client's
 * settings stay in {@code [sql.mysql]}.
 */
public final class MariaDbIngestableFactory extends SqlIngestableFactory implements SnapshottingIngestableFactory {

  /** The kind: {@code sql} with dialect {@code mariadb}. */
  public static final String KIND = "sql:mariadb";

  public MariaDbIngestableFactory() {
    super(KIND);
  }

  @Override
  protected void check(String ingestableId, PluginConfig section) {
    MySqlSettings.parse(Dialect.MARIADB, ingestableId, section);
  }

  /**
   * Takes requests for captured tables; each widens to every table of its topic (see
   * {@code docs/mysql-ingest.md}, "Copying tables again").
   */
  @Override
  public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables) {
    return MySqlSettings.parse(Dialect.MARIADB, ingestableIdOf(document), section).tablesToCopyAgain(tables);
  }

  @Override
  protected Ingestable create(String ingestableId, PluginConfig section, IngestContext context) {
    return new MySqlIngestable(MySqlSettings.parse(Dialect.MARIADB, ingestableId, section));
  }
}
