package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.RaftNodes;
import io.committed.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The membership routes on the replicated engine, with the nodes in this JVM: a fourth node joins
 * a running group of three through a follower, catches up as a learner, is promoted, is removed;
 * and a group of one refuses to lose its last voter.
 */
class RaftMembershipIT {
  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void aFourthNodeJoinsAsALearnerCatchesUpIsPromotedAndIsRemoved() {
    try (RaftNodes nodes = new RaftNodes(dir, 3).startAll()) {
      int leader = nodes.awaitLeader();
      int follower = leader == 1 ? 2 : 1;
      ApiClient api = nodes.client(follower);
      api.postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);
      for (int i = 0; i < 20; i++) {
        api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"event\",\"key\":\"k" + i + "\",\"data\":" + i + "}]}")
            .expect(200);
      }
      JsonNode before = api.get("/v1/membership").expect(200).json();
      assertThat(ids(before.get("voters"))).containsExactly(1, 2, 3);
      assertThat(before.get("learners")).isEmpty();
      assertThat(before.get("leaderId").asInt()).isEqualTo(leader);
      assertThat(before.get("nodeId").asInt()).isEqualTo(follower);

      // refusals: a taken id or address, an unknown node, promoting a voter
      api.postJson("/v1/membership", "{\"id\":2,\"url\":\"127.0.0.1:1\"}").expectError(409, "already_member");
      String takenAddress = before.get("voters").get(0).get("address").asText();
      api.postJson("/v1/membership", "{\"id\":9,\"url\":\"" + takenAddress + "\"}").expectError(409, "already_member");
      api.delete("/v1/membership/9").expectError(404, "unknown_node");
      api.post("/v1/membership/2/promote").expectError(404, "unknown_node");
      api.post("/v1/membership/9/transfer-leadership").expectError(404, "unknown_node");

      // node 4 is added as a learner through a follower, then started with COMMITTED_JOIN=true
      int port4 = RaftNodes.freePort();
      api.postJson("/v1/membership", "{\"id\":4,\"url\":\"http://127.0.0.1:" + port4 + "\",\"learner\":true}").expect(204);
      JsonNode added = api.get("/v1/membership").expect(200).json();
      assertThat(ids(added.get("voters"))).containsExactly(1, 2, 3);
      assertThat(ids(added.get("learners"))).containsExactly(4);
      assertThat(added.get("learners").get(0).get("address").asText()).isEqualTo("127.0.0.1:" + port4);

      nodes.start(4, nodes.joinerEnv(4, port4));
      long last = nodes.server(leader).log().lastIndex();
      Await.until("node 4 to catch up to index " + last, Duration.ofSeconds(30),
          () -> nodes.server(4).log().lastIndex() >= last);
      ApiClient api4 = nodes.client(4);
      JsonNode status4 = api4.get("/v1/cluster/status").expect(200).json();
      assertThat(status4.get("role").asText()).isEqualTo("learner");
      assertThat(status4.get("leaderId").asInt()).isEqualTo(leader);
      assertThat(api4.get("/v1/proposal?type=event&limit=1000").expect(200).json().get("entries")).hasSize(20);
      assertThat(ids(api4.get("/v1/membership").expect(200).json().get("learners"))).containsExactly(4);

