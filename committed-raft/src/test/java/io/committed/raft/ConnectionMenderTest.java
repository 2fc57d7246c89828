package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Status;
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
  private final AtomicLong clock = new AtomicLong(1_000);
  private final ClientService rpc = (ClientService) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {ClientService.class}, (p, method, args) -> {
        if (method.getName().equals("disconnect")) {
          disconnected.add((Endpoint) args[0]);
          return true;
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

  @Test
  void doesNothingOnceClosed() {
    ConnectionMender mender = new ConnectionMender(() -> rpc, clock::get, "mend-test");
    mender.close();
    mender.onError(peer, noConnection(peer));
    assertThat(disconnected).isEmpty();
  }
}
