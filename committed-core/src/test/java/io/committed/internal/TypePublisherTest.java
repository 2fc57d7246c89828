package io.committed.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.internal.ingest.IngestHost;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Schemas an ingestable publishes: a missing type is defined, a type it defined gets a new version
 * only when the schema changes (keeping keyValue, with a migration that changes nothing), a type
 * defined by hand or by another ingestable is left alone; entities carry the version current when
 * they are proposed.
 */
class TypePublisherTest {
  private static final String V1 = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}";
  private static final String V2 = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
      + "\"note\":{\"type\":[\"string\",\"null\"],\"$comment\":\"text \\\"quoted\\\"\"}}}";
  private final CommittedLog log = Committed.inMemory();
  private final IngestHost host = ((DefaultCommittedLog) log).ingestHost();

  @AfterEach
  void close() {
    log.close();
  }

  private String document(String type) {
    return new String(log.types().get(type).orElseThrow().content(), StandardCharsets.UTF_8);
  }

  @Test
  void aMissingTypeIsDefinedAndAGeneratedOneFollowsTheShape() {
    assertThat(host.publishSchema("pg", "orders", V1)).isEqualTo(OptionalInt.of(1));
    assertThat(document("orders")).startsWith(TypePublisher.marker("pg")).contains("validate = false")
        .doesNotContain("[migration]");
    long first = log.proposeAndWait(Proposal.of(Entity.upsert("orders", "1", "{\"id\":\"not validated\"}")));
    assertThat(host.publishSchema("pg", "orders", V1)).as("the same shape").isEqualTo(OptionalInt.of(1));

    assertThat(host.publishSchema("pg", "orders", V2)).isEqualTo(OptionalInt.of(2));

    long second = log.proposeAndWait(Proposal.of(Entity.upsert("orders", "1", "{\"id\":1,\"note\":null}")));
    assertThat(log.read(first, 1).get(0).typeVersion("orders")).isEqualTo(1);
    assertThat(log.read(second, 1).get(0).typeVersion("orders")).isEqualTo(2);
    assertThat(document("orders")).contains("[migration]\nnone = true");
    // a generated type turned into a key-value view keeps it in the next version
    log.types().define("orders", document("orders").replace("validate = false\n", "validate = false\nkeyValue = true\n")
        .replace("[migration]\nnone = true", ""));
    assertThat(host.publishSchema("pg", "orders", V1)).isEqualTo(OptionalInt.of(4));
    assertThat(document("orders")).contains("keyValue = true").startsWith(TypePublisher.marker("pg"));
  }

  @Test
  void aTypeDefinedByHandOrByAnotherIngestableIsLeftAlone() {
    log.types().define("people", "[type]\nname = \"people\"");
    assertThat(host.publishSchema("pg", "people", V1)).isEmpty();
    assertThat(log.types().versions("people")).hasSize(1);
    host.publishSchema("other", "shared", V1);
    assertThat(host.publishSchema("pg", "shared", V2)).isEmpty();
    assertThat(document("shared")).startsWith(TypePublisher.marker("other"));
    assertThatThrownBy(() -> host.publishSchema("pg", "bad type!", V1)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> host.publishSchema("pg", "bad", "{not json")).isInstanceOf(ConfigException.class);
  }
}
