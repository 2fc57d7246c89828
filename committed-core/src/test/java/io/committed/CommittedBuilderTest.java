package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.api.HostPort;
import io.committed.engine.EngineConfig;
import io.committed.testplugins.CapturingEngineFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each setter checks its value at once and names the setting. */
class CommittedBuilderTest {

  private static void refused(Runnable setter, String setting, String... inMessage) {
    assertThatThrownBy(setter::run).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.field()).contains(setting)).hasMessageContainingAll(inMessage);
  }

  @Test
  void peersAreHostPortPairsIpv6InBrackets() {
    CommittedBuilder b = Committed.builder();
    b.peers("1=10.0.0.1:9021, 2=http://n2:9021/,3=[::1]:9023");
    b.peers(Map.of(1, "[fe80::1]:9021"));
    refused(() -> b.peers("1=::1:9021"), "peers", "node 1", "brackets");
    refused(() -> b.peers("1=n1:65536"), "peers", "node 1", "65536");
    refused(() -> b.peers("1=n1:0"), "peers", "port 0");
    refused(() -> b.peers("1=n1"), "peers", "port is missing");
    refused(() -> b.peers("1=n 1:9021"), "peers", "' '");
    refused(() -> b.peers("n1:9021"), "peers", "id=host:port");
    refused(() -> b.peers("1=n1:9021,1=n2:9021"), "peers", "twice");
  }

  @Test
  void inMemoryRefusesSettingsItWouldIgnoreNamingThem() {
    refused(() -> Committed.builder().inMemory().dataDir(Path.of("data")).start(), "inMemory", "dataDir");
    refused(() -> Committed.builder().inMemory().peers("1=n1:9021").start(), "inMemory", "peers");
    refused(() -> Committed.builder().inMemory().engine("raft").start(), "inMemory", "engine");
    refused(() -> Committed.builder().inMemory().join(true).engineOption("maxBatchCommands", "1").start(),
        "inMemory", "join, engineOption(maxBatchCommands)");
    refused(() -> Committed.builder().dataDir(Path.of("data")).peers("1=n1:9021").electionTimeout(Duration.ofSeconds(2))
        .inMemory().start(), "inMemory", "inMemory() cannot be combined with dataDir, peers, electionTimeout:");
    try (CommittedLog log = Committed.builder().inMemory().nodeId(3).groupId("g").start()) {
      assertThat(log.status().nodeId()).isEqualTo(3);
    }
  }

  private static EngineConfig engineConfig(CommittedBuilder b, Path dir) {
    try {
      b.classLoader(CapturingEngineFactory.loader(dir)).start().close();
    } catch (CapturingEngineFactory.Captured c) {
      return c.config();
    }
    throw new AssertionError("the capturing engine was not used");
  }

  @Test
  void typedRaftSettingsBecomeTheEngineOptionsTheRaftEngineReads(@TempDir Path dir) {
    EngineConfig config = engineConfig(Committed.builder().peers("1=n1:9021").dataDir(dir.resolve("data"))
        .join(true).electionTimeout(Duration.ofMillis(750)).snapshotInterval(Duration.ofMinutes(2))
        .listenAddress("[::]:9021").engineOption("maxBatchCommands", "8"), dir);
    assertThat(config.options()).containsExactlyInAnyOrderEntriesOf(Map.of("join", "true", "electionTimeoutMs", "750",
        "snapshotIntervalSeconds", "120", "listenAddress", "[::]:9021", "maxBatchCommands", "8"));
    assertThat(config.peers()).containsExactly(Map.entry(1, "n1:9021"));
  }

  @Test
  void theLastCallForAnEngineOptionWins(@TempDir Path dir) {
    EngineConfig config = engineConfig(Committed.builder().engineOption("electionTimeoutMs", "300")
        .electionTimeout(Duration.ofSeconds(2)).join(true).engineOption("join", "false"), dir);
    assertThat(config.options()).containsEntry("electionTimeoutMs", "2000").containsEntry("join", "false");
  }

  @Test
  void typedRaftSettingsCheckTheirValues() {
    CommittedBuilder b = Committed.builder();
    b.electionTimeout(Duration.ofMillis(100)).electionTimeout(Duration.ofMinutes(1));
    b.snapshotInterval(Duration.ofSeconds(1)).snapshotInterval(Duration.ofDays(1));
    refused(() -> b.electionTimeout(Duration.ofMillis(99)), "electionTimeout", "100 ms to 1 minute", "PT0.099S");
    refused(() -> b.electionTimeout(Duration.ofSeconds(61)), "electionTimeout", "PT1M1S");
    refused(() -> b.electionTimeout(Duration.ofNanos(150_000_500)), "electionTimeout", "whole milliseconds");
    refused(() -> b.electionTimeout(null), "electionTimeout", "null");
    refused(() -> b.snapshotInterval(Duration.ofMillis(1500)), "snapshotInterval", "whole seconds");
    refused(() -> b.snapshotInterval(Duration.ofDays(2)), "snapshotInterval", "1 day");
    refused(() -> b.snapshotInterval(Duration.ZERO), "snapshotInterval", "PT0S");
    refused(() -> b.listenAddress("::1:9021"), "listenAddress", "brackets");
    refused(() -> b.listenAddress(new HostPort("n1", 0)), "listenAddress", "1 to 65535");
    refused(() -> b.listenAddress((HostPort) null), "listenAddress", "null");
  }
}
