package io.committed.raft;

import io.committed.NodeRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single node restarted with another advertised address (a container that got a new IP) takes
 * its place: before, JRaft kept the stored configuration with the old address and logged "can't do
 * preVote as it is not in conf" forever, the node never leading.
 */
class AddressChangeTest {
  @TempDir
  Path dir;

  @Test
  void aSingleNodeRestartedWithAnotherAddressLeadsAtTheNewOne() {
    String before = "127.0.0.1:" + RaftCluster.freePort();
    long first;
    try (CommittedLog log = node(before).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> log.status().role() == NodeRole.LEADER);
      LogFixtures.defineTypes(log, "t");
      first = log.proposeAndWait(Proposal.of(Entity.upsert("t", "k1", "{}")));
    }
    String after = "127.0.0.1:" + RaftCluster.freePort();
    try (CommittedLog log = node(after).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> log.status().role() == NodeRole.LEADER);
      assertThat(log.status().peers()).containsExactly(java.util.Map.entry(1, after));
      assertThat(log.read(first, 1)).hasSize(1);
      long second = log.proposeAndWait(Proposal.of(Entity.upsert("t", "k2", "{}")));
      assertThat(second).isEqualTo(first + 1);
    }
    // the new address is stored in the raft log (the leader's first entry carries its configuration)
    assertThat(storedVoters()).containsExactly("127.0.0.1:" + after.substring(after.indexOf(':') + 1) + ":1");
    try (CommittedLog log = node(after).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> log.status().role() == NodeRole.LEADER);
      assertThat(log.lastIndex()).isEqualTo(first + 1);
    }
  }

  /** The voters of the last configuration in the node's raft log, as JRaft writes them. */
  private java.util.List<String> storedVoters() {
    com.alipay.sofa.jraft.option.LogStorageOptions o = new com.alipay.sofa.jraft.option.LogStorageOptions();
    o.setGroupId("committed");
    o.setConfigurationManager(new com.alipay.sofa.jraft.conf.ConfigurationManager());
    o.setLogEntryCodecFactory(com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory.getInstance());
    com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage storage = new com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage(
        dir.resolve("raft").resolve("log").toString(), new com.alipay.sofa.jraft.option.RaftOptions());
    assertThat(storage.init(o)).isTrue();
    try {
      return o.getConfigurationManager().getLastConfiguration().getConf().getPeers().stream()
          .map(Object::toString).toList();
    } finally {
      storage.shutdown();
    }
  }

  private io.committed.CommittedBuilder node(String address) {
    return Committed.builder().nodeId(1).peers("1=" + address).dataDir(dir).engineOption("electionTimeoutMs", "500");
  }
}
