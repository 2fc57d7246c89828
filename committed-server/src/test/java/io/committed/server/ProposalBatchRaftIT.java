package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.api.LogEntry;
import io.committed.server.support.ApiClient;
import io.committed.server.support.RaftNodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/proposals} on the replicated engine: to the leader, and through a follower. */
class ProposalBatchRaftIT {
  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void batchesAreCommittedInRequestOrderOnTheLeaderAndForwardedByAFollower() {
    try (RaftNodes nodes = new RaftNodes(dir, 3).startAll()) {
      int leader = nodes.awaitLeader();
      int follower = leader == 1 ? 2 : 1;
      ApiClient toLeader = nodes.client(leader);
      toLeader.postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);

      // to the leader: each proposal its own entry, indexes increasing in request order
      List<Long> indexes = indexes(toLeader.postJson("/v1/proposals", batch("lead", 200)).expect(200).json(), 200);
      assertThat(indexes).isSorted().doesNotHaveDuplicates();
      for (int i = 0; i < indexes.size(); i++) {
        assertThat(keyAt(nodes, leader, indexes.get(i))).isEqualTo("lead-" + i);
      }

      // through a follower: forwarded like single proposals; each index holds its own proposal,
      // readable on the follower at once (it answers once it has applied them)
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        lines.append(proposal("follow-" + i)).append('\n');
      }
      lines.append("{\"entities\":[{\"typeId\":\"missing\",\"key\":\"x\",\"data\":1}]}\n");
      JsonNode answer = nodes.client(follower).send("POST", "/v1/proposals", "application/x-ndjson",
          lines.toString().getBytes(StandardCharsets.UTF_8)).expect(200).json();
      assertThat(answer.get("failed").asInt()).isEqualTo(1);
      JsonNode last = answer.get("results").get(100);
      assertThat(last.get("status").asInt()).isEqualTo(400);
      assertThat(last.get("error").get("code").asText()).isEqualTo("type_not_found");
      List<Long> forwarded = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long index = answer.get("results").get(i).get("index").asLong();
        forwarded.add(index);
        assertThat(keyAt(nodes, follower, index)).isEqualTo("follow-" + i);
      }
      assertThat(forwarded).doesNotHaveDuplicates().allMatch(i -> i > indexes.get(indexes.size() - 1));
    }
  }

  private static String proposal(String key) {
    return "{\"entities\":[{\"typeId\":\"event\",\"key\":\"" + key + "\",\"data\":{\"k\":\"" + key + "\"}}]}";
  }

  private static String batch(String prefix, int n) {
    StringJoiner body = new StringJoiner(",", "[", "]");
    for (int i = 0; i < n; i++) {
      body.add(proposal(prefix + "-" + i));
    }
    return body.toString();
  }

  private static List<Long> indexes(JsonNode answer, int n) {
    assertThat(answer.get("committed").asInt()).as(answer.toString()).isEqualTo(n);
    List<Long> out = new ArrayList<>();
    for (JsonNode r : answer.get("results")) {
      out.add(r.get("index").asLong());
    }
    return out;
  }

  private static String keyAt(RaftNodes nodes, int id, long index) {
    LogEntry e = nodes.server(id).log().read(index, 1).get(0);
    assertThat(e.index()).isEqualTo(index);
    assertThat(e.entities()).hasSize(1);
    return new String(e.entities().get(0).key(), StandardCharsets.UTF_8);
  }
}
