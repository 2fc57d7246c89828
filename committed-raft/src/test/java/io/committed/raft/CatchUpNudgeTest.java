package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CatchUpNudgeTest {
  private static final PeerId JOINING = PeerAddress.peerId(4, "127.0.0.1:9004");

  private final AtomicBoolean leader = new AtomicBoolean(true);
  private final List<ByteBuffer> appended = new CopyOnWriteArrayList<>();
  private final AtomicReference<Configuration> conf = new AtomicReference<>(new Configuration(List.of(
      PeerAddress.peerId(1, "127.0.0.1:9001"), PeerAddress.peerId(2, "127.0.0.1:9002"), PeerAddress.peerId(3, "127.0.0.1:9003"))));
  private final CatchUpNudge nudge = new CatchUpNudge(fakeNode(), conf::get, 1, "test-catch-up");

  private Node fakeNode() {
    return FakeNode.answering(Map.of(
        "isLeader", args -> leader.get(),
        "apply", args -> {
          appended.add(((Task) args[0]).getData());
          return null;
        }));
  }

  @AfterEach
  void close() {
    nudge.close();
  }

  @Test
  void appendsEntriesOfNoProposalsWhileANodeOutsideTheConfigurationCatchesUp() {
    nudge.onCreated(JOINING);
    await().atMost(Duration.ofSeconds(5)).until(() -> appended.size() >= 3);
    assertThat(appended).allSatisfy(data -> {
      assertThat(data.remaining()).isEqualTo(Integer.BYTES);
      assertThat(data.getInt(data.position())).isZero();
    });
  }

  @Test
  void stopsOnceTheConfigurationNamesTheNode() {
    nudge.onCreated(JOINING);
    await().atMost(Duration.ofSeconds(5)).until(() -> !appended.isEmpty());
    Configuration joint = conf.get().copy();
    joint.addPeer(JOINING);
    conf.set(joint);
    assertStill();
  }

  @Test
  void stopsWhenTheReplicatorStopsOrLeadershipMoves() {
    nudge.onCreated(JOINING);
    await().atMost(Duration.ofSeconds(5)).until(() -> !appended.isEmpty());
    nudge.onDestroyed(JOINING);
    assertStill();

    nudge.onCreated(JOINING);
    await().atMost(Duration.ofSeconds(5)).until(() -> appended.size() > 1);
    leader.set(false);
    assertStill();
  }

  @Test
  void leavesMembersFollowersAndStoppedReplicatorsAlone() {
    PeerId member = PeerAddress.peerId(2, "127.0.0.1:9002");
    nudge.onCreated(member); // a replicator after an election
    Configuration withLearner = conf.get().copy();
    withLearner.addLearner(PeerAddress.peerId(5, "127.0.0.1:9005"));
    conf.set(withLearner);
    nudge.onCreated(PeerAddress.peerId(5, "127.0.0.1:9005")); // a learner's replicator restarted
    nudge.onDestroyed(JOINING); // JRaft reported this stop before its start
    nudge.onCreated(JOINING);
    leader.set(false);
    nudge.onCreated(PeerAddress.peerId(6, "127.0.0.1:9006"));
    assertStill();
    assertThat(appended).isEmpty();
  }

  /** Waits until nothing has been appended for a while (a hundred periods of the nudge). */
  private void assertStill() {
    int[] seen = {-1};
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
      int now = appended.size();
      boolean still = now == seen[0];
      seen[0] = now;
      return still;
    });
  }
}
