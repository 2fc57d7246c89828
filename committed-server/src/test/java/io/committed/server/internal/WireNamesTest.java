package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.committed.IngestableStatus;
import io.committed.NodeRole;
import io.committed.SyncableStatus;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The enums' wire names are exactly the strings the OpenAPI spec promises. */
class WireNamesTest {
  private static JsonNode schemas;

  @BeforeAll
  static void readSpec() throws Exception {
    try (InputStream in = WireNamesTest.class.getResourceAsStream("/io/committed/server/openapi.yaml")) {
      schemas = new ObjectMapper(new YAMLFactory()).readTree(in).path("components").path("schemas");
    }
  }

  private static List<String> specEnum(String schema, String property) {
    List<String> values = new ArrayList<>();
    schemas.path(schema).path("properties").path(property).path("enum").forEach(v -> values.add(v.asText()));
    assertThat(values).as("enum of %s.%s in openapi.yaml", schema, property).isNotEmpty();
    return values;
  }

  @Test
  void syncWorkerStates() {
    assertThat(Arrays.stream(SyncableStatus.WorkerState.values()).map(SyncableStatus.WorkerState::wireName))
        .containsExactlyInAnyOrderElementsOf(specEnum("SyncableStatus", "workerState"));
  }

  @Test
  void ingestWorkerStates() {
    assertThat(Arrays.stream(IngestableStatus.WorkerState.values()).map(IngestableStatus.WorkerState::wireName))
        .containsExactlyInAnyOrderElementsOf(specEnum("IngestableStatus", "workerState"));
  }

  @Test
  void nodeRoles() {
    assertThat(Arrays.stream(NodeRole.values()).map(NodeRole::wireName))
        .containsExactlyInAnyOrderElementsOf(specEnum("ClusterStatus", "role"));
  }
}
