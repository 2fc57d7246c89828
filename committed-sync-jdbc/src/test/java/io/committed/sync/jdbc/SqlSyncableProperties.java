package io.committed.sync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.Syncable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the entries, however they are cut into batches and however often a prefix is delivered
 * again (a new syncable after a failure, an old checkpoint after a leader change), the table ends
 * equal to applying every entity once, in log order, to a map. Exercises the write path's runs of
 * upserts and deletes and its "last operation per row" reduction (H2 in memory).
 */
class SqlSyncableProperties {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestTarget target;

  @BeforeContainer
  static void open() {
    target = TestTarget.h2("props");
  }

  @AfterContainer
  static void close() throws Exception {
    target.close();
  }

  /** One entity: an upsert of {@code key} with {@code n}, or a delete of {@code key} when n < 0. */
  record Op(String key, int n) {}

  @Provide
  Arbitrary<List<List<Op>>> entries() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.of("a", "b", "c", "A", "a "), Arbitraries.integers().between(-3, 9))
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 60)
  void theTableEqualsTheLogAppliedOnceInOrder(@ForAll("entries") List<List<Op>> ops,
      @ForAll("cuts") List<Integer> cuts, @ForAll("replays") List<Integer> replays) throws Exception {
    String table = "p_" + TABLES.incrementAndGet();
    String doc = """
        [syncable]
        type = "sql"
        [sql]
        topic = "t"
        db = "target"
        table = "%s"
        primaryKey = "id"
        [[sql.mappings]]
        jsonPath = "$.id"
        column = "id"
        type = "VARCHAR(10)"
        [[sql.mappings]]
        jsonPath = "$.n"
        column = "n"
        type = "INT"
        """.formatted(table);
    List<LogEntry> log = new ArrayList<>();
    Map<String, Integer> model = new TreeMap<>();
    for (List<Op> entry : ops) {
      List<Entity> entities = new ArrayList<>();
      for (Op o : entry) {
        if (o.n() < 0) {
          entities.add(Entity.delete("t", o.key()));
          model.remove(o.key());
        } else {
          entities.add(Entity.upsert("t", o.key(), "{\"id\":\"" + o.key() + "\",\"n\":" + o.n() + "}"));
          model.put(o.key(), o.n());
        }
      }
      log.add(new LogEntry(log.size() + 1, Instant.EPOCH, Proposal.of(entities), Map.of("t", 1)));
    }
    SqlSyncableFactory factory = new SqlSyncableFactory();
    int from = 0;
    int step = 0;
    while (from < log.size()) {
      int size = Math.max(1, cuts.get(step % cuts.size()));
      int to = Math.min(log.size(), from + size);
      try (Syncable s = factory.create(target.context("p" + table, doc))) {
        s.sync(log.subList(from, to));
        int replayFrom = Math.min(from, replays.get(step % replays.size()));
        s.sync(log.subList(replayFrom, to)); // delivered again: changes nothing
      }
      from = to;
      step++;
    }
    Map<String, Integer> table0 = new TreeMap<>();
    for (List<Object> row : target.query("SELECT id, n FROM " + table)) {
      table0.put((String) row.get(0), ((Number) row.get(1)).intValue());
    }
    assertThat(table0).isEqualTo(model);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(1, 15).list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<Integer>> replays() {
    return Arbitraries.integers().between(0, 40).list().ofMinSize(1).ofMaxSize(5);
  }
}
