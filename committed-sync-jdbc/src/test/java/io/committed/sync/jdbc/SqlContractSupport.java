package io.committed.sync.jdbc;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.Syncable;
import io.committed.testkit.BadDataSyncableContract;
import io.committed.testkit.ContractEntries;
import io.committed.testkit.ResumableSyncableContract;
import io.committed.testkit.UnreachableTargetSyncableContract;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The testkit's {@link SyncableContract} against the SQL syncable, one table per test in the
 * class's database. Subclasses name the target.
 */
abstract class SqlContractSupport
    implements ResumableSyncableContract, BadDataSyncableContract, UnreachableTargetSyncableContract {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private final String table = "contract_" + TABLES.incrementAndGet();
  private final SqlSyncableFactory factory = new SqlSyncableFactory();
  private boolean broken;

  /** The class's target database. */
  protected abstract TestTarget target();

  String syncableToml() {
    return """
        [syncable]
        type = "sql"
        [sql]
        topic = "contract"
        db = "target"
        table = "%s"
        primaryKey = "id"
        [[sql.mappings]]
        jsonPath = "$.id"
        column = "id"
        type = "VARCHAR(64)"
        [[sql.mappings]]
        jsonPath = "$.n"
        column = "n"
        type = "INT"
        [[sql.mappings]]
        jsonPath = "$.name"
        column = "name"
        type = "VARCHAR(200)"
        """.formatted(table);
  }

  @Override
  public Syncable newSyncable() {
    TestTarget t = target();
    String db = broken ? t.databaseToml(t.unreachableConnectionString()) : t.databaseToml();
    return factory.create(t.context("contract-" + table, syncableToml(), db));
  }

  @Override
  public Map<String, String> targetState() throws Exception {
    Map<String, String> state = new TreeMap<>();
    for (List<Object> row : target().query("SELECT id, n, name FROM " + table)) {
      state.put((String) row.get(0), "n=" + row.get(1) + ",name=" + row.get(2));
    }
    return state;
  }

  /** A number too large for the INT column: the database refuses it (out of range, SQLSTATE 22003). */
  @Override
  public LogEntry permanentlyBadEntry(long index) {
    String json = "{\"id\":\"bad\",\"n\":99999999999,\"name\":\"too large\"}";
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z"),
        Proposal.of(Entity.upsert(ContractEntries.TYPE, "bad", json)), Map.of(ContractEntries.TYPE, 1));
  }

  @Override
  public void breakTarget() {
    broken = true;
  }

  @Override
  public void repairTarget() {
    broken = false;
  }
}
