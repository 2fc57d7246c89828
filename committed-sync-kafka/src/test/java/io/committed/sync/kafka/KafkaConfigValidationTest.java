package io.committed.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.ConfigException;
import io.committed.spi.Syncable;
import io.committed.sync.kafka.internal.KafkaSyncableConfig;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestSyncableContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config checks through the path a user takes ({@code log.syncables().define}, which finds the
 * factory by {@code ServiceLoader}): each bad config is refused naming the field, nothing is
 * written, and no broker is needed.
 */
class KafkaConfigValidationTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.builder().inMemory().environment(Map.of("KAFKA_JAAS", "jaas-secret-1")::get).start();
    LogFixtures.defineTypes(log, "order");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private static String doc(String fields) {
    return "[syncable]\ntype = \"kafka\"\n[kafka]\ntopic = \"order\"\n" + fields.replace("\\n", "\n") + "\n";
  }

  @Test
  void aGoodConfigIsAcceptedAndItsTemplatesAreNotReadAsEnvironmentVariables() {
    var v = log.syncables().define("orders-out", doc("""
        bootstrapServers = ["broker-1:9092", "broker-2:9092"]
        destination = "orders.${type}"
        deleteDestination = "orders.deleted"
        deletes = "tombstone"
        mode = "transactional"
        transactionalId = "shop-orders-out"
        [[kafka.headers]]
        name = "Aggregate"
        value = "${data.aggregate_id}"
        [kafka.producer]
        "compression.type" = "lz4"
        "linger.ms" = 10
        "security.protocol" = "SASL_SSL"
        "sasl.jaas.config" = "${KAFKA_JAAS}"
        """));
    assertThat(v.version()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "no servers | destination = 'o' | kafka.bootstrapServers | is required",
      "not host:port | bootstrapServers = 'kafka://h'\\ndestination = 'o' | kafka.bootstrapServers | not host:port",
      "no destination | bootstrapServers = 'h:9092' | kafka.destination | is required",
      "bad topic | bootstrapServers = 'h:9092'\\ndestination = 'o/x' | kafka.destination | letters, digits",
      "unknown placeholder | bootstrapServers = 'h:9092'\\ndestination = 'o.${nope}' | kafka.destination | unknown placeholder",
      "mode | bootstrapServers = 'h:9092'\\ndestination = 'o'\\nmode = 'exactly' | kafka.mode | \"transactional\" or \"idempotent\"",
      "transactional id | bootstrapServers = 'h:9092'\\ndestination = 'o'\\ntransactionalId = 'a b' | kafka.transactionalId | letters, digits",
      "position topic | bootstrapServers = 'h:9092'\\ndestination = 'o'\\npositionTopic = '..' | kafka.positionTopic | cannot be",
      "replicas | bootstrapServers = 'h:9092'\\ndestination = 'o'\\npositionTopicReplicas = 0 | kafka.positionTopicReplicas | must be between",
      "delivery timeout | bootstrapServers = 'h:9092'\\ndestination = 'o'\\ndeliveryTimeout = '10ms' | kafka.deliveryTimeout | must be between",
      "owned setting | bootstrapServers = 'h:9092'\\ndestination = 'o'\\n[kafka.producer]\\nacks = '1' | kafka.producer.acks | set by the syncable",
      "owned id | bootstrapServers = 'h:9092'\\ndestination = 'o'\\n[kafka.producer]\\n'transactional.id' = 'x' | kafka.producer.transactional.id | use kafka.transactionalId",
      "in flight | bootstrapServers = 'h:9092'\\ndestination = 'o'\\n[kafka.producer]\\n'max.in.flight.requests.per.connection' = 6 | kafka.producer.max.in.flight.requests.per.connection | between 1 and 5",
      "linger over delivery | bootstrapServers = 'h:9092'\\ndestination = 'o'\\ndeliveryTimeout = '2s'\\n[kafka.producer]\\n'linger.ms' = 5000 | kafka.deliveryTimeout | at least linger.ms + request.timeout.ms",
      "literal password | bootstrapServers = 'h:9092'\\ndestination = 'o'\\n[kafka.producer]\\n'ssl.keystore.password' = 'hunter2' | kafka.producer.ssl.keystore.password | literal secret",
  })
  void aBadConfigIsRefusedNamingTheField(String what, String fields, String field, String message) {
    assertThatThrownBy(() -> log.syncables().define("orders-out", doc(fields)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains(field));
    assertThat(log.syncables().list()).isEmpty();
  }

  @Test
  void secretsNeverShowInToStringAndTheOwnedSettingsWin() throws Exception {
    io.committed.spi.SyncableContext context = TestSyncableContext.builder()
        .syncableId("orders-out")
        .environment(Map.of("KAFKA_JAAS", "jaas-secret-1"))
        .document(doc("""
            bootstrapServers = "127.0.0.1:9092"
            destination = "o.${type}"
            [kafka.producer]
            "sasl.jaas.config" = "${KAFKA_JAAS}"
            "linger.ms" = 50
            """))
        .build();
    Syncable s = new KafkaSyncableFactory().create(context);
    assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("jaas-secret-1");
    s.close();
    KafkaSyncableConfig config = KafkaSyncableConfig.parse(context);
    assertThat(config.producerProperties()).containsEntry("sasl.jaas.config", "jaas-secret-1")
        .containsEntry("linger.ms", "50").containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
        .containsEntry("transactional.id", "committed-orders-out");
    assertThat(config.clientProperties()).containsEntry("sasl.jaas.config", "jaas-secret-1")
        .doesNotContainKey("linger.ms");
  }
}
