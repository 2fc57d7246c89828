package io.committed.sync.jdbc;

import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import io.committed.sync.jdbc.internal.SharedPools;
import io.committed.sync.jdbc.internal.SqlSyncable;
import io.committed.sync.jdbc.internal.SqlSyncableConfig;

/**
 * The syncable of kind {@code sql}: projects the entities of its topic into a table of
 * PostgreSQL, MySQL/MariaDB or H2, one row per key, effectively once. Registered in
 * {@code META-INF/services/io.committed.spi.SyncableFactory}.
 *
 * <p>The syncable config names a {@code database} config and maps JSON paths of the payload to
 * columns:
 *
 * <pre>
 * [syncable]
 * name = "people"
 * type = "sql"
 * [sql]
 * topic = "person"
 * db = "warehouse"                 # [database] type = "sql", [sql] dialect, connectionString
 * table = "people"
 * primaryKey = "id"                # or ["tenant", "id"]: the entity key's parts, in order
 * [[sql.indexes]]
 * name = "people_by_name"
 * index = "name"
 * [[sql.mappings]]
 * jsonPath = "$.id"
 * column = "id"
 * type = "BIGINT"
 * [[sql.mappings]]
 * jsonPath = "$.name"
 * column = "name"
 * type = "VARCHAR(200)"
 * </pre>
 *
 * <p>What it guarantees: rows change in log order; the last applied log index is recorded in the
 * target's {@code committed_sync_positions} table in the same transaction as the rows, so a
 * replay changes nothing; a value the column cannot hold exactly, a constraint violation or a
 * malformed payload dead-letters only its entry; a lost connection, deadlock or serialization
 * failure is retried. A rebuild drops the table and replays the log into a new one.
 */
public final class SqlSyncableFactory implements SyncableFactory {

  /** Public for {@link java.util.ServiceLoader}. */
  public SqlSyncableFactory() {}

  @Override
  public String kind() {
    return "sql";
  }

  /**
   * Checks the {@code [sql]} section and the database it names: the database exists and has a
   * known dialect and a matching connection string; table, column and index names are plain
   * identifiers; types are plain SQL types; every primary-key column is mapped; JSON paths are
   * supported. Each problem is a {@link io.committed.api.ConfigException} naming the field.
   */
  @Override
  public void validate(SyncableContext context) {
    SqlSyncableConfig.parse(context);
  }

  /** Creates the syncable; it connects (through a pool shared per database) on first use. */
  @Override
  public Syncable create(SyncableContext context) {
    SqlSyncableConfig config = SqlSyncableConfig.parse(context);
    return new SqlSyncable(config, SharedPools.acquire(config.database()));
  }
}
