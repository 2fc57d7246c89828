package io.committed.examples;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's "Write and read" pipeline, runnable: an in-memory log with a type, a custom
 * syncable that projects it into a key-value store, a few writes, and the projection printed once
 * it has caught up.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    try (CommittedLog log = Committed.inMemory()) {
      run(log, System.out);
    }
  }

  /** Runs the pipeline on {@code log} and prints what happens; returns the projected store. */
  public static Map<String, String> run(CommittedLog log, java.io.PrintStream out) {
    log.types().define("product", """
        [type]
        name = "product"
        schema = '{"type":"object","required":["name","stock"]}'
        """);
    log.syncables().define("stock", """
        [syncable]
        name = "stock"
        type = "kv"
        [kv]
        topic = "product"
        store = "quickstart"
        """);
    out.println("defined type 'product' and syncable 'stock' (kind kv)");

    log.proposeAndWait(Proposal.of(
        Entity.upsert("product", "sku-1", "{\"name\":\"kettle\",\"stock\":12}"),
        Entity.upsert("product", "sku-2", "{\"name\":\"teapot\",\"stock\":3}")));
    log.proposeAndWait(Proposal.of(Entity.upsert("product", "sku-2", "{\"name\":\"teapot\",\"stock\":2}")));
    long last = log.proposeAndWait(Proposal.of(Entity.delete("product", "sku-1")));
    out.println("committed entries 1.." + last);

    log.sync().awaitSynced("stock", last, Duration.ofSeconds(30)); // read-your-writes on the projection
    SyncableStatus status = log.sync().status("stock");
    Map<String, String> store = new TreeMap<>(KeyValueSyncableFactory.store("quickstart"));
    out.println("syncable 'stock' is at entry " + status.lastSyncedIndex() + " of " + status.headIndex()
        + (status.caughtUp() ? " (caught up)" : " (behind)"));
    store.forEach((k, v) -> out.println("  " + k + " = " + v));
    return store;
  }
}
