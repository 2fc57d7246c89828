package io.committed.sync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.ConfigException;
import io.committed.testkit.LogFixtures;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Config checks, through the path a user takes ({@code log.syncables().define}): each bad config is
 * refused with a {@link ConfigException} naming the field, and nothing is written.
 */
class SqlConfigValidationTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    Map<String, String> env = Map.of("DB_USER", "sa");
    log = Committed.builder().inMemory().environment(env::get).start();
    LogFixtures.defineTypes(log, "person");
    log.databases().define("h2db", """
        [database]
        type = "sql"
        [sql]
        dialect = "h2"
        connectionString = "jdbc:h2:mem:validation;USER=${DB_USER}"
        """);
    log.databases().define("pg", """
        [database]
        type = "sql"
        [sql]
        dialect = "postgres"
        connectionString = "postgres://app:${PGPASSWORD}@127.0.0.1:1/nothing"
        """);
    log.databases().define("my", """
        [database]
        type = "sql"
        [sql]
        dialect = "mariadb"
        connectionString = "app:${MYSQL_PASSWORD}@tcp(127.0.0.1:1)/nothing"
        """);
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private static String syncable(String db, String table, String primaryKey, String mappings, String extra) {
    return """
        [syncable]
        type = "sql"
        [sql]
        topic = "person"
        db = "%s"
        table = "%s"
        %s
        %s
        %s
        """.formatted(db, table, primaryKey, extra, mappings);
  }

  private static String mapping(String path, String column, String type) {
    return "[[sql.mappings]]\njsonPath = \"" + path + "\"\ncolumn = \"" + column + "\"\ntype = \"" + type + "\"\n";
  }

  private static final String GOOD_MAPPINGS = mapping("$.id", "id", "BIGINT") + mapping("$.name", "name", "VARCHAR(100)");

  @Test
  void aGoodConfigIsAccepted() {
    var version = log.syncables().define("people", syncable("h2db", "people", "primaryKey = \"id\"", GOOD_MAPPINGS,
        "[[sql.indexes]]\nname = \"people_by_name\"\nindex = \"name, id\""));
    assertThat(version.version()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown database | nope | people | id | $.id | id | BIGINT | sql.db | not defined",
      "table with SQL | h2db | people; DROP TABLE x | id | $.id | id | BIGINT | sql.table | not a valid table name",
      "table with quote | h2db | people\\\"x | id | $.id | id | BIGINT | sql.table | not a valid table name",
      "the positions table | h2db | committed_sync_positions | id | $.id | id | BIGINT | sql.table | positions",
      "column with quote | h2db | people | id | $.id | id\\\" text, \\\"x | BIGINT | sql.mappings[0].column | not a valid SQL name",
      "column with comment | h2db | people | id | $.id | id--x | BIGINT | sql.mappings[0].column | not a valid SQL name",
      "type with statement | h2db | people | id | $.id | id | INT); DROP TABLE people; -- | sql.mappings[0].type | not a plain SQL type",
      "type with default | h2db | people | id | $.id | id | INT DEFAULT NULL | sql.mappings[0].type | not a known SQL type",
      "type with constraint | h2db | people | id | $.id | id | INT PRIMARY KEY | sql.mappings[0].type | not a known SQL type",
      "type with quote | h2db | people | id | $.id | id | VARCHAR(10) COLLATE 'x' | sql.mappings[0].type | not a plain SQL type",
      "array type | h2db | people | id | $.id | id | INT[] | sql.mappings[0].type | array",
      "recursive path | h2db | people | id | $..id | id | BIGINT | sql.mappings[0].jsonPath | not a supported JSON path",
      "path without $ | h2db | people | id | id | id | BIGINT | sql.mappings[0].jsonPath | must start with $",
      "unmapped key | h2db | people | uid | $.id | id | BIGINT | sql.primaryKey | has no mapping",
      "JSON key | h2db | people | id | $.id | id | JSONB | sql.primaryKey | cannot use in a primary key",
      "TEXT key in MySQL | my | people | id | $.id | id | TEXT | sql.primaryKey | cannot use in a primary key",
      "whole payload as key | h2db | people | id | $ | id | VARCHAR(10) | sql.primaryKey | whole payload",
  })
  void aBadConfigIsRefusedNamingTheField(String what, String db, String table, String pk, String path, String column,
      String type, String field, String message) {
    String doc = syncable(db, table, "primaryKey = \"" + pk + "\"", mapping(path, column, type), "");
    assertThatThrownBy(() -> log.syncables().define("people", doc))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains(field));
    assertThat(log.syncables().list()).isEmpty();
  }

  @Test
  void hostileIndexNamesAndUnknownIndexColumnsAreRefused() {
    assertThatThrownBy(() -> log.syncables().define("people", syncable("h2db", "people", "primaryKey = \"id\"",
        GOOD_MAPPINGS, "[[sql.indexes]]\nname = \"ix\\\" ON people; --\"\nindex = \"name\"")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("sql.indexes[0].name"));
    assertThatThrownBy(() -> log.syncables().define("people", syncable("h2db", "people", "primaryKey = \"id\"",
        GOOD_MAPPINGS, "[[sql.indexes]]\nname = \"ix\"\nindex = \"name); DROP TABLE people; --\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a column of the table")
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("sql.indexes[0].index"));
  }

  @Test
  void aColumnMappedTwiceAndMissingMappingsAreRefused() {
    assertThatThrownBy(() -> log.syncables().define("people", syncable("h2db", "people", "primaryKey = \"id\"",
        GOOD_MAPPINGS + mapping("$.other", "NAME", "TEXT"), "")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mapped twice");
    assertThatThrownBy(() -> log.syncables().define("people", syncable("h2db", "people", "primaryKey = \"id\"", "", "")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("sql.mappings"));
    assertThatThrownBy(() -> log.syncables().define("people", syncable("h2db", "people", "", GOOD_MAPPINGS, "")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("sql.primaryKey"));
  }

  @Test
  void aKeyColumnCanBeThePrimaryKey() {
    assertThat(log.syncables().define("people", syncable("h2db", "people", "", mapping("$", "doc", "JSON"),
        "keyColumn = \"entity_key\""))).extracting("version").isEqualTo(1);
  }

  @Test
  void urlsAndDsnsInTheOriginalsShapeAreAccepted() {
    assertThat(log.syncables().define("a", syncable("pg", "people", "primaryKey = \"id\"", GOOD_MAPPINGS, "")))
        .extracting("version").isEqualTo(1);
    assertThat(log.syncables().define("b", syncable("my", "people", "primaryKey = \"id\"", GOOD_MAPPINGS, "")))
        .extracting("version").isEqualTo(1);
  }

  @Test
  void aConnectionStringOfAnotherDialectIsRefused() {
    log.databases().define("mixed", """
        [database]
        type = "sql"
        [sql]
        dialect = "postgres"
        connectionString = "jdbc:mariadb://127.0.0.1:1/x"
        """);
    assertThatThrownBy(() -> log.syncables().define("people", syncable("mixed", "people", "primaryKey = \"id\"",
        GOOD_MAPPINGS, "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("database 'mixed'")
        .hasMessageContaining("is a mysql URL but sql.dialect is 'postgres'");
  }
}
