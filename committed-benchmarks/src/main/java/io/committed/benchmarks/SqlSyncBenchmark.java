package io.committed.benchmarks;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Rows per second the SQL syncable writes into PostgreSQL and MariaDB, end to end: entries already
 * in an in-memory log, one 200-byte JSON row per entry, delivered by the real sync worker with a
 * given batch size until the last one is committed in the target.
 *
 * <p>Run (the servers and their environment come from scripts/test-databases.sh):
 *
 * <pre>
 * eval "$(scripts/test-databases.sh)"
 * mvn -q -pl committed-benchmarks -am -DskipTests package
 * java -cp committed-benchmarks/target/benchmarks.jar io.committed.benchmarks.SqlSyncBenchmark \
 *     [--rows 200000] [--rows-batch-1 20000] [--batches 1,100,1000] [--dialects postgres,mariadb]
 * </pre>
 */
public final class SqlSyncBenchmark {
  private SqlSyncBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = 200_000;
    int rowsBatch1 = 20_000;
    List<Integer> batches = List.of(1, 100, 1000);
    List<String> dialects = List.of("postgres", "mariadb");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[i + 1]);
        case "--rows-batch-1" -> rowsBatch1 = Integer.parseInt(args[i + 1]);
        case "--batches" -> batches = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--dialects" -> dialects = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "%-9s %6s %8s %9s %10s%n", "dialect", "batch", "rows", "seconds", "rows/s");
    for (String dialect : dialects) {
      TestDatabases.Database server = dialect.equals("postgres") ? TestDatabases.postgres() : TestDatabases.mariadb();
      TestDatabases.Database db = server.freshDatabase("syncbench");
      try {
        for (int batch : batches) {
          int n = batch == 1 ? Math.min(rows, rowsBatch1) : rows;
          double seconds = run(db, batch, n);
          System.out.printf(Locale.ROOT, "%-9s %6d %8d %9.2f %10.0f%n", dialect, batch, n, seconds, n / seconds);
        }
      } finally {
        server.dropDatabase(db);
      }
    }
  }

  /** Seconds to sync {@code n} entries with {@code batch} entries per sync call. */
  static double run(TestDatabases.Database db, int batch, int n) throws Exception {
    Map<String, String> env = Map.of("BENCH_USER", db.user(), "BENCH_PASSWORD", db.password());
    try (CommittedLog log = Committed.builder().inMemory().environment(env::get).syncBatchSize(batch).start()) {
      log.types().define("item", "[type]\nname = \"item\"");
      log.databases().define("bench", "[database]\ntype = \"sql\"\n[sql]\ndialect = \"" + db.dialect()
          + "\"\nconnectionString = \"" + db.jdbcUrl() + "?user=${BENCH_USER}&password=${BENCH_PASSWORD}\"\n");
      String pad = "x".repeat(200);
      List<CompletableFuture<Long>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String head = "{\"id\":\"item-" + i + "\",\"name\":\"name " + i + "\",\"qty\":" + (i % 1000)
            + ",\"price\":\"" + (i % 10_000) + ".25\",\"note\":\"";
        String json = head + pad.substring(0, Math.max(0, 200 - head.length() - 2)) + "\"}";
        pending.add(log.propose(Proposal.of(Entity.upsert("item", "item-" + i, json))));
        if (pending.size() == 1000) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      long head = log.lastIndex();
      String table = "bench_" + batch;
      long start = System.nanoTime();
      log.syncables().define("bench", """
          [syncable]
          type = "sql"
          batchSize = %d
          [sql]
          topic = "item"
          db = "bench"
          table = "%s"
          primaryKey = "id"
          [[sql.mappings]]
          jsonPath = "$.id"
          column = "id"
          type = "VARCHAR(32)"
          [[sql.mappings]]
          jsonPath = "$.name"
          column = "name"
          type = "VARCHAR(64)"
          [[sql.mappings]]
          jsonPath = "$.qty"
          column = "qty"
          type = "INT"
          [[sql.mappings]]
          jsonPath = "$.price"
          column = "price"
          type = "NUMERIC(12,2)"
          [[sql.mappings]]
          jsonPath = "$.note"
          column = "note"
          type = "VARCHAR(200)"
          """.formatted(batch, table));
      if (!log.sync().awaitSynced("bench", head, java.time.Duration.ofMinutes(30))) {
        throw new IllegalStateException("not synced: " + log.sync().status("bench"));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      try (Connection c = db.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
        rs.next();
        if (rs.getLong(1) != n) {
          throw new IllegalStateException("expected " + n + " rows in " + table + ", found " + rs.getLong(1));
        }
      }
      return seconds;
    }
  }
}
