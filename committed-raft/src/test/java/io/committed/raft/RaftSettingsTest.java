package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The options as the builder's typed raft setters write them ({@code join}, {@code electionTimeout},
 * {@code snapshotInterval}, {@code listenAddress}; see CommittedBuilderTest in core): the keys
 * this engine reads, and the builder's bounds within the engine's.
 */
class RaftSettingsTest {

  @Test
  void readsWhatTheBuildersTypedSettersWriteAtTheirBounds() {
    RaftSettings low = RaftSettings.parse(Map.of("join", "true", "electionTimeoutMs", "100",
        "snapshotIntervalSeconds", "1", "listenAddress", "[::]:9021"));
    assertThat(low.join()).isTrue();
    assertThat(low.electionTimeoutMs()).isEqualTo(100);
    assertThat(low.snapshotIntervalSeconds()).isEqualTo(1);
    assertThat(low.listenAddress()).isEqualTo("[::]:9021");
    RaftSettings high = RaftSettings.parse(Map.of("join", "false", "electionTimeoutMs", "60000",
        "snapshotIntervalSeconds", "86400", "listenAddress", "0.0.0.0:9021"));
    assertThat(high.join()).isFalse();
    assertThat(high.electionTimeoutMs()).isEqualTo(60_000);
    assertThat(high.snapshotIntervalSeconds()).isEqualTo(86_400);
    assertThat(RaftSettings.parse(Map.of()).listenAddress()).isNull();
  }

  @Test
  void refusesUnknownKeysAndBadAddresses() {
    assertThatThrownBy(() -> RaftSettings.parse(Map.of("electionTimeout", "1000"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("no option 'electionTimeout'");
    assertThatThrownBy(() -> RaftSettings.parse(Map.of("listenAddress", "::1:9021")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("brackets");
    assertThatThrownBy(() -> RaftSettings.parse(Map.of("listenAddress", "n1:0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("0 is not one");
  }

  @Test
  void theThreeTlsFilesComeTogether() {
    assertThat(RaftSettings.parse(Map.of()).tlsCertFile()).isNull();
    RaftSettings on = RaftSettings.parse(Map.of("tlsCertFile", "c.pem", "tlsKeyFile", "k.pem", "tlsCaFile", "ca.pem"));
    assertThat(java.util.List.of(on.tlsCertFile(), on.tlsKeyFile(), on.tlsCaFile()))
        .containsExactly("c.pem", "k.pem", "ca.pem");
    for (String missing : new String[] {"tlsCertFile", "tlsKeyFile", "tlsCaFile"}) {
      Map<String, String> two = new java.util.HashMap<>(Map.of("tlsCertFile", "c.pem", "tlsKeyFile", "k.pem",
          "tlsCaFile", "ca.pem"));
      two.remove(missing);
      assertThatThrownBy(() -> RaftSettings.parse(two)).as("without %s", missing).isInstanceOf(ConfigException.class)
          .hasMessageContaining("set all three or none");
    }
  }
}
