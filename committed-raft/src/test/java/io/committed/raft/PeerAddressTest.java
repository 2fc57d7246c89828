package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.entity.PeerId;
import io.committed.api.HostPort;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

  @Test
  void parsesHostPortAndConvertsToAndFromJraftPeers() {
    PeerAddress a = PeerAddress.parse(3, "10.0.0.7:9021");
    assertThat(a).isEqualTo(new PeerAddress(3, new HostPort("10.0.0.7", 9021)));
    PeerId p = a.peerId();
    assertThat(p.getIdx()).isEqualTo(3);
    assertThat(p.getEndpoint().getIp()).isEqualTo("10.0.0.7");
    assertThat(p.getEndpoint().getPort()).isEqualTo(9021);
    assertThat(PeerAddress.of(p)).isEqualTo(a);
    assertThat(PeerAddress.hostPort(p)).isEqualTo("10.0.0.7:9021");
  }

  @Test
  void takesIpv6InBracketsGivesJraftItWithoutAndReportsItWithThem() {
    PeerAddress a = PeerAddress.parse(1, "[::1]:9021");
    assertThat(a.address().host()).isEqualTo("::1");
    assertThat(a.endpoint().getIp()).isEqualTo("::1");
    assertThat(a.endpoint().getPort()).isEqualTo(9021);
    assertThat(PeerAddress.hostPort(a.peerId())).isEqualTo("[::1]:9021");
    assertThat(PeerAddress.parse(1, PeerAddress.hostPort(a.peerId()))).isEqualTo(a);
  }

  @Test
  void refusesAnAddressWithoutAPort() {
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("localhost");
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerAddress.parse(1, "localhost:http")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerAddress.parse(1, "::1:9021")).hasMessageContaining("brackets");
  }
}
