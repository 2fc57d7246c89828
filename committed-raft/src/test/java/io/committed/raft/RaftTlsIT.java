package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.CliService;
import com.alipay.sofa.jraft.RaftServiceFactory;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.CliOptions;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.testkit.FaultyProxy;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between nodes, through a proxy in front of each node that records what crosses it:
 * the group replicates and forwards over TLS (the data never crosses in clear), a peer without TLS
 * or with a certificate of another CA is refused, a node dialling an address refuses a certificate
 * that does not name it, and certificates and the CA are rotated while the group runs.
 */
class RaftTlsIT {
  @TempDir
  static Path certs;
  @TempDir
  Path dir;

  private static TestCertificates ca;
  private static TestCertificates otherCa;
  private static Map<Integer, TestCertificates.Issued> nodes = new TreeMap<>();

  private RaftCluster cluster;
  private Map<Integer, FaultyProxy> proxies;

  @BeforeAll
  static void authorities() {
    ca = TestCertificates.authority(certs.resolve("ca"), "Committed Test CA");
    otherCa = TestCertificates.authority(certs.resolve("other"), "Another CA");
    for (int id = 1; id <= 3; id++) {
      nodes.put(id, ca.issue("node-" + id, "ip:127.0.0.1", "dns:localhost"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (proxies != null) {
      for (FaultyProxy p : proxies.values()) {
        p.close();
      }
    }
  }

  /** Starts nodes 1 and 2 (a quorum) with their certificates, and node 3 configured by {@code third}. */
  private int start(java.util.function.UnaryOperator<io.committed.CommittedBuilder> third) throws Exception {
    cluster = new RaftCluster(dir, 3).customizeEach((id, b) -> {
      b.engineOption("leaderWaitMs", "5000");
      if (id == 3) {
        return third.apply(b);
      }
      return b.peerTls(nodes.get(id).certFile(), nodes.get(id).keyFile(), ca.caFile());
    });
    proxies = cluster.withProxies();
    proxies.values().forEach(FaultyProxy::record);
    int leader = cluster.startAll().awaitLeader();
    LogFixtures.defineTypes(cluster.log(leader), "t");
    return leader;
  }

  private static io.committed.CommittedBuilder good(io.committed.CommittedBuilder b) {
    return b.peerTls(nodes.get(3).certFile(), nodes.get(3).keyFile(), ca.caFile());
  }

  @Test
  void theGroupReplicatesAndForwardsOverTlsAndTheDataNeverCrossesInClear() throws Exception {
    int leader = start(RaftTlsIT::good);
    int follower = leader == 1 ? 2 : 1;
    RaftCluster.write(cluster.log(follower), "secret-through-a-follower-", 50); // forwarded to the leader
    RaftCluster.write(cluster.log(leader), "secret-at-the-leader-", 50);
    cluster.awaitConverged(cluster.log(leader).lastIndex());
    for (CommittedLog l : cluster.running().values()) {
      assertThat(l.read(1, 1000).stream().flatMap(e -> e.entities().stream()).map(Entity::keyAsString)
          .filter(k -> k.startsWith("secret")).count()).isEqualTo(100);
    }
    // a client with a certificate of another CA is refused by the nodes (it would accept their certificates)
    PeerTls rogue = client(otherCa.issue("rogue-client", "ip:127.0.0.1"), ca.caFile(), "rogue");
    PeerTls member = client(nodes.get(3), ca.caFile(), "member");
    for (int id = 1; id <= 3; id++) {
      assertThat(probe(rogue, id).isOk()).as("a client of another CA, to node %s", id).isFalse();
      assertThat(probe(member, id).isOk()).as("a client of the CA, to node %s", id).isTrue();
    }
    for (Map.Entry<Integer, FaultyProxy> p : proxies.entrySet()) {
      assertThat(p.getValue().recorded().length).as("bytes to node %s", p.getKey()).isGreaterThan(10_000);
      assertThat(p.getValue().recordedContains("secret-".getBytes(StandardCharsets.UTF_8)))
          .as("the data in clear on the way to node %s", p.getKey()).isFalse();
    }
  }

  @Test
  void withoutTlsTheSameRecordingSeesTheData() throws Exception {
    // the control of the test above: its proxies would see the data if it crossed in clear
    cluster = new RaftCluster(dir, 3);
    proxies = cluster.withProxies();
    proxies.values().forEach(FaultyProxy::record);
    int leader = cluster.startAll().awaitLeader();
    LogFixtures.defineTypes(cluster.log(leader), "t");
    RaftCluster.write(cluster.log(leader), "secret-", 10);
    cluster.awaitConverged(cluster.log(leader).lastIndex());
    assertThat(proxies.values().stream().filter(p -> p.recordedContains("secret-".getBytes(StandardCharsets.UTF_8))))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void aPeerWithACertificateOfAnotherCaGetsNothing() throws Exception {
    // node 3 trusts both CAs: only the others' check of its certificate keeps it out
    Path both = dir.resolve("both-cas.pem");
    Files.writeString(both, Files.readString(ca.caFile()) + Files.readString(otherCa.caFile()));
    TestCertificates.Issued rogue = otherCa.issue("rogue-3", "ip:127.0.0.1");
    assertRefused(b -> b.peerTls(rogue.certFile(), rogue.keyFile(), both));
  }

  @Test
  void aNodeConnectingToAnAddressRefusesACertificateThatDoesNotNameIt() throws Exception {
    // the right CA, but issued for another host: whoever dials node 3's address refuses it (an
    // impostor there gets no connection); node 3 itself can still dial the others, whose
    // certificates name their addresses, so it may even lead: the check guards the dialling side
    TestCertificates.Issued elsewhere = ca.issue("elsewhere-3", "dns:elsewhere.invalid");
    start(b -> b.peerTls(elsewhere.certFile(), elsewhere.keyFile(), ca.caFile()));
    PeerTls member = client(nodes.get(1), ca.caFile(), "member");
    assertThat(probe(member, 3).isOk()).as("dialling the misnamed node").isFalse();
    assertThat(probe(member, 1).isOk()).as("dialling a node whose certificate names its address").isTrue();
  }

  @Test
  void aPeerWithoutTlsGetsNothing() throws Exception {
    assertRefused(b -> b);
  }

  private void assertRefused(java.util.function.UnaryOperator<io.committed.CommittedBuilder> third) throws Exception {
    int leader = start(third);
    assertThat(leader).isNotEqualTo(3);
    RaftCluster.write(cluster.log(leader), "k", 20);
    long last = cluster.log(leader).lastIndex();
    int other = leader == 1 ? 2 : 1;
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.log(other).lastIndex() >= last);
    // several election timeouts: node 3 applies nothing, the group goes on without it
    CommittedLog refused = cluster.log(3);
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> refused.lastIndex() == 0);
    assertThat(cluster.log(leader).status().role()).isEqualTo(io.committed.NodeRole.LEADER);
  }

  @Test
  void certificatesAndTheCaAreRotatedWhileTheGroupRuns() throws Exception {
    // each node reads copies it owns, replaced by renames as a deployment tool would
    Map<Integer, Path[]> files = new TreeMap<>();
    for (int id = 1; id <= 3; id++) {
      Path d = Files.createDirectories(dir.resolve("tls-" + id));
      Path cert = d.resolve("cert.pem");
      Path key = d.resolve("key.pem");
      Path caFile = d.resolve("ca.pem");
      Files.copy(nodes.get(id).certFile(), cert);
      Files.copy(nodes.get(id).keyFile(), key);
      Files.copy(ca.caFile(), caFile);
      files.put(id, new Path[] {cert, key, caFile});
    }
    cluster = new RaftCluster(dir, 3).customizeEach((id, b) -> b.engineOption("leaderWaitMs", "5000")
        .peerTls(files.get(id)[0], files.get(id)[1], files.get(id)[2]));
    proxies = cluster.withProxies();
    int leader = cluster.startAll().awaitLeader();
    LogFixtures.defineTypes(cluster.log(leader), "t");
    RaftCluster.write(cluster.log(leader), "before-", 20);
    PeerTls oldClient = client(nodes.get(1), ca.caFile(), "old");
    assertThat(probe(oldClient, 1).isOk()).as("a client of the first CA").isTrue();

    // 1. every node trusts both CAs; 2. every node gets a certificate of the new CA; 3. the old CA goes
    Path both = dir.resolve("both.pem");
    Files.writeString(both, Files.readString(ca.caFile()) + Files.readString(otherCa.caFile()));
    for (int id = 1; id <= 3; id++) {
      replace(both, files.get(id)[2]);
    }
    for (int id = 1; id <= 3; id++) {
      TestCertificates.Issued next = otherCa.issue("next-" + id, "ip:127.0.0.1");
      replace(next.keyFile(), files.get(id)[1]); // key first: until the certificate follows, the old pair stays
      replace(next.certFile(), files.get(id)[0]);
    }
    for (int id = 1; id <= 3; id++) {
      replace(otherCa.caFile(), files.get(id)[2]);
    }
    // connections made before stay up; new ones use the new files
    proxies.values().forEach(FaultyProxy::cut);
    proxies.values().forEach(FaultyProxy::heal);
    leader = cluster.awaitLeader();
    int follower = leader == 1 ? 2 : 1;
    RaftCluster.write(cluster.log(follower), "after-", 20);
    cluster.awaitConverged(cluster.log(leader).lastIndex());
    for (CommittedLog l : cluster.running().values()) {
      assertThat(l.lastIndex()).isEqualTo(cluster.log(leader).lastIndex());
    }
    assertThat(probe(oldClient, 1).isOk()).as("a client of the CA that was removed").isFalse();
    PeerTls newClient = client(otherCa.issue("new-client", "ip:127.0.0.1"), otherCa.caFile(), "new");
    for (int id = 1; id <= 3; id++) {
      assertThat(probe(newClient, id).isOk()).as("a client of the new CA, to node %s", id).isTrue();
    }
  }

  private static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static PeerTls client(TestCertificates.Issued cert, Path caFile, String name) {
    return new PeerTls(cert.certFile(), cert.keyFile(), caFile, "probe-" + name);
  }

  /** Asks node {@code id} who leads, over a new connection speaking {@code tls}. */
  private Status probe(PeerTls tls, int id) {
    CliOptions options = new CliOptions();
    options.setTimeoutMs(3000);
    options.setMaxRetry(0);
    CliService cli = PeerTlsRpcFactory.withTls(tls, () -> RaftServiceFactory.createAndInitCliService(options));
    try {
      Configuration conf = new Configuration();
      conf.addPeer(PeerAddress.peerId(id, cluster.address(id)));
      return cli.getLeader("committed", conf, new PeerId());
    } finally {
      cli.shutdown();
    }
  }
}
