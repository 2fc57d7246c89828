package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.RaftNodes;
import io.committed.testkit.Await;
import io.committed.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code COMMITTED_TLS_*} reach the raft engine: three nodes with their certificates form a group
 * and take a write through a follower (forwarded over TLS); a node given a certificate of another
 * CA gets nothing. The handshake cases and rotation are in committed-raft's {@code RaftTlsIT}.
 */
class PeerTlsIT {
  @TempDir
  Path dir;

  private static Map<String, String> tls(Map<String, String> env, TestCertificates.Issued cert, Path caFile) {
    env.put("COMMITTED_TLS_CERT_FILE", cert.certFile().toString());
    env.put("COMMITTED_TLS_KEY_FILE", cert.keyFile().toString());
    env.put("COMMITTED_TLS_CA_FILE", caFile.toString());
    return env;
  }

  @Test
  @Timeout(120)
  void nodesWithPeerTlsVariablesReplicateAndRefuseACertificateOfAnotherCa() {
    TestCertificates ca = TestCertificates.authority(dir.resolve("ca"), "Test CA");
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "Other CA");
    try (RaftNodes nodes = new RaftNodes(dir.resolve("nodes"), 3)) {
      IntStream.rangeClosed(1, 2).parallel().forEach(id ->
          nodes.start(id, tls(nodes.env(id), ca.issue("node-" + id, "ip:127.0.0.1"), ca.caFile())));
      nodes.start(3, tls(nodes.env(3), other.issue("node-3", "ip:127.0.0.1"), ca.caFile()));
      int leader = awaitLeaderAmong(nodes);
      int follower = leader == 1 ? 2 : 1;
      nodes.client(leader).postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);
      long index = nodes.client(follower).postJson("/v1/proposal",
          "{\"entities\":[{\"typeId\":\"event\",\"key\":\"k1\",\"data\":1}]}").expect(200).json().get("index").asLong();
      Await.until("the leader's node has the entry", Duration.ofSeconds(10),
          () -> nodes.server(leader).log().lastIndex() >= index);
      // several election timeouts (600 ms): node 3 applies nothing
      org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> nodes.server(3).log().lastIndex() == 0);
      assertThat(nodes.server(leader).log().status().role()).isEqualTo(io.committed.NodeRole.LEADER);
    }
  }

  private static int awaitLeaderAmong(RaftNodes nodes) {
    int[] leader = {-1};
    Await.until("node 1 or 2 leads", Duration.ofSeconds(30), () -> {
      for (int id = 1; id <= 2; id++) {
        if (nodes.server(id).log().status().role() == io.committed.NodeRole.LEADER) {
          leader[0] = id;
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }
}
