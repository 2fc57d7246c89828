package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Describer;
import com.alipay.sofa.jraft.util.ThreadId;
import io.committed.CommittedLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

/**
 * Fault injection into JRaft's leader (test only, through reflection on JRaft 1.3.15's internals):
 * when the leader waits for a new voter to catch up, the wait is registered only after that
 * voter's replicator has had its first probe answered. That is one interleaving of a race inside
 * JRaft (its replicator sends the probe before the leader registers the wait), made certain.
 */
final class CatchUpRace {
  private CatchUpRace() {}

  /** Applies to the raft node behind {@code leader}, which must lead its group. */
  static void answerFirst(CommittedLog leader) throws ReflectiveOperationException {
    NodeImpl node = null;
    for (Node n : NodeManager.getInstance().getAllNodes()) {
      if (n.isLeader() && n.getLeaderId().getIdx() == leader.status().nodeId()) {
        node = (NodeImpl) n;
      }
    }
    if (node == null) {
      throw new IllegalStateException("node " + leader.status().nodeId() + " does not lead");
    }
    Field field = NodeImpl.class.getDeclaredField("replicatorGroup");
    field.setAccessible(true);
    ReplicatorGroup real = (ReplicatorGroup) field.get(node);
    Object proxy = Proxy.newProxyInstance(ReplicatorGroup.class.getClassLoader(), new Class<?>[] {ReplicatorGroup.class},
        (p, method, args) -> {
          if (method.getName().equals("waitCaughtUp")) {
            awaitProbeAnswered(real.getReplicator((PeerId) args[1]));
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    field.set(node, proxy);
  }

  /**
   * JRaft's description of every raft node in this JVM (state, configuration, log, replicators),
   * without the log storage's statistics (RocksDB's, some hundred lines a node).
   */
  static String describeAll() {
    StringBuilder all = new StringBuilder();
    for (Node n : NodeManager.getInstance().getAllNodes()) {
      StringWriter out = new StringWriter();
      PrintWriter printer = new PrintWriter(out);
      n.describe(new Describer.DefaultPrinter(printer));
      printer.flush();
      String text = out.toString();
      int storage = text.indexOf("logStorage:");
      all.append(storage < 0 ? text : text.substring(0, storage)).append('\n');
    }
    return all.toString();
  }

  /** Waits (at most a second) until the replicator has left its probe state: its first probe was answered. */
  private static void awaitProbeAnswered(ThreadId id) throws ReflectiveOperationException, InterruptedException {
    if (id == null) {
      return;
    }
    Object replicator = id.getData();
    Field state = replicator.getClass().getDeclaredField("state");
    state.setAccessible(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (!String.valueOf(state.get(replicator)).equals("Replicate") && System.nanoTime() - deadline < 0) {
      Thread.sleep(1);
    }
  }
}
