package io.committed.engine;

import io.committed.NodeRole;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;

/**
 * An engine's view of its group, for status pages. What the engine does not know is an empty
 * {@code Optional}; no component is null.
 *
 * @param nodeId this node's id
 * @param role this node's role
 * @param leaderId the leader's node id, if known
 * @param leaderAddress the leader's replication address ({@code host:port}), if known
 * @param term the current term (0 for an engine without terms)
 * @param committedIndex the engine's last committed index
 * @param appliedIndex the engine's last applied index
 * @param peers the current members by node id and address
 */
public record EngineStatus(
    int nodeId,
    NodeRole role,
    OptionalInt leaderId,
    Optional<String> leaderAddress,
    long term,
    long committedIndex,
    long appliedIndex,
    SortedMap<Integer, String> peers) {

  public EngineStatus {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(leaderId, "leaderId");
    Objects.requireNonNull(leaderAddress, "leaderAddress");
    Objects.requireNonNull(peers, "peers");
  }
}
