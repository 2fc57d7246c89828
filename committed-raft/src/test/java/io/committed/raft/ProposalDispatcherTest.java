package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import io.committed.api.LogClosedException;
import io.committed.api.NotLeaderException;
import io.committed.engine.ApplyResult;
import io.committed.engine.EngineLifecycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher against a fake raft node and a manual timer: nothing waits on a real delay. */
class ProposalDispatcherTest {
  private static final PeerId SELF = PeerAddress.peerId(1, "127.0.0.1:9001");
  private static final PeerId OTHER = PeerAddress.peerId(2, "127.0.0.1:9002");

  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicReference<PeerId> leaderId = new AtomicReference<>(PeerId.emptyPeer());
  private final List<Task> proposed = new CopyOnWriteArrayList<>();
  private final List<List<PendingCommand>> forwarded = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ManualTimer timer = new ManualTimer();
  private final EngineLifecycle lifecycle = new EngineLifecycle("g", "test-callbacks");
  private final NodeContext context = new NodeContext("g", SELF, RaftSettings.parse(Map.of("leaderWaitMs", "1000")),
      lifecycle, new NodeFailure(), timer.executor, clock::get, this::fakeNode);
  private final ProposalDispatcher dispatcher = new ProposalDispatcher(context,
      (to, batch, again) -> forwarded.add(batch), 10);

  private Node fakeNode() {
    return FakeNode.answering(Map.of(
        "isLeader", args -> leader.get(),
        "getLeaderId", args -> leaderId.get(),
        "apply", args -> {
          proposed.add((Task) args[0]);
          return null;
        }));
  }

  @AfterEach
  void close() {
    lifecycle.close();
    dispatcher.close();
    lifecycle.shutdownCallbacks();
  }

  private PendingCommand submit(String command) {
    PendingCommand p = new PendingCommand(command.getBytes(), context.leaderWaitDeadline(), false);
    dispatcher.submit(p);
    return p;
  }

  @Test
  void proposalsThatFoundNoLeaderGoToTheLeaderAsSoonAsOneIsKnown() {
    dispatcher.start();
    PendingCommand p = submit("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.waitingForLeader() == 1);
    assertThat(forwarded).isEmpty();
    assertThat(timer.scheduled()).extracting(ManualTimer.Task::delayMillis).containsExactly(10L);

    leaderId.set(OTHER);
    dispatcher.leaderKnown(); // the timer's retry never runs in this test
    await().atMost(Duration.ofSeconds(5)).until(() -> forwarded.size() == 1);
    assertThat(forwarded.get(0)).containsExactly(p);
    assertThat(dispatcher.waitingForLeader()).isZero();
  }

  @Test
  void proposalsWaitingForALeaderAreRoutedAgainWhenTheRetryComesDue() {
    dispatcher.start();
    PendingCommand p = submit("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.waitingForLeader() == 1);
    leaderId.set(OTHER); // known, but nobody told the dispatcher
    timer.runDue();
    await().atMost(Duration.ofSeconds(5)).until(() -> forwarded.size() == 1);
    assertThat(forwarded.get(0)).containsExactly(p);
  }

  @Test
  void proposalsPastTheirDeadlineFailAsNotLeader() {
    dispatcher.start();
    PendingCommand p = submit("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.waitingForLeader() == 1);
    clock.addAndGet(Duration.ofMillis(1001).toNanos());
    timer.runDue();
    await().atMost(Duration.ofSeconds(5)).until(p.future::isDone);
    assertThat(p.future).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(NotLeaderException.class).withMessageContaining("no leader of group 'g' answered");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void theLeaderProposesWhatWaitsAsOneEntryAndCompletesEachCommand() throws Exception {
    leader.set(true);
    PendingCommand a = submit("a");
    PendingCommand b = submit("bb");
    dispatcher.start(); // both wait in the queue: one entry
    await().atMost(Duration.ofSeconds(5)).until(() -> proposed.size() == 1);
    Task task = proposed.get(0);
    List<String> commands = new ArrayList<>();
    RaftEntries.decode(task.getData(), (position, command) -> commands.add(new String(command)));
    assertThat(commands).containsExactly("a", "bb");

    ProposalDispatcher.BatchClosure done = (ProposalDispatcher.BatchClosure) task.getDone();
    done.applied(0, new PendingCommand.Applied(ApplyResult.ok(7), RaftEntries.engineIndex(5, 0)));
    done.applied(1, new PendingCommand.Applied(ApplyResult.ok(8), RaftEntries.engineIndex(5, 1)));
    done.run(Status.OK());
    assertThat(a.future.get(5, java.util.concurrent.TimeUnit.SECONDS).engineIndex()).isEqualTo(5L << 16);
    assertThat(b.future.get(5, java.util.concurrent.TimeUnit.SECONDS).result().value()).isEqualTo(8);
    assertThat(dispatcher.awaitNoEntriesInFlight(0, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anEntryRefusedAsBusyIsProposedAgainWhenTheRetryComesDue() {
    leader.set(true);
    dispatcher.start();
    PendingCommand p = submit("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> proposed.size() == 1);
    proposed.get(0).getDone().run(new Status(RaftError.EBUSY, "busy"));
    assertThat(p.future).isNotDone();
    assertThat(dispatcher.waitingForLeader()).isEqualTo(1);
    timer.runDue();
    await().atMost(Duration.ofSeconds(5)).until(() -> proposed.size() == 2);
  }

  @Test
  void closeFailsWhatWaitsAsClosed() {
    dispatcher.start();
    PendingCommand p = submit("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.waitingForLeader() == 1);
    lifecycle.close();
    dispatcher.close();
    assertThat(p.future).isCompletedExceptionally();
    assertThat(p.future.handle((v, e) -> e).join()).isInstanceOf(LogClosedException.class);
    PendingCommand late = submit("b");
    assertThat(late.future).isCompletedExceptionally();
  }

  @Test
  void aForwardedProposalIsNotForwardedAgain() {
    leaderId.set(OTHER);
    dispatcher.start();
    PendingCommand p = new PendingCommand("a".getBytes(), context.leaderWaitDeadline(), true);
    dispatcher.submit(p);
    await().atMost(Duration.ofSeconds(5)).until(p.future::isDone);
    assertThat(p.future).isCompletedExceptionally();
    assertThat(p.future.handle((v, e) -> e instanceof CompletionException c ? c.getCause() : e).join())
        .isInstanceOf(NotLeaderException.class);
    assertThat(forwarded).isEmpty();
  }
}
