package io.committed.ingest.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import io.committed.spi.PluginConfig;
import io.committed.testkit.TestPluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PgSettingsTest {
  private static final String URL = "connectionString = \"jdbc:postgresql://db:5432/shop?user=cdc&password=${PW}\"\n";

  static PgSettings parse(String sql) {
    PluginConfig root = TestPluginConfig.of("[ingestable]\ntype = \"sql\"\n[sql]\ndialect = \"postgres\"\n" + sql,
        Map.of("PW", "secret"));
    return PgSettings.parse("Orders-1", root.section("sql").orElseThrow());
  }

  static ConfigException error(String sql) {
    try {
      parse(sql);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("no error for " + sql);
  }

  @Test
  void theFlatFormWithDefaults() {
    PgSettings s = parse(URL + "topic = \"orders\"\ntables = \"orders\"\n");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?user=cdc&password=secret");
    assertThat(s.slot()).isEqualTo("committed_orders_1");
    assertThat(s.publication()).isEqualTo("committed_orders_1");
    assertThat(s.batchSize()).isEqualTo(10_000);
    assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.onSlotLost()).isEqualTo(OnPositionLost.PARK);
    assertThat(s.dropSlotOnRemove()).isTrue();
    assertThat(s.initialSnapshot()).isTrue();
    TopicSpec t = s.topics().get(0);
    assertThat(t.topic()).isEqualTo("orders");
    assertThat(t.tables()).containsExactly(new TableName("public", "orders"));
    assertThat(t.primaryKey()).isEmpty();
    assertThat(t.mapAllColumns()).isTrue();
  }

  @Test
  void everySetting() {
    PgSettings s = parse(URL + """
        topic = "orders"
        tables = ["sales.orders", "sales.returns"]
        primaryKey = ["region", "id"]
        excludeColumns = ["secret"]
        jsonColumns = ["payload"]
        [[sql.mappings]]
        column = "customer_id"
        jsonName = "customer"
        [sql.postgres]
        slot_name = "my_slot"
        publication = "MyPub"
        batch_size = 500
        heartbeat_interval = 0
        status_interval = "2s"
        on_slot_lost = "resnapshot"
        drop_slot_on_remove = false
        snapshot = "never"
        """);
    assertThat(s.slot()).isEqualTo("my_slot");
    assertThat(s.publication()).isEqualTo("MyPub");
    assertThat(s.batchSize()).isEqualTo(500);
    assertThat(s.heartbeat()).isZero();
    assertThat(s.statusInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.onSlotLost()).isEqualTo(OnPositionLost.RESNAPSHOT);
    assertThat(s.dropSlotOnRemove()).isFalse();
    assertThat(s.initialSnapshot()).isFalse();
    TopicSpec t = s.topics().get(0);
    assertThat(t.tables()).containsExactly(new TableName("sales", "orders"), new TableName("sales", "returns"));
    assertThat(t.primaryKey()).containsExactly("region", "id");
    assertThat(t.mapAllColumns()).as("mappings given: only them, unless mapAllColumns says so").isFalse();
    assertThat(t.mappings()).isEqualTo(Map.of("customer_id", "customer"));
    assertThat(t.excludeColumns()).isEqualTo(Set.of("secret"));
    assertThat(t.jsonColumns()).isEqualTo(Set.of("payload"));
  }

  @Test
  void severalTopicsFromOneSlot() {
    PgSettings s = parse(URL + """
        [[sql.topics]]
        topic = "orders"
        tables = ["orders"]
        [[sql.topics]]
        topic = "people"
        table = "people"
        primaryKey = "email"
        mapAllColumns = true
        [[sql.topics.mappings]]
        column = "full_name"
        jsonName = "name"
        """);
    assertThat(s.topics()).extracting(TopicSpec::topic).containsExactly("orders", "people");
    assertThat(s.tables()).containsExactly(new TableName("public", "orders"), new TableName("public", "people"));
    assertThat(s.topicOf(new TableName("public", "people")).orElseThrow().mappings()).containsEntry("full_name", "name");
    assertThat(s.topicOf(new TableName("public", "people")).orElseThrow().mapAllColumns()).isTrue();
  }

  @Test
  void theOriginalsUrlFormIsAccepted() {
    PgSettings s = parse("connectionString = \"postgres://cdc@db:5432/shop?sslmode=require\"\ntopic = \"t\"\n"
        + "tables = \"t\"\n");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?sslmode=require&user=cdc");
  }

  @Test
  void errorsNameTheField() {
    String flat = URL + "topic = \"t\"\ntables = \"t\"\n";
    assertThat(error("topic = \"t\"\ntables = \"t\"\n").field()).hasValue("sql.connectionString");
    assertThat(error("connectionString = \"jdbc:mysql://x/y\"\ntopic = \"t\"\ntables = \"t\"\n").field())
        .hasValue("sql.connectionString");
    assertThat(error(URL + "tables = \"t\"\n").field()).hasValue("sql.topic");
    assertThat(error(URL + "topic = \"_internal\"\ntables = \"t\"\n").field()).hasValue("sql.topic");
    assertThat(error(URL + "topic = \"t\"\n").getMessage()).contains("sql.tables is required");
    assertThat(error(URL + "topic = \"t\"\ntables = [\"a.b.c\"]\n").field()).hasValue("sql.tables");
    assertThat(error(URL + "topic = \"t\"\ntables = [\"a\", \"public.a\"]\n").getMessage()).contains("twice");
    assertThat(error(flat + "mapAllColumns = false\n").field()).hasValue("sql.mapAllColumns");
    assertThat(error(flat + "primaryKey = [\"id\", \"id\"]\n").field()).hasValue("sql.primaryKey");
    assertThat(error(flat + "tabels = 1\n").getMessage()).contains("sql.tabels", "known here", "tables");
    assertThat(error(flat + "[[sql.mappings]]\ncolumn = \"a\"\n").field()).hasValue("sql.mappings[0].jsonName");
    assertThat(error(flat + "[sql.postgres]\nslot_name = \"Bad-Name\"\n").field()).hasValue("sql.postgres.slot_name");
    assertThat(error(flat + "[sql.postgres]\nbatch_size = 0\n").field()).hasValue("sql.postgres.batch_size");
    assertThat(error(flat + "[sql.postgres]\non_slot_lost = \"ignore\"\n").field())
        .hasValue("sql.postgres.on_slot_lost");
    assertThat(error(flat + "[sql.postgres]\nstatus_interval = \"0s\"\n").field())
        .hasValue("sql.postgres.status_interval");
    assertThat(error(flat + "[sql.postgres]\nslotname = \"x\"\n").field()).hasValue("sql.postgres.slotname");
    assertThat(error(flat + "[[sql.topics]]\ntopic = \"u\"\ntables = \"u\"\n").field()).hasValue("sql.topics");
    assertThat(error(URL + "[[sql.topics]]\ntopic = \"a\"\ntables = \"t\"\n[[sql.topics]]\ntopic = \"b\"\n"
        + "tables = \"t\"\n").getMessage()).contains("a table feeds one topic");
  }

  @Test
  void defaultNamesAreValidSlotNames() {
    assertThat(PgSettings.defaultName("Orders.EU-1")).isEqualTo("committed_orders_eu_1");
    assertThat(PgSettings.defaultName("x".repeat(128))).hasSize(63);
    assertThat(List.of(TableName.parse("a", "public"), TableName.parse("s.a", "public"))).containsExactly(new TableName("public", "a"),
        new TableName("s", "a"));
    assertThat(TableName.parse("\"quoted\"", "public")).isNull();
  }

  @Test
  void aCopyRequestCoversWholeTopicsAndNamesWhatItCannotCopy() {
    PgSettings s = parse(URL + """
        [[sql.topics]]
        topic = "orders"
        tables = ["orders_eu", "sales.orders_us"]
        [[sql.topics]]
        topic = "users"
        tables = ["users"]
        """);
    assertThat(s.tablesToCopyAgain(List.of("sales.orders_us"))).containsExactly("public.orders_eu", "sales.orders_us");
    assertThat(s.tablesToCopyAgain(List.of("users", "public.orders_eu")))
        .containsExactly("public.orders_eu", "sales.orders_us", "public.users");
    assertThatThrownBy(() -> s.tablesToCopyAgain(List.of("nope"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table 'nope' is not captured by this ingestable");
    assertThatThrownBy(() -> s.tablesToCopyAgain(List.of("a.b.c"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a.b.c' is not a table name");
  }
}
