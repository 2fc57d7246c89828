package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.NodeId;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.rpc.ClientService;
import com.alipay.sofa.jraft.util.Endpoint;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionMenderTest {
  private final List<Endpoint> disconnected = new CopyOnWriteArrayList<>();
  private final List<Endpoint> connected = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final ClientService rpc = (ClientService) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {ClientService.class}, (p, method, args) -> {
        if (method.getName().equals("disconnect")) {
          disconnected.add((Endpoint) args[0]);
          return true;
        }
        if (method.getName().equals("isConnected")) {
          return connected.contains((Endpoint) args[0]);
        }
        throw new UnsupportedOperationException(method.getName());
      });
  private final PeerId peer = new PeerId(new Endpoint("127.0.0.1", 9022), 2);
  private final PeerId other = new PeerId(new Endpoint("127.0.0.1", 9023), 3);

  private static Status noConnection(PeerId p) {
    return new Status(RaftError.EINTERNAL, "Check connection[%s] fail and try to create new one", p.getEndpoint());
  }

  @Test
  void dropsTheConnectionPoolOfAFollowerItCannotReachAtMostOnceASecond() {
    try (ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test")) {
      mender.onError(peer, noConnection(peer));
      mender.onError(peer, noConnection(peer));
      mender.onError(other, noConnection(other));
      await().atMost(Duration.ofSeconds(5)).until(() -> disconnected.size() == 2);
      assertThat(disconnected).containsExactlyInAnyOrder(peer.getEndpoint(), other.getEndpoint());

      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
      mender.onError(peer, noConnection(peer));
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
      mender.onError(peer, noConnection(peer));
      await().atMost(Duration.ofSeconds(5)).until(() -> disconnected.size() == 3);
      assertThat(disconnected.get(2)).isEqualTo(peer.getEndpoint());
    }
  }

  @Test
  void leavesConnectionsAloneOnOtherErrors() throws Exception {
    try (ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test")) {
      mender.onError(peer, new Status(RaftError.ETIMEDOUT, "Rpc invocation timeout"));
      mender.onError(peer, new Status(RaftError.EBUSY, "busy"));
      mender.onError(peer, null);
      mender.onError(peer, noConnection(peer)); // a marker: once it is done, the ones before were seen
      await().atMost(Duration.ofSeconds(5)).until(() -> !disconnected.isEmpty());
      assertThat(disconnected).containsExactly(peer.getEndpoint());
    }
  }

  /** A node that leads (or not) a group of self (1), {@link #peer} and {@link #other}. */
  private Node node(boolean leader) {
    PeerId self = new PeerId(new Endpoint("127.0.0.1", 9021), 1);
    return (Node) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Node.class},
        (p, method, args) -> switch (method.getName()) {
          case "isLeader" -> leader;
          case "getNodeId" -> new NodeId("g", self);
          case "listPeers" -> List.of(self, peer);
          case "listLearners" -> List.of(other);
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void aLeaderDropsThePoolOfAPeerItHasNoConnectionTo() {
    connected.add(peer.getEndpoint());
    try (ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test")) {
      mender.checkPeers(node(true));
      await().atMost(Duration.ofSeconds(5)).until(() -> !disconnected.isEmpty());
      mender.checkPeers(node(true)); // within the second: not again
      mender.onError(peer, noConnection(peer)); // a marker, after the second check was seen
      await().atMost(Duration.ofSeconds(5)).until(() -> disconnected.size() == 2);
      assertThat(disconnected).containsExactly(other.getEndpoint(), peer.getEndpoint());
    }
  }

  @Test
  void aFollowerLeavesPoolsToItsLeader() {
    try (ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test")) {
      mender.checkPeers(node(false));
      mender.checkPeers(null);
      mender.onError(peer, noConnection(peer)); // a marker
      await().atMost(Duration.ofSeconds(5)).until(() -> !disconnected.isEmpty());
      assertThat(disconnected).containsExactly(peer.getEndpoint());
    }
  }

  @Test
  void doesNothingOnceClosed() {
    ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test");
    mender.close();
    mender.onError(peer, noConnection(peer));
    assertThat(disconnected).isEmpty();
  }
}
