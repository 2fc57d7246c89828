package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.api.NotFoundException;
import io.committed.api.ProposalRejectedException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigRegistryTest {
  private static final String SYNCABLE = """
      [syncable]
      name = "one"
      type = "recording"
      [recording]
      topic = "simple"
      """;

  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.builder().inMemory().environment(Map.of("PGUSER", "alice")::get).start();
    log.types().define("simple", "[type]\nname = \"simple\"\n");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  /** Runs a change that must fail and checks that no registry changed and nothing was logged. */
  private void assertRejectedWithoutChange(Runnable change, Class<? extends Exception> type, String message) {
    Map<ConfigKind, List<ConfigDocument>> before = snapshot();
    long index = log.lastIndex();
    assertThatThrownBy(change::run).isInstanceOf(type).hasMessageContaining(message);
    assertThat(snapshot()).isEqualTo(before);
    assertThat(log.lastIndex()).isEqualTo(index);
  }

  private Map<ConfigKind, List<ConfigDocument>> snapshot() {
    return Map.of(ConfigKind.TYPE, log.types().list(), ConfigKind.DATABASE, log.databases().list(),
        ConfigKind.INGESTABLE, log.ingestables().list(), ConfigKind.SYNCABLE, log.syncables().list());
  }

  @Test
  void documentsAreStoredByteExactAndVersioned() {
    String toml = "# comment kept\n[database]\nname = \"foo\"\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\n"
        + "connectionString = \"jdbc:postgresql://127.0.0.1:5432/sink?user=${PGUSER}\"\n";
    ConfigVersion v1 = log.databases().define("foo", toml);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.current()).isTrue();
    assertThat(log.databases().get("foo")).hasValueSatisfying(d -> {
      assertThat(d.text()).isEqualTo(toml); // ${PGUSER} is never stored resolved
      assertThat(d.format()).isEqualTo(ConfigFormat.TOML);
    });

    String json = "{\"database\":{\"name\":\"foo\",\"type\":\"sql\"},\"sql\":{\"dialect\":\"h2\","
        + "\"connectionString\":\"jdbc:h2:mem:x\"}}";
    assertThat(log.databases().define("foo", json).version()).isEqualTo(2);
    assertThat(log.databases().define("foo", json).version()).as("byte-identical: no new version").isEqualTo(2);
    assertThat(log.databases().versions("foo")).extracting(ConfigVersion::version, ConfigVersion::current)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, true), org.assertj.core.groups.Tuple.tuple(1, false));

    ConfigVersion v3 = log.databases().rollback("foo", 1);
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.restoredFrom()).isEqualTo(1);
    assertThat(log.databases().get("foo").orElseThrow().text()).isEqualTo(toml);
    assertThat(log.databases().version("foo", 2).format()).isEqualTo(ConfigFormat.JSON);

    log.databases().remove("foo");
    assertThat(log.databases().get("foo")).isEmpty();
    assertThat(log.databases().versions("foo")).hasSize(3).noneMatch(ConfigVersion::current);
    assertThat(log.databases().define("foo", toml).version()).isEqualTo(4);
  }

  @Test
  void malformedTomlIsRejectedWithItsPosition() {
    assertRejectedWithoutChange(() -> log.syncables().define("one", "[syncable\nname = 1"),
        ConfigException.class, "malformed TOML at line 1");
    assertRejectedWithoutChange(() -> log.syncables().define("one", "{\"syncable\": "),
        ConfigException.class, "malformed JSON");
  }

  @Test
  void unknownKindIsRejected() {
    assertRejectedWithoutChange(() -> log.syncables().define("one",
        SYNCABLE.replace("type = \"recording\"", "type = \"carrier-pigeon\"")),
        ConfigException.class, "no syncable of kind 'carrier-pigeon'");
    assertRejectedWithoutChange(() -> log.ingestables().define("in", "[ingestable]\ntype = \"sql\"\n[sql]\n"
        + "dialect = \"oracle\""), ConfigException.class, "no ingestable of kind 'sql' (dialect 'oracle')");
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertThatThrownBy(() -> log.syncables().define("one", "[syncable]\nname = \"one\""))
        .isInstanceOf(ConfigException.class).hasMessage("syncable.type is required")
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("syncable.type"));
    assertRejectedWithoutChange(() -> log.syncables().define("one", SYNCABLE.replace("topic = \"simple\"", "")),
        ConfigException.class, "recording.topic is required");
    assertRejectedWithoutChange(() -> log.databases().define("db", "[database]\ntype = \"sql\"\n[sql]\n"
        + "dialect = \"postgres\""), ConfigException.class, "sql.connectionString is required");
    assertRejectedWithoutChange(() -> log.syncables().define("one", "[nothing]"), ConfigException.class,
        "needs a [syncable] table");
    assertRejectedWithoutChange(() -> log.syncables().define("one", SYNCABLE.replace("simple", "undefined")),
        ConfigException.class, "type 'undefined' is not defined");
    assertRejectedWithoutChange(() -> log.syncables().define("two", SYNCABLE), ConfigException.class,
        "syncable.name is 'one' but the document is posted as 'two'");
    assertRejectedWithoutChange(() -> log.syncables().define("bad id!", SYNCABLE), ConfigException.class,
        "syncable id 'bad id!' is invalid");
    assertRejectedWithoutChange(() -> log.syncables().define("one", SYNCABLE + "topics = [\"simple\"]\n"),
        ConfigException.class, "recording.topics cannot be combined with recording.topic");
    assertRejectedWithoutChange(() -> log.syncables().define("one", SYNCABLE.replace("[recording]",
        "batchSize = \"big\"\n[recording]")), ConfigException.class, "syncable.batchSize must be an integer");
  }

  @Test
  void literalPasswordsAreRejectedWithAdviceToUseVariables() {
    for (String conn : List.of(
        "jdbc:postgresql://db:5432/sink?user=app&password=hunter2",
        "postgres://app:hunter2@db:5432/sink",
        "admin:password@tcp(127.0.0.1:3306)/sink",
        "Server=db;User Id=app;Password=hunter2;")) {
      assertRejectedWithoutChange(() -> log.databases().define("db", "[database]\ntype = \"sql\"\n[sql]\n"
          + "dialect = \"postgres\"\nconnectionString = \"" + conn + "\""), ConfigException.class,
          "write the password as ${VAR}");
    }
    ConfigVersion ok = log.databases().define("db", "[database]\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\n"
        + "connectionString = \"jdbc:postgresql://db:5432/sink?user=app&password=${PGPASSWORD}\"");
    assertThat(ok.version()).isEqualTo(1);
  }

  @Test
  void literalSecretsInSecretFieldsAreRejected() {
    String doc = SYNCABLE.replace("[recording]", "[recording.auth]\nbearer = \"%s\"\n[recording]");
    assertRejectedWithoutChange(() -> log.syncables().define("one", doc.formatted("abc123")), ConfigException.class,
        "holds a literal secret");
    assertRejectedWithoutChange(() -> log.syncables().define("one", SYNCABLE + "signing_secret = \"whsec_abc\"\n"),
        ConfigException.class, "recording.signing_secret holds a literal secret");
    assertThat(log.syncables().define("one", SYNCABLE + "signing_secret = \"${HOOK_SECRET}\"\n").version())
        .isEqualTo(1);
  }

  @Test
  void typesCannotBeRemovedOrRolledBack() {
    assertRejectedWithoutChange(() -> log.types().remove("simple"), ProposalRejectedException.class,
        "types are version-only");
    assertRejectedWithoutChange(() -> log.types().rollback("simple", 1), ProposalRejectedException.class,
        "types cannot be rolled back");
  }

  @Test
  void unknownIdsAndVersionsAreNotFound() {
    assertThatThrownBy(() -> log.syncables().versions("nope")).isInstanceOf(NotFoundException.class)
        .hasMessage("syncable 'nope' is not defined");
    assertThatThrownBy(() -> log.syncables().remove("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> log.types().version("simple", 9)).isInstanceOf(NotFoundException.class)
        .hasMessage("type 'simple' has no version 9");
    assertThatThrownBy(() -> log.syncables().rollback("nope", 1)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aRollbackIsValidatedAgainstTheCurrentState() {
    log.types().define("other", "[type]\nname = \"other\"");
    log.syncables().define("one", SYNCABLE);
    log.syncables().define("one", SYNCABLE.replace("simple", "other"));
    assertThat(log.syncables().rollback("one", 1).version()).isEqualTo(3);
    assertThat(new String(log.syncables().get("one").orElseThrow().content(), StandardCharsets.UTF_8))
        .isEqualTo(SYNCABLE);
  }
}
