package io.committed.engine;

import io.committed.ClusterControl;

/**
 * An engine capability: a {@link LogEngine} that also implements this interface supports
 * membership changes, and core hands it out as {@link io.committed.CommittedLog#cluster()}.
 * The methods follow {@link ClusterControl}'s contract; {@code timeoutMillis} bounds each call.
 */
public interface ClusterEngine {

  /** See {@link ClusterControl#members()}. */
  ClusterControl.Members members();

  /** See {@link ClusterControl#addLearner}. */
  void addLearner(int nodeId, String address, long timeoutMillis);

  /** See {@link ClusterControl#promote}. */
  void promote(int nodeId, long timeoutMillis);

  /** See {@link ClusterControl#remove}. */
  void remove(int nodeId, long timeoutMillis);

  /** See {@link ClusterControl#transferLeadership}. */
  void transferLeadership(int nodeId, long timeoutMillis);
}
