package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import io.committed.testkit.Await;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** {@code /metrics}: Prometheus text with the log's counters, timers and gauges. */
class MetricsIT {

  @Test
  void theScrapeShowsProposalsApplyLeadershipSyncIngestAndHttp() {
    try (TestNode node = TestNode.start()) {
      ApiClient api = node.client();
      api.postToml("/v1/type/m", "[type]\nname = \"m\"\nschema = '{\"type\":\"object\"}'\n").expect(200);
      api.postToml("/v1/syncable/sink", "[syncable]\ntype = \"test\"\n[test]\ntopic = \"m\"\nstore = \"metrics\"\n")
          .expect(200);
      api.postToml("/v1/ingestable/src", "[ingestable]\ntype = \"test\"\n[test]\ntopic = \"m\"\n").expect(200);
      api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"m\",\"key\":\"a\",\"data\":{}},"
          + "{\"typeId\":\"m\",\"key\":\"b\",\"data\":{}}]}").expect(200);
      long last = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"m\",\"key\":\"c\",\"data\":{\"poison\":1}}]}")
          .expect(200).json().get("index").asLong();
      api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"m\",\"key\":\"d\",\"data\":[]}]}")
          .expectError(422, "schema_violation");
      Await.until("the syncable to pass entry " + last, Duration.ofSeconds(30),
          () -> api.get("/v1/syncable/sink/status").json().get("lastSyncedIndex").asLong() >= last);
      Await.until("the ingestable to report", Duration.ofSeconds(30),
          () -> api.get("/v1/ingestable/src/status").json().has("reported"));

      String text = api.get("/metrics").expect(200).text();
      assertThat(api.get("/metrics").header("Content-Type")).startsWith("text/plain");
      assertThat(value(text, "committed_proposals_total", "outcome=\"committed\"")).hasValue(2);
      assertThat(value(text, "committed_proposals_total", "outcome=\"rejected\"")).hasValue(1);
      assertThat(value(text, "committed_proposal_entities_total")).hasValue(3);
      assertThat(value(text, "committed_propose_duration_seconds_count", "outcome=\"committed\"")).hasValue(2);
      assertThat(text).contains("committed_propose_duration_seconds_bucket{");
      assertThat(value(text, "committed_apply_index")).hasValue(node.server().log().lastIndex());
      assertThat(value(text, "committed_leader")).hasValue(1);
      assertThat(value(text, "committed_leader_id")).hasValue(1);
      assertThat(value(text, "committed_sync_dead_letters", "syncable=\"sink\"")).hasValue(1);
      assertThat(value(text, "committed_sync_lag", "syncable=\"sink\"")).isPresent();
      assertThat(value(text, "committed_sync_stuck", "syncable=\"sink\"")).hasValue(0);
      assertThat(value(text, "committed_sync_errors_total", "kind=\"permanent\"", "syncable=\"sink\"").orElse(0))
          .isGreaterThanOrEqualTo(1);
      assertThat(value(text, "committed_sync_entries_total", "syncable=\"sink\"").orElse(0)).isGreaterThanOrEqualTo(1);
      assertThat(value(text, "committed_sync_dead_lettered_total", "syncable=\"sink\"")).hasValue(1);
      assertThat(value(text, "committed_ingest_lag", "ingestable=\"src\"")).hasValue(42);
      assertThat(value(text, "committed_ingest_parked", "ingestable=\"src\"")).hasValue(0);
      assertThat(value(text, "committed_http_requests_seconds_count", "method=\"POST\"", "route=\"/v1/proposal\"",
          "status=\"200\"")).hasValue(2);
      assertThat(value(text, "committed_http_requests_seconds_count", "method=\"POST\"", "route=\"/v1/proposal\"",
          "status=\"422\"")).hasValue(1);
      assertThat(text).contains("jvm_memory_used_bytes");

      api.delete("/v1/syncable/sink").expect(204);
      assertThat(value(api.get("/metrics").text(), "committed_sync_lag", "syncable=\"sink\"")).isEmpty();
    }
  }

  @Test
  void metricsCanBeTurnedOff() {
    try (TestNode node = TestNode.start(Map.of("COMMITTED_METRICS_ENABLED", "false"))) {
      node.client().get("/metrics").expectError(404, "not_found");
      node.client().get("/health").expect(200);
    }
  }

  /** The value of the sample {@code name} whose labels include all of {@code labels}. */
  static OptionalDouble value(String text, String name, String... labels) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
        continue;
      }
      String labelPart = line.startsWith(name + "{") ? line.substring(name.length(), line.lastIndexOf('}') + 1) : "";
      boolean all = true;
      for (String l : labels) {
        all &= labelPart.contains(l);
      }
      if (all) {
        return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return OptionalDouble.empty();
  }
}