      // promoted through the new node itself: it votes, and takes writes like any member
      api4.post("/v1/membership/4/promote").expect(204);
      Await.until("node " + follower + " to see node 4 as a voter", Duration.ofSeconds(10),
          () -> nodes.server(follower).log().cluster().members().voters().containsKey(4));
      JsonNode promoted = api.get("/v1/membership").expect(200).json();
      assertThat(ids(promoted.get("voters"))).containsExactly(1, 2, 3, 4);
      assertThat(promoted.get("learners")).isEmpty();
      long index = api4.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"event\",\"key\":\"from-4\",\"data\":4}]}")
          .expect(200).json().get("index").asLong();
      Await.until("every node to apply index " + index, Duration.ofSeconds(10),
          () -> List.of(1, 2, 3, 4).stream().allMatch(id -> nodes.server(id).log().lastIndex() >= index));

      // leadership can be handed to the new voter
      api.post("/v1/membership/4/transfer-leadership").expect(204);
      Await.until("node 4 to lead", Duration.ofSeconds(20),
          () -> nodes.server(4).log().status().role() == io.committed.NodeRole.LEADER);

      // and it can be removed again (the leader itself: leadership moves to another voter)
      api.delete("/v1/membership/4").expect(204);
      Await.until("node " + follower + " to see node 4 gone", Duration.ofSeconds(10),
          () -> !nodes.server(follower).log().cluster().members().voters().containsKey(4));
      nodes.stop(4);
      int newLeader = nodes.awaitLeader();
      assertThat(newLeader).isIn(1, 2, 3);
      JsonNode after = api.get("/v1/membership").expect(200).json();
      assertThat(ids(after.get("voters"))).containsExactly(1, 2, 3);
      assertThat(after.get("learners")).isEmpty();
      api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"event\",\"key\":\"after\",\"data\":5}]}").expect(200);

      // a voter in one call (no "learner"): added as a learner, promoted once caught up. Node 5 does
      // not run yet, so it cannot catch up: the answer says it stays a learner, and a retried
      // promotion succeeds once it runs
      int port5 = RaftNodes.freePort();
      ApiClient.Response failed = api.postJson("/v1/membership", "{\"id\":5,\"url\":\"127.0.0.1:" + port5 + "\"}");
      assertThat(failed.status()).as(failed.text()).isEqualTo(503);
      assertThat(failed.json().at("/details/addedAsLearner").asBoolean()).as(failed.text()).isTrue();
      Await.until("node " + follower + " to see node 5 as a learner", Duration.ofSeconds(10),
          () -> nodes.server(follower).log().cluster().members().learners().containsKey(5));
      nodes.start(5, nodes.joinerEnv(5, port5));
      api.post("/v1/membership/5/promote").expect(204);
      Await.until("node " + follower + " to see node 5 as a voter", Duration.ofSeconds(10),
          () -> nodes.server(follower).log().cluster().members().voters().containsKey(5));

      // and with the new node running, one call makes it a voter
      int port6 = RaftNodes.freePort();
      nodes.start(6, nodes.joinerEnv(6, port6));
      api.postJson("/v1/membership", "{\"id\":6,\"url\":\"127.0.0.1:" + port6 + "\"}").expect(204);
      Await.until("node " + follower + " to see node 6 as a voter", Duration.ofSeconds(10),
          () -> nodes.server(follower).log().cluster().members().voters().containsKey(6));
      long index6 = nodes.client(6).postJson("/v1/proposal",
          "{\"entities\":[{\"typeId\":\"event\",\"key\":\"from-6\",\"data\":6}]}").expect(200).json().get("index").asLong();
      assertThat(index6).isGreaterThan(index);
    }
  }

  @Test
  @Timeout(60)
  void aGroupOfOneRefusesToRemoveItsLastVoter() {
    try (RaftNodes nodes = new RaftNodes(dir, 1).startAll()) {
      nodes.awaitLeader();
      ApiClient api = nodes.client(1);
      JsonNode members = api.get("/v1/membership").expect(200).json();
      assertThat(ids(members.get("voters"))).containsExactly(1);
      String text = api.delete("/v1/membership/1").expectError(409, "would_remove_last_voter").text();
      assertThat(text).contains("last voter");
      assertThat(ids(api.get("/v1/membership").expect(200).json().get("voters"))).containsExactly(1);
      api.postJson("/v1/membership", "{\"id\":2,\"url\":\"not an address\"}").expectError(400, "invalid");
    }
  }

  private static List<Integer> ids(JsonNode members) {
    List<Integer> ids = new ArrayList<>();
    members.forEach(m -> ids.add(m.get("id").asInt()));
    return ids;
  }
}
