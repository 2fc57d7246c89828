package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import io.committed.api.NotLeaderException;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The leader's side of forwarding: proposes the commands a follower sent (coalesced with its own by
 * the dispatcher) and answers with each command's engine index and result. Registered with the raft
 * node's RPC server, which routes requests to it by {@link #interest()}, the request's class name.
 */
final class ForwardProcessor implements RpcProcessor<ForwardRequest> {
  private final NodeContext node;
  private final ProposalDispatcher dispatcher;

  ForwardProcessor(NodeContext node, ProposalDispatcher dispatcher) {
    this.node = node;
    this.dispatcher = dispatcher;
  }

  @Override
  public void handleRequest(RpcContext ctx, ForwardRequest request) {
    Node n = node.node().get();
    if (node.lifecycle().isClosed() || n == null || !n.isLeader() || !node.groupId().equals(request.groupId())) {
      ctx.sendResponse(ForwardResponse.notTheLeader());
      return;
    }
    List<CompletableFuture<PendingCommand.Applied>> futures = new ArrayList<>(request.commands().size());
    long deadline = node.leaderWaitDeadline();
    for (byte[] command : request.commands()) {
      PendingCommand p = new PendingCommand(command, deadline, true);
      futures.add(p.future);
      dispatcher.submit(p);
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      List<ForwardResponse.Outcome> outcomes = new ArrayList<>(futures.size());
      futures.forEach(f -> outcomes.add(outcome(f)));
      ctx.sendResponse(new ForwardResponse(false, outcomes));
    });
  }

  private static ForwardResponse.Outcome outcome(CompletableFuture<PendingCommand.Applied> done) {
    try {
      PendingCommand.Applied a = done.join();
      ApplyResult r = a.result();
      return new ForwardResponse.Outcome(a.engineIndex(), r.value(), r.rejection() == null ? null : r.rejection().name(),
          r.message(), false);
    } catch (CompletionException x) {
      Throwable c = x.getCause();
      boolean unknown = !(c instanceof NotLeaderException) && (!(c instanceof RetriableException re) || re.outcomeUnknown());
      return new ForwardResponse.Outcome(0, 0, null, String.valueOf(c.getMessage()), unknown);
    }
  }

  @Override
  public String interest() {
    return ForwardRequest.class.getName();
  }
}
