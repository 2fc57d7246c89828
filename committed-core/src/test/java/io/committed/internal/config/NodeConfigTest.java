package io.committed.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.ConfigFormat;
import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  private static NodeConfig parse(String toml, boolean strict) {
    return NodeConfig.root(Documents.parse(ConfigFormat.TOML, toml.getBytes(StandardCharsets.UTF_8)),
        new EnvResolver(Map.of("HOST", "db.local")::get, strict));
  }

  @Test
  void fieldsAreCaseInsensitiveAndTyped() {
    NodeConfig c = parse("""
        [sql]
        ConnectionString = "jdbc:x://${HOST}/db"
        batch_size = 100
        validate = 1
        every = "250ms"
        maxAge = 30
        tables = ["a", "b"]
        single = "c"
        [[sql.mappings]]
        column = "id"
        [sql.postgres]
        slot_name = "s"
        """, true);
    PluginConfig sql = c.section("sql").orElseThrow();
    assertThat(sql.string("connectionstring")).contains("jdbc:x://db.local/db");
    assertThat(sql.integer("BATCH_SIZE")).hasValue(100);
    assertThat(sql.bool("validate")).contains(true);
    assertThat(sql.duration("every")).contains(Duration.ofMillis(250));
    assertThat(sql.duration("maxAge")).contains(Duration.ofMillis(30));
    assertThat(sql.strings("tables")).containsExactly("a", "b");
    assertThat(sql.strings("single")).containsExactly("c");
    assertThat(sql.strings("absent")).isEmpty();
    assertThat(sql.sections("mappings")).singleElement().satisfies(m -> {
      assertThat(m.path()).isEqualTo("sql.mappings[0]");
      assertThat(m.requireString("column")).isEqualTo("id");
    });
    assertThat(sql.section("postgres").orElseThrow().string("slot_name")).contains("s");
    assertThat(sql.names()).contains("ConnectionString", "batch_size");
  }

  @Test
  void wrongShapesNameTheField() {
    NodeConfig c = parse("[sql]\nn = \"x\"\nt = { a = 1 }\nb = 2\nd = \"soon\"", true);
    PluginConfig sql = c.section("sql").orElseThrow();
    assertThatThrownBy(() -> sql.integer("n")).isInstanceOf(ConfigException.class)
        .hasMessage("sql.n must be an integer, not 'x'");
    assertThatThrownBy(() -> sql.string("t")).hasMessage("sql.t must be a string, not a table");
    assertThatThrownBy(() -> sql.bool("b")).hasMessage("sql.b must be true or false (or 1 or 0), not '2'");
    assertThatThrownBy(() -> sql.duration("d")).hasMessageStartingWith("sql.d must be a duration");
    assertThatThrownBy(() -> sql.requireString("missing")).isInstanceOf(ConfigException.class)
        .hasMessage("sql.missing is required")
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains("sql.missing"));
  }

  @Test
  void unsetVariablesFailOnlyWhenTheConfigIsUsed() {
    String doc = "[sql]\nconn = \"x?password=${NOPE}\"";
    assertThat(parse(doc, false).section("sql").orElseThrow().string("conn")).contains("x?password=${NOPE}");
    assertThatThrownBy(() -> parse(doc, true).section("sql").orElseThrow().string("conn"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sql.conn refers to environment variable NOPE, which is not set");
  }

  @Test
  void duplicateFieldsDifferingOnlyInCaseAreAmbiguous() {
    NodeConfig c = parse("[sql]\ntable = \"a\"\nTABLE = \"b\"", true);
    assertThatThrownBy(() -> c.section("sql").orElseThrow().string("table")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is given twice");
  }

  @Test
  void secretCheckFindsLiteralPasswordsOnly() {
    assertThat(SecretCheck.literalPassword("jdbc:postgresql://h/db?user=a&password=x")).isPresent();
    assertThat(SecretCheck.literalPassword("jdbc:postgresql://h/db?user=a&password=${P}")).isEmpty();
    assertThat(SecretCheck.literalPassword("jdbc:postgresql://h/db?user=a")).isEmpty();
    assertThat(SecretCheck.literalPassword("mysql://root:pw@h:3306/db")).isPresent();
    assertThat(SecretCheck.literalPassword("mysql://root:${PW}@h:3306/db")).isEmpty();
    assertThat(SecretCheck.literalPassword("mysql://root@h:3306/db")).isEmpty();
    assertThat(SecretCheck.literalPassword("jdbc:mariadb://h:3306/db?user=root&password=")).isEmpty();
    assertThat(SecretCheck.literalPassword("jdbc:h2:mem:test;PASSWORD=sa")).isPresent();
  }
}
