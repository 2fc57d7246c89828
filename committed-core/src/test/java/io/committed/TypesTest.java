package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.testplugins.RecordingSyncableFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TypesTest {
  static final String V1 = """
      [type]
      name = "person"
      schemaType = "JSONSchema"
      schema = '''{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}'''
      """;
  static final String V2 = """
      [type]
      name = "person"
      schema = '''{"type":"object","required":["fullName"],"properties":{"fullName":{"type":"string"}}}'''
      [migration]
      transform = '{fullName: .name, score: .score}'
      validateAgainst = '{"name":"Ada","score":1234.50}'
      """;

  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.inMemory();
    log.types().define("person", V1);
  }

  @AfterEach
  void stop() {
    log.close();
  }

  @Test
  void proposalsAreValidatedAgainstTheSchemaAndNothingInvalidIsWritten() {
    assertThat(log.proposeAndWait(Proposal.of(Entity.upsert("person", "1", "{\"name\":\"Ada\"}")))).isEqualTo(1);
    assertThatThrownBy(() -> log.proposeAndWait(Proposal.of(Entity.upsert("person", "2", "{\"age\":3}"))))
        .isInstanceOf(ProposalRejectedException.class)
        .hasMessageContaining("entity #0 (key '2') of type 'person' fails its schema (version 1)")
        .hasMessageContaining("name")
        .extracting(e -> ((ProposalRejectedException) e).reason()).isEqualTo(Reason.SCHEMA_VIOLATION);
    assertThatThrownBy(() -> log.proposeAndWait(Proposal.of(Entity.upsert("person", "3", "not json"))))
        .isInstanceOf(ProposalRejectedException.class).hasMessageContaining("is not JSON");
    // a delete has no data to validate
    assertThat(log.proposeAndWait(Proposal.of(Entity.delete("person", "1")))).isEqualTo(2);
    assertThat(log.lastIndex()).isEqualTo(2);
  }

  @Test
  void aSchemaChangeNeedsAMigrationAndBumpsTheVersion() {
    String noMigration = V2.substring(0, V2.indexOf("[migration]"));
    assertThatThrownBy(() -> log.types().define("person", noMigration))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("changes its schema or validation: add a [migration]");
    assertThat(log.types().versions("person")).hasSize(1);

    assertThat(log.types().define("person", V2).version()).isEqualTo(2);
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "1", "{\"fullName\":\"Ada\"}")));
    assertThat(log.read(1, 1).get(0).typeVersion("person")).isEqualTo(2);
    assertThatThrownBy(() -> log.proposeAndWait(Proposal.of(Entity.upsert("person", "2", "{\"name\":\"Bob\"}"))))
        .isInstanceOf(ProposalRejectedException.class);
  }

  @Test
  void badTypeDocumentsAreRejected() {
    assertThatThrownBy(() -> log.types().define("t", "[type]\nschema = '{not json'"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("type.schema is not valid JSON");
    assertThatThrownBy(() -> log.types().define("t", "[type]\nschemaType = \"Protobuf\"\nschema = 'x'"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'Protobuf' is not supported");
    assertThatThrownBy(() -> log.types().define("t", "[type]\nentityKind = \"delta\""))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not idempotent");
    assertThatThrownBy(() -> log.types().define("person", V1.replace("[type]", "[type]\nentityKind = \"event\"")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("entityKind cannot change");
    assertThatThrownBy(() -> log.types().define("person", V2.replace("fullName: .name", "nom: .name")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("migration.validateAgainst, once migrated, fails the new schema");
    assertThatThrownBy(() -> log.types().define("person", V2.replace("{fullName: .name, score: .score}", "{{{")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not a valid jq program");
    assertThat(log.types().list()).extracting(ConfigDocument::id).containsExactly("person");
  }

  @Test
  void alwaysCurrentSyncablesGetMigratedDataAndAsStoredOnesGetItAsWritten() {
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "1", "{\"name\":\"Ada\",\"score\":1234.50}")));
    log.types().define("person", V2);
    log.proposeAndWait(Proposal.of(Entity.upsert("person", "2", "{\"fullName\":\"Bob\"}")));
    log.syncables().define("current", """
        [syncable]
        type = "recording"
        mode = "always-current"
        [recording]
        topic = "person"
        """);
    log.syncables().define("stored", """
        [syncable]
        type = "recording"
        [recording]
        topic = "person"
        """);
    await().atMost(Duration.ofSeconds(10)).until(() -> RecordingSyncableFactory.RECEIVED.getOrDefault("current",
        List.of()).size() == 2 && RecordingSyncableFactory.RECEIVED.getOrDefault("stored", List.of()).size() == 2);

    LogEntry migrated = RecordingSyncableFactory.RECEIVED.get("current").get(0);
    assertThat(migrated.entities().get(0).dataAsString()).isEqualTo("{\"fullName\":\"Ada\",\"score\":1234.50}");
    assertThat(migrated.typeVersion("person")).isEqualTo(2);
    LogEntry asStored = RecordingSyncableFactory.RECEIVED.get("stored").get(0);
    assertThat(asStored.entities().get(0).dataAsString()).isEqualTo("{\"name\":\"Ada\",\"score\":1234.50}");
    assertThat(asStored.typeVersion("person")).isEqualTo(1);
  }

  @Test
  void anEntryWhoseMigrationFailsIsDeadLetteredAndTheRestFlows() {
    log.types().define("num", "[type]\nname = \"num\"");
    log.proposeAndWait(Proposal.of(Entity.upsert("num", "1", "{\"n\":1}")));
    log.proposeAndWait(Proposal.of(Entity.upsert("num", "2", "{\"n\":\"x\"}")));
    log.types().define("num", "[type]\nname = \"num\"\nschema = '{\"type\":\"object\"}'\n[migration]\n"
        + "transform = '{n: (.n + 1)}'");
    log.syncables().define("inc", """
        [syncable]
        type = "recording"
        mode = "always-current"
        [recording]
        topic = "num"
        """);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.sync().status("inc").caughtUp()
        && log.sync().status("inc").checkpointIndex() == 2);
    assertThat(RecordingSyncableFactory.RECEIVED.get("inc")).extracting(e -> e.entities().get(0).dataAsString())
        .containsExactly("{\"n\":2}");
    assertThat(log.sync().deadLetters("inc")).singleElement().satisfies(d -> {
      assertThat(d.index()).isEqualTo(2);
      assertThat(d.message()).contains("migration to version 2 failed");
    });
  }
}
