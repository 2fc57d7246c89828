package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerSettingsTest {

  @Test
  void belowDebugTheRaftTransportLogsNothingAndJettyOnlyWarnings() {
    String bolt = "org.slf4j.simpleLogger.log.com.alipay.sofa.common.log";
    assertThat(Main.loggingDefaults("info")).containsEntry(bolt, "off")
        .containsEntry("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn")
        .containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "info");
    assertThat(Main.loggingDefaults("debug")).doesNotContainKey(bolt)
        .containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "debug");
  }

  @Test
  void theDefaultsAreTheOriginals() {
    ServerSettings s = ServerSettings.fromEnvironment(Map.of());
    assertThat(s.nodeId()).isEqualTo(1);
    assertThat(s.apiHost()).isEmpty();
    assertThat(s.apiPort()).isEqualTo(8080);
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.peers()).containsExactly(Map.entry(1, "127.0.0.1:9022"));
    assertThat(s.engine()).isEqualTo(ServerSettings.Engine.RAFT);
    assertThat(s.apiToken()).isEmpty();
    assertThat(s.tls()).isFalse();
    assertThat(s.maxProposalBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(s.maxRequestBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.metricsEnabled()).isTrue();
    assertThat(s.warnings()).isEmpty();
    for (Map.Entry<String, String> v : ServerSettings.VARIABLES) {
      if (!v.getValue().isEmpty()) {
        assertThat(ServerSettings.fromEnvironment(Map.of(v.getKey(), v.getValue())).toString())
            .as("the documented default of %s", v.getKey()).isEqualTo(s.toString());
      }
    }
  }

  @Test
  void theReadyApplyStallTimeoutIsReadAndDefaultsToThirtySeconds() {
    assertThat(ServerSettings.fromEnvironment(Map.of()).readyApplyStallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ServerSettings.fromEnvironment(Map.of("COMMITTED_READY_APPLY_STALL_TIMEOUT", "45s"))
        .readyApplyStallTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void valuesAreRead() {
    ServerSettings s = ServerSettings.fromEnvironment(Map.of(
        "COMMITTED_NODE_ID", "2",
        "COMMITTED_API_ADDR", "[::1]:9000",
        "COMMITTED_PEERS", "1=http://n1:9022, 2=n2:9022/,3=n3:9022",
        "COMMITTED_ENGINE", "MEMORY",
        "COMMITTED_API_TOKEN", "t0ken",
        "COMMITTED_MAX_PROPOSAL_BYTES", "1MiB",
        "COMMITTED_SHUTDOWN_TIMEOUT", "1m30s",
        "COMMITTED_METRICS_ENABLED", "off",
        "COMMITTED_API_TOKNE", "typo"));
    assertThat(s.nodeId()).isEqualTo(2);
    assertThat(s.apiHost()).contains("::1");
    assertThat(s.apiPort()).isEqualTo(9000);
    assertThat(s.peers()).containsExactly(Map.entry(1, "n1:9022"), Map.entry(2, "n2:9022"), Map.entry(3, "n3:9022"));
    assertThat(s.engine()).isEqualTo(ServerSettings.Engine.MEMORY);
    assertThat(s.apiToken()).contains("t0ken");
    assertThat(s.toString()).doesNotContain("t0ken");
    assertThat(s.maxProposalBytes()).isEqualTo(1024 * 1024);
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.metricsEnabled()).isFalse();
    assertThat(s.warnings()).singleElement().asString().contains("COMMITTED_API_TOKNE");
    assertThat(ServerSettings.fromEnvironment(Map.of("COMMITTED_API_ADDR", "0.0.0.0:0")).apiPort()).isZero();
    ServerSettings anyInterface = ServerSettings.fromEnvironment(Map.of("COMMITTED_API_ADDR", ":8081"));
    assertThat(anyInterface.apiHost()).isEmpty();
    assertThat(anyInterface.apiPort()).isEqualTo(8081);
    assertThat(ServerSettings.fromEnvironment(Map.of("COMMITTED_PEERS", "1=[::1]:9022")).peers())
        .containsExactly(Map.entry(1, "[::1]:9022"));
    assertThat(ServerSettings.fromEnvironment(Map.of("COMMITTED_PEER_URL", "https://me:7000/")).peers())
        .containsExactly(Map.entry(1, "me:7000"));
  }

  @Test
  void theRaftVariablesAreReadAndIgnoredWithAWarningByTheInMemoryEngine() {
    ServerSettings s = ServerSettings.fromEnvironment(Map.of(
        "COMMITTED_NODE_ID", "4",
        "COMMITTED_PEER_URL", "127.0.0.1:9024",
        "COMMITTED_JOIN", "true",
        "COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "600",
        "COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", "60",
        "COMMITTED_RAFT_LISTEN_ADDR", "0.0.0.0:19024"));
    assertThat(s.join()).isTrue();
    assertThat(s.raftListenAddress()).contains("0.0.0.0:19024");
    assertThat(s.electionTimeoutMs()).isEqualTo(600);
    assertThat(s.snapshotIntervalSeconds()).isEqualTo(60);
    assertThat(s.peers()).containsExactly(Map.entry(4, "127.0.0.1:9024"));
    assertThat(s.toString()).contains("(joining)", "600 ms", "60 s");
    assertThat(s.warnings()).isEmpty();
    ServerSettings defaults = ServerSettings.fromEnvironment(Map.of());
    assertThat(defaults.join()).isFalse();
    assertThat(defaults.electionTimeoutMs()).isEqualTo(1000);
    assertThat(defaults.snapshotIntervalSeconds()).isEqualTo(300);
    assertThat(defaults.raftListenAddress()).isEmpty();
    ServerSettings memory = ServerSettings.fromEnvironment(Map.of("COMMITTED_ENGINE", "memory", "COMMITTED_JOIN", "true"));
    assertThat(memory.warnings()).singleElement().asString().contains("COMMITTED_JOIN", "COMMITTED_ENGINE=raft");
    assertThat(ServerSettings.fromEnvironment(Map.of("COMMITTED_ENGINE", "memory", "COMMITTED_RAFT_LISTEN_ADDR",
        "0.0.0.0:1")).warnings()).singleElement().asString().contains("COMMITTED_RAFT_LISTEN_ADDR is ignored");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("COMMITTED_NODE_ID", "0"),
        Arguments.of("COMMITTED_NODE_ID", "x"),
        Arguments.of("COMMITTED_API_ADDR", "8080"),
        Arguments.of("COMMITTED_API_ADDR", "host:99999"),
        Arguments.of("COMMITTED_API_ADDR", "a b:80"),
        Arguments.of("COMMITTED_API_ADDR", "::1:9000"),
        Arguments.of("COMMITTED_API_ADDR", ":http"),
        Arguments.of("COMMITTED_PEERS", "1=::1:9022"),
        Arguments.of("COMMITTED_PEERS", "1=n1"),
        Arguments.of("COMMITTED_PEERS", "n1:9022"),
        Arguments.of("COMMITTED_PEERS", "1=n1:9022,1=n2:9022"),
        Arguments.of("COMMITTED_PEERS", "2=n2:9022,3=n3:9022"),
        Arguments.of("COMMITTED_PEER_URL", "http://nowhere"),
        Arguments.of("COMMITTED_ENGINE", "etcd"),
        Arguments.of("COMMITTED_JOIN", "maybe"),
        Arguments.of("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "50"),
        Arguments.of("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "1s"),
        Arguments.of("COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", "0"),
        Arguments.of("COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", "100000"),
        Arguments.of("COMMITTED_RAFT_LISTEN_ADDR", "9022"),
        Arguments.of("COMMITTED_RAFT_LISTEN_ADDR", "host:70000"),
        Arguments.of("COMMITTED_MAX_PROPOSAL_BYTES", "12"),
        Arguments.of("COMMITTED_MAX_PROPOSAL_BYTES", "lots"),
        Arguments.of("COMMITTED_HTTP_READ_TIMEOUT", "30"),
        Arguments.of("COMMITTED_HTTP_WRITE_TIMEOUT", "0s"),
        Arguments.of("COMMITTED_HTTP_IDLE_TIMEOUT", "soon"),
        Arguments.of("COMMITTED_SHUTDOWN_TIMEOUT", "-5s"),
        Arguments.of("COMMITTED_READY_APPLY_STALL_TIMEOUT", "0s"),
        Arguments.of("COMMITTED_METRICS_ENABLED", "sometimes"),
        Arguments.of("COMMITTED_LOG_LEVEL", "loud"),
        Arguments.of("COMMITTED_HTTP_TLS_CERT_FILE", "cert.pem"),
        Arguments.of("COMMITTED_HTTP_TLS_KEY_FILE", "key.pem"),
        Arguments.of("COMMITTED_HTTP_TLS_CLIENT_CA_FILE", "ca.pem"),
        Arguments.of("COMMITTED_TLS_CERT_FILE", "cert.pem"),
        Arguments.of("COMMITTED_TLS_KEY_FILE", "key.pem"),
        Arguments.of("COMMITTED_TLS_CA_FILE", "ca.pem"));
  }

  @Test
  void peerTlsFilesAreReadAtStartAndAnUnusableOneNamesItsVariable(@TempDir Path dir) {
    TestCertificates ca = TestCertificates.authority(dir.resolve("ca"), "Test CA");
    TestCertificates.Issued node = ca.issue("node-1", "ip:127.0.0.1");
    Map<String, String> env = Map.of("COMMITTED_TLS_CERT_FILE", node.certFile().toString(),
        "COMMITTED_TLS_KEY_FILE", node.keyFile().toString(), "COMMITTED_TLS_CA_FILE", ca.caFile().toString());
    ServerSettings s = ServerSettings.fromEnvironment(env);
    assertThat(s.peerTlsCertFile()).contains(node.certFile());
    assertThat(s.toString()).contains("peer TLS on");
    assertThat(s.warnings()).isEmpty();

    Map<String, String> wrongKey = new java.util.HashMap<>(env);
    wrongKey.put("COMMITTED_TLS_KEY_FILE", ca.issue("node-2").keyFile().toString());
    assertThatThrownBy(() -> ServerSettings.fromEnvironment(wrongKey)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("COMMITTED_TLS_KEY_FILE").hasMessageContaining("does not match");
    Map<String, String> noCa = new java.util.HashMap<>(env);
    noCa.put("COMMITTED_TLS_CA_FILE", dir.resolve("absent.pem").toString());
    assertThatThrownBy(() -> ServerSettings.fromEnvironment(noCa)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("COMMITTED_TLS_CA_FILE").hasMessageContaining("cannot be read");

    Map<String, String> memory = new java.util.HashMap<>(env);
    memory.put("COMMITTED_ENGINE", "memory");
    assertThat(ServerSettings.fromEnvironment(memory).warnings())
        .anyMatch(w -> w.startsWith("COMMITTED_TLS_CA_FILE is ignored"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("invalid")
  void anInvalidValueNamesItsVariable(String variable, String value) {
    assertThatThrownBy(() -> ServerSettings.fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(variable.startsWith("COMMITTED_HTTP_TLS") ? "COMMITTED_HTTP_TLS" : variable)
        .satisfies(e -> assertThat(((ConfigException) e).field().orElseThrow()).startsWith("COMMITTED_"));
  }
}
