package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestSyncableContextTest {
  private static final String DOC = """
      [syncable]
      type = "kv"
      [kv]
      topics = ["a", "b"]
      db = "main"
      token = "${TOKEN}"
      """;

  @Test
  void readsTheDocumentsAsTheLogDoes() {
    SyncableContext ctx = TestSyncableContext.builder().syncableId("s1").document(DOC)
        .database("main", "{\"database\":{\"type\":\"sql\"},\"sql\":{\"connectionString\":\"jdbc:h2:mem:x\"}}")
        .environment(Map.of("TOKEN", "t0k3n")).build();

    assertThat(ctx.syncableId()).isEqualTo("s1");
    assertThat(ctx.types()).containsExactlyInAnyOrder("a", "b");
    assertThat(ctx.config().requireString("token")).isEqualTo("t0k3n");
    assertThat(ctx.document().section("syncable").map(c -> c.requireString("type"))).hasValue("kv");
    assertThat(ctx.database("main").map(c -> c.requireString("connectionString"))).hasValue("jdbc:h2:mem:x");
    assertThat(ctx.database("other")).isEmpty();
  }

  @Test
  void anUnsetVariableFailsWhenItsFieldIsReadNamingTheField() {
    SyncableContext ctx = TestSyncableContext.builder().document(DOC).build();
    assertThatThrownBy(() -> ctx.config().requireString("token"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("TOKEN").hasMessageContaining("kv.token");
  }

  @Test
  void aDocumentWithoutItsHeaderOrTopicIsRefusedAsTheLogRefusesIt() {
    assertThatThrownBy(() -> TestSyncableContext.builder().document("[kv]\ntopic = \"a\"\n").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("[syncable]");
    assertThatThrownBy(() -> TestSyncableContext.builder().document("[syncable]\ntype = \"kv\"\n").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("kv.topic");
    assertThatThrownBy(() -> TestSyncableContext.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("document(");
  }

  @Test
  void theSectionIsThePlugInsOwn() {
    PluginConfig section = TestSyncableContext.builder()
        .document("[syncable]\ntype = \"kv\"\n[kv]\ntopic = \"*\"\nbatch = 5\n").build().config();
    assertThat(section.path()).isEqualTo("kv");
    assertThat(section.integer("batch")).hasValue(5);
  }
}
