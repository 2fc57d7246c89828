package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.RaftNodes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk admission on a raft node: with the data level above the disk's free share, a proposal is a
 * 507 {@code insufficient_storage} and nothing is written, config changes still pass, the cluster
 * status shows the disk; restarted with the defaults (as when space is back), the node writes again
 * and lost nothing it had acknowledged.
 */
class DiskAdmissionIT {
  @TempDir
  Path dir;

  private RaftNodes nodes;

  @AfterEach
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void aFullDiskRefusesDataWith507AndTheNodeWritesAgainOnceThereIsRoom() {
    nodes = new RaftNodes(dir, 1);
    nodes.start(1, nodes.env(1));
    nodes.awaitLeader();
    ApiClient api = nodes.client(1);
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
    long before = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"1\",\"data\":{}}]}")
        .expect(200).json().get("index").asLong();
    nodes.stop(1);

    // every disk has at most 100% free: data is refused, configs (level 0: off) are not
    Map<String, String> full = new java.util.HashMap<>(nodes.env(1));
    full.put("COMMITTED_DISK_WARN_PERCENT", "100");
    full.put("COMMITTED_DISK_REFUSE_DATA_PERCENT", "100");
    full.put("COMMITTED_DISK_REFUSE_CONFIG_PERCENT", "0");
    nodes.start(1, full);
    nodes.awaitLeader();
    api = nodes.client(1);
    ApiClient.Response refused = api.postJson("/v1/proposal",
        "{\"entities\":[{\"typeId\":\"order\",\"key\":\"2\",\"data\":{}}]}").expectError(507, "insufficient_storage");
    assertThat(refused.json().get("message").asText()).contains("nothing was written");
    assertThat(refused.json().get("details").get("outcomeUnknown").asBoolean()).isFalse();
    api.postToml("/v1/type/invoice", "[type]\nname = \"invoice\"\n").expect(200);
    JsonNode disk = api.get("/v1/cluster/status").expect(200).json().get("disk");
    assertThat(disk.get("admission").asText()).isEqualTo("data-refused");
    assertThat(disk.get("totalBytes").asLong()).isPositive();
    long last = api.get("/v1/cluster/status").json().get("lastIndex").asLong();
    nodes.stop(1);

    nodes.start(1, nodes.env(1));
    nodes.awaitLeader();
    api = nodes.client(1);
    long after = api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"order\",\"key\":\"2\",\"data\":{}}]}")
        .expect(200).json().get("index").asLong();
    assertThat(after).as("the refused write took no index").isEqualTo(last + 1);
    JsonNode read = api.get("/v1/proposal?type=order&from=1").expect(200).json();
    assertThat(read.toString()).contains("\"index\":" + before).contains("\"index\":" + after);
  }
}
