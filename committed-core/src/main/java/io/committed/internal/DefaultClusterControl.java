package io.committed.internal;

import io.committed.ClusterControl;
import io.committed.api.HostPort;
import io.committed.api.MembershipException;
import io.committed.engine.ClusterEngine;
import io.committed.engine.EngineStatus;
import io.committed.engine.LogEngine;
import java.util.SortedMap;
import java.util.TreeMap;

/** Membership through the engine, when it supports it. */
final class DefaultClusterControl implements ClusterControl {
  private final LogEngine engine;
  private final LogSettings settings;
  private final LogLifecycle lifecycle;

  DefaultClusterControl(LogEngine engine, LogSettings settings, LogLifecycle lifecycle) {
    this.engine = engine;
    this.settings = settings;
    this.lifecycle = lifecycle;
  }

  @Override
  public Members members() {
    if (engine instanceof ClusterEngine c) {
      return c.members();
    }
    EngineStatus s = engine.status();
    SortedMap<Integer, String> voters = new TreeMap<>(s.peers());
    if (voters.isEmpty()) { // a single node without a replication address
      voters.put(s.nodeId(), "local");
    }
    return new Members(voters, new TreeMap<>());
  }

  @Override
  public void addLearner(int nodeId, String address) {
    if (nodeId < 1) {
      throw new MembershipException(MembershipException.Code.INVALID, "node ids are >= 1, was " + nodeId);
    }
    HostPort parsed;
    try {
      parsed = HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new MembershipException(MembershipException.Code.INVALID,
          "the address of node " + nodeId + " must be host:port: " + e.getMessage());
    }
    if (parsed.port() == 0) {
      throw new MembershipException(MembershipException.Code.INVALID,
          "the address of node " + nodeId + " needs a port its peers can reach, not 0");
    }
    clusterEngine().addLearner(nodeId, parsed.toString(), timeoutMillis());
  }

  @Override
  public void promote(int nodeId) {
    clusterEngine().promote(nodeId, timeoutMillis());
  }

  @Override
  public void remove(int nodeId) {
    clusterEngine().remove(nodeId, timeoutMillis());
  }

  @Override
  public void transferLeadership(int nodeId) {
    clusterEngine().transferLeadership(nodeId, timeoutMillis());
  }

  private ClusterEngine clusterEngine() {
    lifecycle.checkOpen();
    if (engine instanceof ClusterEngine c) {
      return c;
    }
    throw new MembershipException(MembershipException.Code.NOT_SUPPORTED, "the " + settings.engineName()
        + " engine has a single node and no membership; use committed-raft for a replicated group");
  }

  private long timeoutMillis() {
    return settings.operationTimeout().toMillis();
  }
}
