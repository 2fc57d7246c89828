package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
