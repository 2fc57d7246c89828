package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import io.committed.ingest.sql.internal.TableName;
import io.committed.spi.PluginConfig;
import io.committed.testkit.TestPluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MySqlSettingsTest {
  private static PluginConfig sql(String toml) {
    return TestPluginConfig.of("[ingestable]\nname = \"orders\"\ntype = \"sql\"\n" + toml,
        Map.of("MYSQL_PASSWORD", "s3cret")).section("sql").orElseThrow();
  }

  private static MySqlSettings parse(String toml) {
    return MySqlSettings.parse(Dialect.MARIADB, "orders", sql(toml));
  }

  private static final String BASE = "[sql]\ndialect = \"mariadb\"\n"
      + "connectionString = \"jdbc:mariadb://db.local:3307/shop?user=cdc&password=${MYSQL_PASSWORD}&useSsl=false\"\n"
      + "topic = \"orders\"\ntables = [\"orders\", \"archive.orders_2023\"]\n";

  @Test
  void theFlatFormWithDefaults() {
    MySqlSettings s = parse(BASE);
    assertThat(s.address().host()).isEqualTo("db.local");
    assertThat(s.address().port()).isEqualTo(3307);
    assertThat(s.address().database()).isEqualTo("shop");
    assertThat(s.address().user()).isEqualTo("cdc");
    assertThat(s.address().password()).isEqualTo("s3cret");
    assertThat(s.address().options()).containsEntry("useSsl", "false");
    assertThat(s.address().jdbcUrl()).isEqualTo("jdbc:mariadb://db.local:3307/shop?user=cdc&password=s3cret&useSsl=false");
    assertThat(s.address().toString()).doesNotContain("s3cret");
    assertThat(s.tables()).containsExactly(new TableName("shop", "orders"), new TableName("archive", "orders_2023"));
    assertThat(s.serverId()).isEqualTo(MySqlSettings.defaultServerId("orders")).isBetween(1_000_000_000L, 1_999_999_999L);
    assertThat(s.positionMode()).isEqualTo(MySqlSettings.PositionMode.AUTO);
    assertThat(s.batchSize()).isEqualTo(10_000);
    assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.onPositionLost()).isEqualTo(OnPositionLost.PARK);
    assertThat(s.initialSnapshot()).isTrue();
    assertThat(s.watermarkTable()).isEqualTo(new TableName("shop", "committed_watermarks"));
    assertThat(s.topics().get(0).mapAllColumns()).isTrue();
  }

  @Test
  void theWatermarkTable() {
    assertThat(parse(BASE + "[sql.mysql]\nwatermark_table = \"ops.marks\"\n").watermarkTable())
        .isEqualTo(new TableName("ops", "marks"));
    assertThatThrownBy(() -> parse(BASE + "[sql.mysql]\nwatermark_table = \"`x`\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("watermark_table")
        .hasMessageContaining("is not a table name");
    assertThatThrownBy(() -> parse(BASE + "[sql.mysql]\nwatermark_table = \"orders\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("the snapshot's watermark table");
  }

  @Test
  void theMysqlSectionAndSeveralTopics() {
    MySqlSettings s = parse("[sql]\ndialect = \"mariadb\"\nconnectionString = \"mysql://cdc@db/shop\"\n"
        + "[[sql.topics]]\ntopic = \"orders\"\ntables = [\"orders\"]\nprimaryKey = [\"region\", \"id\"]\n"
        + "[[sql.topics.mappings]]\ncolumn = \"customer_id\"\njsonName = \"customer\"\n"
        + "[[sql.topics]]\ntopic = \"users\"\ntable = \"users\"\nexcludeColumns = [\"secret\"]\njsonColumns = [\"prefs\"]\n"
        + "[sql.mysql]\nserver_id = 4001\nposition = \"file\"\nbatch_size = 500\nheartbeat_interval = \"0s\"\n"
        + "on_position_lost = \"park\"\nsnapshot = \"never\"\n");
    assertThat(s.address().port()).isEqualTo(3306);
    assertThat(s.address().password()).isEmpty();
    assertThat(s.serverId()).isEqualTo(4001);
    assertThat(s.positionMode()).isEqualTo(MySqlSettings.PositionMode.FILE);
    assertThat(s.batchSize()).isEqualTo(500);
    assertThat(s.heartbeat()).isZero();
    assertThat(s.onPositionLost()).isEqualTo(OnPositionLost.PARK);
    assertThat(s.initialSnapshot()).isFalse();
    assertThat(s.topics()).hasSize(2);
    assertThat(s.topics().get(0).primaryKey()).containsExactly("region", "id");
    assertThat(s.topics().get(0).mapAllColumns()).isFalse();
    assertThat(s.topics().get(0).mappings()).containsEntry("customer_id", "customer");
    assertThat(s.topics().get(1).excludeColumns()).containsExactly("secret");
    assertThat(s.topicOf(new TableName("shop", "users")).orElseThrow().topic()).isEqualTo("users");
  }

  @Test
  void badSettingsNameTheirField() {
    List<String[]> cases = List.of(
        new String[] {BASE + "bogus = 1\n", "sql.bogus", "is not a setting"},
        new String[] {BASE.replace("jdbc:mariadb", "jdbc:postgresql"), "sql.connectionString", "MySQL/MariaDB JDBC URL"},
        new String[] {BASE.replace("?user=cdc&", "?"), "sql.connectionString", "names no user"},
        new String[] {BASE.replace(":3307", ":99999"), "sql.connectionString", "port 99999"},
        new String[] {BASE.replace("/shop?", "?"), "sql.connectionString", "must name the database"},
        new String[] {BASE.replace("jdbc:mariadb://", "mysql://cdc:pw@"), "sql.connectionString", "password=${VAR}"},
        new String[] {BASE.replace("dialect = \"mariadb\"", "dialect = \"mysql\""), "sql.dialect", "mariadb ingestable"},
        new String[] {BASE.replace("\"orders\", ", "\"orders\", \"orders\", "), "sql.tables", "twice"},
        new String[] {BASE.replace("\"orders\", ", "\"a.b.c\", "), "sql.tables", "malformed table name"},
        new String[] {BASE.replace("topic = \"orders\"", "topic = \"_x\""), "sql.topic", "not a valid type id"},
        new String[] {BASE + "[sql.mysql]\nserver_id = 0\n", "sql.mysql.server_id", "between 1 and 4294967295"},
        new String[] {BASE + "[sql.mysql]\nserver_id = 4294967296\n", "sql.mysql.server_id", "between 1"},
        new String[] {BASE + "[sql.mysql]\nposition = \"lsn\"\n", "sql.mysql.position", "\"gtid\""},
        new String[] {BASE + "[sql.mysql]\nbatch_size = 0\n", "sql.mysql.batch_size", "between 1 and 1000000"},
        new String[] {BASE + "[sql.mysql]\non_position_lost = \"panic\"\n", "sql.mysql.on_position_lost", "\"park\""},
        new String[] {BASE + "[sql.mysql]\nsnapshot = \"always\"\n", "sql.mysql.snapshot", "\"initial\""},
        new String[] {BASE + "[sql.mysql]\nslot_name = \"x\"\n", "sql.mysql.slot_name", "is not a setting"},
        new String[] {BASE + "mapAllColumns = false\n", "sql.mapAllColumns", "no column would be captured"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(c[1]).hasMessageContaining(c[2]);
    }
  }

  @Test
  void aSnapshotRequestCopiesEveryTableOfEachNamedTablesTopicAndRefusesOthers() {
    MySqlSettings s = parse("[sql]\ndialect = \"mariadb\"\nconnectionString = \"mysql://cdc@db/shop\"\n"
        + "[[sql.topics]]\ntopic = \"orders\"\ntables = [\"orders_eu\", \"orders_us\"]\n"
        + "[[sql.topics]]\ntopic = \"users\"\ntable = \"users\"\n"
        + "[sql.mysql]\non_position_lost = \"resnapshot\"\n");
    assertThat(s.onPositionLost()).isEqualTo(OnPositionLost.RESNAPSHOT);
    assertThat(s.tablesToCopyAgain(List.of("shop.orders_us"))).containsExactly("shop.orders_eu", "shop.orders_us");
    assertThat(s.tablesToCopyAgain(List.of("shop.users", "shop.orders_eu")))
        .containsExactly("shop.orders_eu", "shop.orders_us", "shop.users");
    assertThatThrownBy(() -> s.tablesToCopyAgain(List.of("shop.nope"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table 'shop.nope' is not captured by this ingestable");
    assertThatThrownBy(() -> s.tablesToCopyAgain(List.of("users"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'users' is not a table name: write database.table");
  }

  @Test
  void aTableInTwoTopicsIsRefused() {
    assertThatThrownBy(() -> parse("[sql]\nconnectionString = \"mysql://cdc@db/shop\"\n"
        + "[[sql.topics]]\ntopic = \"a\"\ntables = [\"t\"]\n[[sql.topics]]\ntopic = \"b\"\ntables = [\"shop.t\"]\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shop.t is listed twice");
  }
}
