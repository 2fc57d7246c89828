package io.committed.ingest.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicSchemaTest {
  private static final ValueFormat INT = format(List.of("integer"), false);
  private static final ValueFormat TEXT = format(List.of("string"), false);
  private static final ValueFormat JSON = format(List.of(), true);

  private static ValueFormat format(List<String> types, boolean json) {
    return new ValueFormat() {
      @Override
      public void write(JsonGenerator g, String text) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<String> jsonTypes() {
        return types;
      }

      @Override
      public boolean json() {
        return json;
      }
    };
  }

  private static TableName t(String name) {
    return new TableName("s", name);
  }

  @Test
  void oneTableMapsItsColumnsAsTheTopicDoes() {
    TopicSpec spec = new TopicSpec("orders", List.of(t("a")), List.of(), true, Set.of("secret"), Set.of("doc"),
        Map.of("cust_id", "customer"));
    String schema = TopicSchema.of(spec, List.of(new TopicSchema.Table(t("a"), List.of(
        new TopicSchema.Column("id", "integer", false, INT),
        new TopicSchema.Column("cust_id", "bigint", true, INT),
        new TopicSchema.Column("secret", "text", true, TEXT),
        new TopicSchema.Column("doc", "text", true, TEXT),
        new TopicSchema.Column("j", "jsonb", true, JSON)), List.of("id"))));
    assertThat(schema).isEqualTo("{\"type\":\"object\",\"$comment\":\"generated from s.a (key id)\",\"properties\":{"
        + "\"id\":{\"type\":\"integer\",\"$comment\":\"integer not null, key\"},"
        + "\"customer\":{\"type\":[\"integer\",\"null\"],\"$comment\":\"bigint\"},"
        + "\"doc\":{\"$comment\":\"text\"},"
        + "\"j\":{\"$comment\":\"jsonb\"}},\"required\":[\"id\"]}");
  }

  @Test
  void aTopicOfSeveralTablesHasEveryFieldAndRequiresOnlyWhatAllRequire() {
    TopicSpec spec = new TopicSpec("t", List.of(t("a"), t("b")), List.of(), true, Set.of(), Set.of(), Map.of());
    String schema = TopicSchema.of(spec, List.of(
        new TopicSchema.Table(t("a"), List.of(new TopicSchema.Column("id", "integer", false, INT),
            new TopicSchema.Column("v", "text", false, TEXT)), List.of("id")),
        new TopicSchema.Table(t("b"), List.of(new TopicSchema.Column("id", "bigint", false, INT),
            new TopicSchema.Column("v", "integer", true, INT), new TopicSchema.Column("w", "text", false, TEXT)),
            List.of("id"))));
    assertThat(schema).contains("\"v\":{\"type\":[\"string\",\"integer\",\"null\"],\"$comment\":\"text not null (s.a);"
        + " integer (s.b)\"}").contains("\"w\":{\"type\":\"string\"").endsWith("\"required\":[\"id\"]}")
        .contains("generated from s.a (key id), s.b (key id)");
  }
}
