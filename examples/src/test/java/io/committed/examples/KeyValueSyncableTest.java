package io.committed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's "Test it against Committed.inMemory()" example. */
class KeyValueSyncableTest {

  @Test
  void projectsTheLatestValueOfEachKey() throws Exception {
    try (CommittedLog log = Committed.inMemory()) {
      log.types().define("product", "[type]\nname = \"product\"");
      log.syncables().define("stock", """
          [syncable]
          type = "kv"
          [kv]
          topic = "product"
          store = "unit-test"
          """);

      log.proposeAndWait(Proposal.of(Entity.upsert("product", "sku-1", "{\"stock\":12}")));
      long last = log.proposeAndWait(Proposal.of(Entity.upsert("product", "sku-1", "{\"stock\":11}")));

      assertThat(log.sync().awaitSynced("stock", last, Duration.ofSeconds(10))).isTrue();
      assertThat(KeyValueSyncableFactory.store("unit-test")).containsExactly(Map.entry("sku-1", "{\"stock\":11}"));
    }
  }
}
