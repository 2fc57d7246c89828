package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.entity.PeerId;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

  @Test
  void parsesHostPortAndConvertsToAndFromJraftPeers() {
    PeerAddress a = PeerAddress.parse(3, "10.0.0.7:9021");
    assertThat(a).isEqualTo(new PeerAddress(3, "10.0.0.7", 9021));
    PeerId p = a.peerId();
    assertThat(p.getIdx()).isEqualTo(3);
    assertThat(p.getEndpoint().getIp()).isEqualTo("10.0.0.7");
    assertThat(p.getEndpoint().getPort()).isEqualTo(9021);
    assertThat(PeerAddress.of(p)).isEqualTo(a);
    assertThat(PeerAddress.hostPort(p)).isEqualTo("10.0.0.7:9021");
  }

  @Test
  void takesIpv6InBracketsAndKeepsItWithoutThem() {
    PeerAddress a = PeerAddress.parse(1, "[::1]:9021");
    assertThat(a.host()).isEqualTo("::1");
    assertThat(a.port()).isEqualTo(9021);
    assertThat(a.hostPort()).isEqualTo("::1:9021");
  }

  @Test
  void refusesAnAddressWithoutAPort() {
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("localhost");
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost:http")).isInstanceOf(IllegalArgumentException.class);
  }
}
