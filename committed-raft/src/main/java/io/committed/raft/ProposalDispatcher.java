package io.committed.raft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import io.committed.api.LogClosedException;
import io.committed.api.NotLeaderException;
import io.committed.api.RetriableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit. Submissions queue up; one dispatcher thread packs what is waiting (up to
 * {@code maxBatchCommands} / {@code maxBatchBytes}) into one raft entry while earlier entries are
 * in flight, so under load many proposals share one replication and one fsync, and with one
 * proposal in flight nothing waits. On a follower it hands the batch to the {@link Forwarder}.
 *
 * <p>Proposals that find no leader wait, without holding any thread, until the state machine
 * reports a leader ({@link #leaderKnown}) or a retry comes due on the node's timer; past their
 * deadline they fail with {@link NotLeaderException}.
 */
final class ProposalDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ProposalDispatcher.class);
  /** Queued to make the dispatcher look at the proposals waiting for a leader. */
  private static final PendingCommand WAKE = new PendingCommand(new byte[0], 0, false);

  /** Hands a batch to the leader ({@link Forwarder#forward}). */
  @FunctionalInterface
  interface Forwarding {
    /** Sends {@code batch} to {@code leader}; what the leader does not take goes to {@code again}. */
    void forward(PeerId leader, List<PendingCommand> batch, Consumer<List<PendingCommand>> again);
  }

  private final NodeContext node;
  private final Forwarding forwarder;
  private final long retryMillis;
  private final EntriesInFlight inFlight;
  private final LinkedBlockingQueue<PendingCommand> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<PendingCommand> waitingForLeader = new ArrayDeque<>();
  /** Set when the waiting proposals should be routed again (a leader is known, or the retry delay passed). */
  private final AtomicBoolean retryDue = new AtomicBoolean();
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  private volatile Thread thread;

  /** @param retryMillis how long proposals wait for a leader before they are routed again */
  ProposalDispatcher(NodeContext node, Forwarding forwarder, long retryMillis) {
    this.node = node;
    this.forwarder = forwarder;
    this.retryMillis = retryMillis;
    this.inFlight = new EntriesInFlight(node.settings().maxEntriesInFlight());
  }

  /** Starts the dispatcher thread, once the raft node exists. */
  void start() {
    Thread t = DaemonThreads.thread(this::dispatchLoop, "committed-raft-dispatch-" + node.groupId() + "-" + node.nodeId());
    thread = t;
    t.start();
  }

  /** Queues a command; any thread. */
  void submit(PendingCommand p) {
    if (node.lifecycle().isClosed()) {
      p.fail(node.lifecycle().closedException());
      return;
    }
    String fatal = node.failure().message();
    if (fatal != null) {
      p.fail(new LogClosedException(fatal));
      return;
    }
    queue.add(p);
    if (node.lifecycle().isClosed()) {
      failAll(node.lifecycle().closedException());
    }
  }

  /** The state machine learnt who leads (this node or another): route the waiting proposals now. */
  void leaderKnown() {
    synchronized (waitingForLeader) {
      if (waitingForLeader.isEmpty()) {
        return;
      }
    }
    wake();
  }

  private void wake() {
    retryDue.set(true);
    queue.add(WAKE);
  }

  /** Keeps proposals no leader took until a leader is known or the retry delay passes; any thread, never blocks. */
  void park(List<PendingCommand> batch) {
    synchronized (waitingForLeader) {
      waitingForLeader.addAll(batch);
    }
    if (node.lifecycle().isClosed()) {
      failAll(node.lifecycle().closedException());
      return;
    }
    if (retryScheduled.compareAndSet(false, true)) {
      try {
        node.timer().schedule(() -> {
          retryScheduled.set(false);
          wake();
        }, retryMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        retryScheduled.set(false);
      }
    }
  }

  /** How many proposals wait for a leader. */
  int waitingForLeader() {
    synchronized (waitingForLeader) {
      return waitingForLeader.size();
    }
  }

  /** Waits until every entry proposed is applied or failed; false if some were not within the timeout. */
  boolean awaitNoEntriesInFlight(long timeout, TimeUnit unit) {
    try {
      return inFlight.awaitNone(timeout, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the dispatcher thread and fails what it had not proposed with {@link LogClosedException}. */
  void close() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failAll(node.lifecycle().closedException());
  }

  private void failAll(RuntimeException e) {
    PendingCommand p;
    while ((p = queue.poll()) != null) {
      if (p != WAKE) {
        p.fail(e);
      }
    }
    synchronized (waitingForLeader) {
      while ((p = waitingForLeader.poll()) != null) {
        p.fail(e);
      }
    }
  }

  private void dispatchLoop() {
    List<PendingCommand> batch = new ArrayList<>();
    try {
      while (!node.lifecycle().isClosed()) {
        if (retryDue.getAndSet(false)) {
          retryWaiting();
        }
        PendingCommand first = queue.take();
        if (first == WAKE) {
          continue;
        }
        batch.add(first);
        long bytes = first.command.length;
        while (batch.size() < node.settings().maxBatchCommands()) {
          PendingCommand next = queue.peek();
          if (next == WAKE) {
            queue.poll(); // retryDue is set: the next round retries
            continue;
          }
          if (next == null || bytes + next.command.length > node.settings().maxBatchBytes()) {
            break;
          }
          batch.add(queue.poll());
          bytes += next.command.length;
        }
        route(batch);
        batch = new ArrayList<>();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LogClosedException closed = node.lifecycle().closedException();
      batch.forEach(p -> p.fail(closed)); // not proposed
    } catch (RuntimeException e) {
      LOG.error("the raft dispatcher of node {} failed; proposals on this node fail until restart", node.nodeId(), e);
      String fatal = "the raft dispatcher failed: " + e;
      node.failure().fail(fatal);
      for (PendingCommand p : batch) {
        p.fail(new RetriableException(fatal, true, e));
      }
    }
  }

  private void retryWaiting() throws InterruptedException {
    List<PendingCommand> retry;
    synchronized (waitingForLeader) {
      if (waitingForLeader.isEmpty()) {
        return;
      }
      retry = new ArrayList<>(waitingForLeader);
      waitingForLeader.clear();
    }
    long now = node.nanoClock().getAsLong();
    List<PendingCommand> live = new ArrayList<>();
    for (PendingCommand p : retry) {
      if (now - p.deadlineNanos > 0) {
        p.fail(new NotLeaderException("no leader of group '" + node.groupId() + "' answered within "
            + node.settings().leaderWaitMs() + " ms; nothing was written", node.leaderAddress()));
      } else {
        live.add(p);
      }
    }
    // in batches within the limits: one raft entry holds at most maxBatchCommands (< 2^16) commands
    List<PendingCommand> chunk = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < live.size(); i++) {
      PendingCommand p = live.get(i);
      if (!chunk.isEmpty() && (chunk.size() >= node.settings().maxBatchCommands()
          || bytes + p.command.length > node.settings().maxBatchBytes())) {
        routeOrKeep(chunk, live.subList(i, live.size()));
        chunk = new ArrayList<>();
        bytes = 0;
      }
      chunk.add(p);
      bytes += p.command.length;
    }
    if (!chunk.isEmpty()) {
      routeOrKeep(chunk, List.of());
    }
  }

  /** Routes {@code chunk}; when interrupted (closing), keeps it and {@code rest} for close to fail. */
  private void routeOrKeep(List<PendingCommand> chunk, List<PendingCommand> rest) throws InterruptedException {
    try {
      route(chunk);
    } catch (InterruptedException e) {
      synchronized (waitingForLeader) {
        waitingForLeader.addAll(chunk);
        waitingForLeader.addAll(rest);
      }
      throw e;
    }
  }

  private void route(List<PendingCommand> batch) throws InterruptedException {
    Node n = node.node().get();
    if (n.isLeader()) {
      propose(n, batch);
      return;
    }
    List<PendingCommand> forwardable = new ArrayList<>(batch.size());
    for (PendingCommand p : batch) {
      if (p.forwarded) { // the follower sends it again to whoever leads now
        p.fail(new NotLeaderException("not the leader", node.leaderAddress()));
      } else {
        forwardable.add(p);
      }
    }
    if (forwardable.isEmpty()) {
      return;
    }
    PeerId leaderId = n.getLeaderId();
    if (leaderId == null || leaderId.isEmpty() || leaderId.equals(node.self())) {
      park(forwardable);
      return;
    }
    forwarder.forward(leaderId, forwardable, this::park);
  }

  private void propose(Node n, List<PendingCommand> batch) throws InterruptedException {
    if (inFlight.acquire() && node.lifecycle().isClosed()) {
      inFlight.release(); // waited for a place while the log closed: not proposed
      LogClosedException closed = node.lifecycle().closedException();
      batch.forEach(p -> p.fail(closed));
      return;
    }
    List<byte[]> commands = new ArrayList<>(batch.size());
    batch.forEach(p -> commands.add(p.command));
    n.apply(new Task(RaftEntries.encode(commands), new BatchClosure(batch)));
  }

  /** Completes the commands of one raft entry; JRaft runs it after the entry is applied or failed. */
  final class BatchClosure implements Closure {
    private final List<PendingCommand> batch;
    private final PendingCommand.Applied[] results;
    private boolean released;

    BatchClosure(List<PendingCommand> batch) {
      this.batch = batch;
      this.results = new PendingCommand.Applied[batch.size()];
    }

    /** Records the result of the command at {@code position}; the state machine calls it as it applies the entry. */
    void applied(int position, PendingCommand.Applied result) {
      results[position] = result;
    }

    @Override
    public void run(Status status) {
      if (!released) {
        released = true;
        inFlight.release();
      }
      if (status.isOk()) {
        node.lifecycle().callbacks().execute(() -> {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future.complete(results[i]);
          }
        });
        return;
      }
      // EBUSY: refused before it reached the log. Anything else (lost leadership, shutdown): the
      // entry may be in the log of a majority and be committed by the next leader.
      boolean notWritten = status.getRaftError() == RaftError.EBUSY;
      if (notWritten && !node.lifecycle().isClosed()) {
        park(new ArrayList<>(batch));
        return;
      }
      RetriableException e = new RetriableException("the proposal's outcome is unknown: " + status.getErrorMsg()
          + " (node " + node.nodeId() + " of group '" + node.groupId() + "'); read the log before retrying",
          !notWritten);
      node.lifecycle().callbacks().execute(() -> batch.forEach(p -> p.fail(e)));
    }
  }
}
