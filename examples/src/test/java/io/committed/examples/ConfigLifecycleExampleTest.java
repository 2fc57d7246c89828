package io.committed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.ConfigVersion;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The configs of {@code docs/configuration.md} in use: a type with a schema, a custom syncable, a change of the syncable,
 * and a rollback to its first version.
 */
class ConfigLifecycleExampleTest {

  @Test
  void defineTypeWithSchemaThenChangeAndRollBackASyncable() throws Exception {
    try (CommittedLog log = Committed.inMemory()) {
      log.types().define("order", """
          [type]
          name = "order"
          schemaType = "JSONSchema"
          schema = '{"type":"object","required":["total"],"properties":{"total":{"type":"number"}}}'
          """);
      assertThatThrownBy(() -> log.proposeAndWait(Proposal.of(Entity.upsert("order", "o-1", "{\"total\":\"ten\"}"))))
          .isInstanceOf(ProposalRejectedException.class);

      ConfigVersion v1 = log.syncables().define("orders", """
          [syncable]
          type = "kv"
          [kv]
          topic = "order"
          store = "orders-a"
          """);
      ConfigVersion v2 = log.syncables().define("orders", """
          [syncable]
          type = "kv"
          [kv]
          topic = "order"
          store = "orders-b"
          """);
      long index = log.proposeAndWait(Proposal.of(Entity.upsert("order", "o-1", "{\"total\":10.50}")));
      assertThat(log.sync().awaitSynced("orders", index, Duration.ofSeconds(10))).isTrue();
      assertThat(KeyValueSyncableFactory.store("orders-b")).containsKey("o-1");

      ConfigVersion v3 = log.syncables().rollback("orders", v1.version());
      assertThat(v3.version()).isEqualTo(3);
      assertThat(v3.restoredFrom()).isEqualTo(1);
      assertThat(log.syncables().versions("orders")).extracting(ConfigVersion::version).containsExactly(3, 2, 1);
      assertThat(log.syncables().get("orders").orElseThrow().text()).contains("orders-a");
      assertThat(v2.current()).isTrue();

      // the worker restarted with version 3: a fresh syncable, from the replicated checkpoint
      long next = log.proposeAndWait(Proposal.of(Entity.upsert("order", "o-2", "{\"total\":3}")));
      assertThat(log.sync().awaitSynced("orders", next, Duration.ofSeconds(10))).isTrue();
      assertThat(KeyValueSyncableFactory.store("orders-a")).containsKey("o-2");
    }
  }
}
