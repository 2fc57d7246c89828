package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.committed.api.LogClosedException;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's side of forwarding: sends waiting commands to the leader in one request (served by
 * {@link ForwardProcessor}) and completes each command's future once this node has applied the
 * engine index the leader answered with, so that callers read their own writes on the node they
 * wrote to. What the leader did not take is handed back to be sent again when a leader is known.
 */
final class Forwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final byte[] EMPTY = new byte[0];

  private final NodeContext node;
  private final AppliedWaiters applied;
  /** Batches sent to the leader and not answered yet: failed on close, since the RPC client drops them. */
  private final Set<List<PendingCommand>> forwarding = ConcurrentHashMap.newKeySet();
  private volatile RpcClient client;

  Forwarder(NodeContext node, AppliedWaiters applied) {
    this.node = node;
    this.applied = applied;
  }

  /** Creates the RPC client, speaking {@code tls} unless it is null; before the dispatcher runs. */
  void open(PeerTls tls) {
    RpcClient c = RpcFactoryHelper.rpcFactory().createRpcClient();
    if (tls != null) {
      tls.configure(c);
    }
    c.init(new RpcOptions());
    client = c;
  }

  /**
   * Sends {@code batch} to {@code leaderId}. Commands the leader did not take (it was not the leader,
   * the request could not be sent) go to {@code again}, on whichever thread learns it.
   */
  void forward(PeerId leaderId, List<PendingCommand> batch, Consumer<List<PendingCommand>> again) {
    List<byte[]> commands = new ArrayList<>(batch.size());
    batch.forEach(p -> commands.add(p.command));
    ForwardRequest request = new ForwardRequest(node.groupId(), commands);
    forwarding.add(batch);
    try {
      client.invokeAsync(leaderId.getEndpoint(), request, (result, err) -> {
        if (!forwarding.remove(batch)) {
          return; // already failed by close()
        }
        if (err != null) {
          RetriableException e = new RetriableException("the leader " + PeerAddress.hostPort(leaderId) + " did not answer"
              + " a forwarded proposal: " + err.getMessage() + "; its outcome is unknown, read the log before retrying",
              true, err);
          batch.forEach(p -> p.fail(e));
          return;
        }
        answered(batch, (ForwardResponse) result, again);
      }, node.settings().leaderWaitMs());
    } catch (RemotingException | RuntimeException e) {
      // not sent: nothing can have been written; try again when a leader is reachable
      LOG.debug("forwarding to {} failed: {}", leaderId, e.toString());
      if (forwarding.remove(batch)) {
        again.accept(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (forwarding.remove(batch)) {
        again.accept(batch);
      }
    }
  }

  private void answered(List<PendingCommand> batch, ForwardResponse r, Consumer<List<PendingCommand>> again) {
    if (r.notLeader()) {
      again.accept(batch);
      return;
    }
    nudgeCommitIndex();
    List<PendingCommand> notTaken = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      PendingCommand p = batch.get(i);
      ForwardResponse.Outcome o = r.outcomes().get(i);
      if (o.engineIndex() == 0) {
        if (o.outcomeUnknown()) {
          p.fail(new RetriableException(o.message(), true));
        } else {
          notTaken.add(p); // the leader lost leadership before proposing it: send it again
        }
        continue;
      }
      ApplyResult result = o.rejection() == null ? ApplyResult.ok(o.value())
          : ApplyResult.rejected(ProposalRejectedException.Reason.valueOf(o.rejection()), o.message());
      completeOnceApplied(p, new PendingCommand.Applied(result, o.engineIndex()));
    }
    if (!notTaken.isEmpty()) {
      again.accept(notTaken);
    }
  }

  /**
   * Committed for sure: if this node cannot apply it in time (cut off from the leader), the caller
   * still learns it succeeded rather than retrying a committed write; only read-your-writes is lost.
   */
  private void completeOnceApplied(PendingCommand p, PendingCommand.Applied a) {
    long waitMs = node.settings().leaderWaitMs();
    applied.whenApplied(a.engineIndex(), node.leaderWaitDeadline(),
        () -> node.lifecycle().callbacks().execute(() -> p.future.complete(a)),
        p::fail,
        () -> {
          LOG.warn("node {} has not applied engine index {} within {} ms; acknowledging the committed proposal"
              + " anyway", node.nodeId(), a.engineIndex(), waitMs);
          p.future.complete(a);
        });
  }

  /**
   * This node completes forwarded proposals once it has applied them itself, and it learns they are
   * committed from the leader's next append or heartbeat. A read-index request makes the leader send
   * a heartbeat round now, instead of up to a heartbeat interval (electionTimeoutMs / 10) later.
   */
  void nudgeCommitIndex() {
    Node n = node.node().get();
    if (n == null || node.lifecycle().isClosed()) {
      return;
    }
    try {
      n.readIndex(EMPTY, new ReadIndexClosure() {
        @Override
        public void run(Status status, long index, byte[] reqCtx) {
          // only its side effect matters
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("read-index request failed", e);
    }
  }

  /**
   * Completes once this node has applied everything the leader had committed when asked: JRaft's
   * read-index round (a follower asks the leader, the leader confirms its leadership with a
   * heartbeat round) runs the closure once this node's applied index reaches the read index.
   */
  CompletableFuture<Void> readBarrier() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Node n = node.node().get();
    if (node.lifecycle().isClosed()) {
      f.completeExceptionally(new LogClosedException("log '" + node.groupId() + "' is closed"));
      return f;
    }
    if (n == null) {
      f.completeExceptionally(new RetriableException("the raft node of log '" + node.groupId() + "' is not running",
          false));
      return f;
    }
    try {
      n.readIndex(EMPTY, new ReadIndexClosure() {
        @Override
        public void run(Status status, long index, byte[] reqCtx) {
          if (status.isOk()) {
            f.complete(null);
          } else {
            f.completeExceptionally(new RetriableException("no linearizable read on log '" + node.groupId() + "' now: "
                + status.getErrorMsg() + " (" + status.getRaftError() + ")", false));
          }
        }
      });
    } catch (RuntimeException e) {
      f.completeExceptionally(new RetriableException("read-index request on log '" + node.groupId() + "' failed: "
          + e.getMessage(), false, e));
    }
    return f;
  }

  /** Fails what the leader has not answered yet as of unknown outcome: the RPC client drops it on close. */
  void failUnanswered() {
    RetriableException unanswered = new RetriableException("log '" + node.groupId() + "' closed while the leader had"
        + " not answered a forwarded proposal; its outcome is unknown, read the log before retrying", true);
    for (List<PendingCommand> batch : List.copyOf(forwarding)) {
      if (forwarding.remove(batch)) {
        batch.forEach(p -> p.fail(unanswered));
      }
    }
  }

  @Override
  public void close() {
    RpcClient c = client;
    if (c != null) {
      c.shutdown();
    }
  }
}
