package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import io.committed.engine.ApplyResult;
import io.committed.engine.EngineLifecycle;
import io.committed.engine.ReplicatedStateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JRaft's leadership callbacks as the engine's close and the dispatcher see them. */
class RaftStateMachineTest {
  private static final PeerId SELF = PeerAddress.peerId(1, "127.0.0.1:9001");

  private final EngineLifecycle lifecycle = new EngineLifecycle("g", "test-callbacks");
  private final NodeContext context = new NodeContext("g", SELF, RaftSettings.parse(Map.of()), lifecycle,
      new NodeFailure(), Executors.newSingleThreadScheduledExecutor(), System::nanoTime, () -> null);
  private final AtomicInteger leaderKnown = new AtomicInteger();
  private final List<Boolean> leadership = new CopyOnWriteArrayList<>();
  private final RaftStateMachine fsm = new RaftStateMachine(context, new AppliedWaiters(System::nanoTime), null,
      leaderKnown::incrementAndGet);

  {
    fsm.attach(new ReplicatedStateMachine() {
      @Override
      public ApplyResult apply(long engineIndex, byte[] command) {
        throw new UnsupportedOperationException();
      }

      @Override
      public long lastAppliedEngineIndex() {
        return 0;
      }

      @Override
      public void snapshot(OutputStream out) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void restore(InputStream in) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void leadershipChanged(boolean leader) {
        leadership.add(leader);
      }

      @Override
      public byte[] noOpCommand() {
        throw new UnsupportedOperationException();
      }
    }, new Configuration(List.of(SELF)));
  }

  @AfterEach
  void stop() {
    context.timer().shutdownNow();
    lifecycle.shutdownCallbacks();
  }

  @Test
  void closeWaitsUntilLeadershipHasStopped() throws Exception {
    assertThat(fsm.awaitNotLeader(0, TimeUnit.SECONDS)).isTrue();
    fsm.onLeaderStart(4);
    assertThat(fsm.isLeader()).isTrue();
    assertThat(fsm.term()).isEqualTo(4);
    assertThat(fsm.awaitNotLeader(1, TimeUnit.MILLISECONDS)).isFalse();
    CompletableFuture<Boolean> handedOver = new CompletableFuture<>();
    Thread closer = new Thread(() -> {
      try {
        handedOver.complete(fsm.awaitNotLeader(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        handedOver.completeExceptionally(e);
      }
    });
    closer.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    assertThat(handedOver).isNotDone();
    fsm.onLeaderStop(new Status(RaftError.ETRANSFERLEADERSHIP, "transferring"));
    assertThat(handedOver.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(leadership).containsExactly(true, false);
  }

  @Test
  void tellsTheDispatcherWhenALeaderIsKnown() {
    fsm.onLeaderStart(2);
    fsm.onStartFollowing(new LeaderChangeContext(PeerAddress.peerId(2, "127.0.0.1:9002"), 3, Status.OK()));
    assertThat(leaderKnown).hasValue(2);
    assertThat(fsm.term()).isEqualTo(3);
  }

  @Test
  void reportsTheInitialConfigurationUntilOneIsCommitted() {
    assertThat(fsm.committedConfiguration().getPeers()).containsExactly(SELF);
    PeerId two = PeerAddress.peerId(2, "127.0.0.1:9002");
    fsm.onConfigurationCommitted(new Configuration(List.of(SELF, two)));
    assertThat(fsm.committedConfiguration().getPeers()).containsExactly(SELF, two);
  }
}
